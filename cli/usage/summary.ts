/** `incc summary`'s usage: name, summary, options and help (cli/commands/summary.ts runs it). */
import { commandUsage } from '../command.js';

export const summaryUsage = commandUsage({
  name: 'summary',
  summary: 'elaborate a network; print its layers, shapes, parameters and multiply-adds',
  options: { string: 'network', multiple: 'set rules', boolean: 'json' },
  help: `Usage: incc summary FILE [--network NAME] [--set NAME=VALUE]... [--rules RULE]... [--json]

Elaborates one network of FILE and prints a Keras-style table: name, op,
output shape, parameters, multiply-adds and source line, with totals, then an
estimate of the memory a training step needs at batch sizes 1 to 64 on tfjs-node and
on wasm (weights, gradients, optimizer state and activations; wasm's heap stops at 4 GiB).

Options:
  --network NAME     the network to summarize (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter (an .incp expression: 10, false, 0.5, 224x224x3)
  --rules RULE       apply a rule after the file's own (NAME, NAME(ARGS), NAME(ARGS) to NODE, ...;
                     repeatable; std/rules is always available)
  --json             print the summary as JSON (a stable interface; see spec/ir.md)

Exit codes: 0 done, 1 errors in the file, 2 usage error or unreadable file.`,
});
