import { checkFileReplaceable, OutputError, writeFileAtomic } from '../../backends/common/output.js';
import type { FileOutputOptions } from '../../backends/common/output.js';
import { loadProgram } from '../../compiler/program/node-host.js';
import { parseCommandArgs, parseSetArgs, printDiagnostics, readProgramOrExit, UsageError } from '../io.js';
import type { Command } from '../command.js';

const FORMATS = ['svg', 'dot', 'mermaid', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** Runs a write (or its check); an OutputError is printed, and false returned. */
function writable(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    process.stderr.write(`incc graph: ${e.message}\n`);
    return false;
  }
}

const options = {
  network: { type: 'string' },
  block: { type: 'string' },
  input: { type: 'string' },
  depth: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  rules: { type: 'string', multiple: true },
  diff: { type: 'boolean' },
  lint: { type: 'boolean' },
  direction: { type: 'string' },
  set: { type: 'string', multiple: true },
} as const;

export const graphCommand: Command = {
  name: 'graph',
  options,
  summary: 'draw a network or a block as the paper draws modules (svg, dot, mermaid, html report)',
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
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const format = (values['format'] as string | undefined) ?? 'svg';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format takes ${FORMATS.join(', ')}; got '${format}'`);
    const depthText = values['depth'] as string | undefined;
    let depth: number | undefined;
    if (depthText !== undefined) {
      if (depthText === 'all') depth = Infinity;
      else if (/^[1-9]\d{0,2}$/.test(depthText)) depth = Number(depthText);
      else throw new UsageError(`--depth takes a positive integer or 'all'; got '${depthText}'`);
    }
    const direction = (values['direction'] as string | undefined) ?? 'up';
    if (direction !== 'up' && direction !== 'down')
      throw new UsageError(`--direction takes up or down; got '${direction}'`);
    const setTexts = (values['set'] as string[] | undefined) ?? [];
    const setArgs = parseSetArgs(setTexts);

    const out = values['out'] as string | undefined;
    if (values['force'] && out === undefined) throw new UsageError('--force goes with --out');
    // The drawing code (and its layout library) loads only here: no other command pays for it.
    const graph = await import('../../backends/graph/index.js');
    const policy: FileOutputOptions = { isOwn: graph.isGraphOutput, force: values['force'] === true };
    if (out !== undefined && !writable(() => checkFileReplaceable(out, policy))) return 2; // before the drawing

    const program = readProgramOrExit(positionals[0]!, loadProgram);
    if (program === undefined) return 2;
    if (program.diagnostics.some((d) => d.severity === 'error')) {
      printDiagnostics(program.diagnostics, program.sourceOf);
      return 1;
    }
    const { lintFindings, select } = await import('../graph-select.js');
    const selection = select(positionals[0]!, program, {
      network: values['network'] as string | undefined,
      args: setArgs,
      setTexts,
      rules: values['rules'] as string[] | undefined,
      block: values['block'] as string | undefined,
      input: values['input'] as string | undefined,
    });
    if (selection.usage) throw new UsageError(selection.usage, false);
    printDiagnostics([...program.diagnostics, ...selection.diagnostics], selection.program.sourceOf);
    if (!selection.graph) return 1;
    for (const note of selection.notes) process.stderr.write(`incc graph: ${note}\n`);
    const withLint = values['lint'] === true || format === 'html';
    const lint = withLint ? lintFindings(selection, selection.graph.network) : undefined;
    const rendered = await graph.render(
      { ...selection, graph: selection.graph, lint },
      {
        format: format as Format,
        depth,
        diff: values['diff'] === true,
        lint: values['lint'] === true,
        direction,
      },
    );
    for (const note of rendered.notes) process.stderr.write(`incc graph: ${note}\n`);
    if (out !== undefined) {
      if (!writable(() => writeFileAtomic(out, rendered.text, policy))) return 2;
    } else process.stdout.write(rendered.text);
    return 0;
  },
};
