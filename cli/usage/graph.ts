/** `incc graph`'s usage: name, summary, options and help (cli/commands/graph.ts runs it). */
import { commandUsage } from '../command.js';

export const graphUsage = commandUsage({
  name: 'graph',
  summary: 'draw a network or a block as the paper draws modules (svg, dot, mermaid, html report)',
  options: {
    string: 'network block input depth format out direction',
    multiple: 'rules set',
    boolean: 'force diff lint',
  },
  help: `Usage: incc graph FILE [--network NAME] [--block NAME] [--depth N|all] [--format svg|dot|mermaid|html]
                  [--out FILE [--force]] [--rules RULE]... [--diff] [--lint] [--set NAME=VALUE]... [--input HxWxC]

Draws one network of FILE, or one block of it, bottom to top as the paper's figures do:
one box per layer (its kind, kernel/stride, filters and output shape), branches side by
side, the concat on top. A whole network is drawn with its blocks collapsed into one box
each (name, block, output shape, parameters); the html report opens them on a click.

Options:
  --network NAME    the network (needed when FILE declares several)
  --block NAME      draw one block instance (mixed5), or the first instance of a block (Figure6).
                    For a file of blocks with no network (std/modules), the block is drawn as a
                    network beside FILE that imports it instantiates it, or alone with --input
  --input HxWxC     draw the block alone on an input of this shape; --set then gives its arguments
  --depth N|all     open N levels of block instances (default: 1 for a network, all for a block)
  --format F        svg (default), dot (Graphviz source), mermaid (flowchart), or html: one
                    self-contained page with the diagram, expandable blocks, the summary table and
                    the lint findings next to the layers they concern
  --out FILE        write there instead of to standard output; an existing FILE is replaced
                    only if incc drew it (a symbolic link is written through)
  --force           replace --out even if incc did not write it
  --rules RULE      apply a rule after the file's own (repeatable; std/rules is always available)
  --diff            draw the network before and after its rules side by side, rewritten layers marked
  --lint            outline the layers lint reports, with each message beside its layer
  --direction D     up (default: input at the bottom, as in the paper) or down
  --set NAME=VALUE  set a network parameter (or, with --input, a block parameter)

The SVG is laid out in-process (elkjs): no Graphviz needed. The same input gives the same bytes.
Exit codes: 0 drawn, 1 errors in the file, 2 usage error, unreadable file or output
that cannot be written.`,
});
