/** What the commands that work on one network share: FILE, --network, --set and --rules to a built network. */
import type { IRGraph } from '../compiler/ir/ir.js';
import { loadProgram } from '../compiler/program/node-host.js';
import { buildNetwork, type BuildResult } from '../compiler/program/pipeline.js';
import type { Program } from '../compiler/program/program.js';
import { parseSetArgs, printDiagnostics, readProgramOrExit } from './io.js';

/** The options that select and build a network, as parsed (cli/command-line.ts). */
export interface NetworkOptions {
  network?: string;
  set?: string[];
  rules?: string[];
}

/**
 * FILE's network as `--network`, `--set` and `--rules` select it, built through the rewrite pass, with every
 * diagnostic printed; or the exit status when there is none: 2 for an unreadable FILE, 1 for errors.
 */
export function buildNetworkOrExit(
  file: string,
  values: NetworkOptions,
): { program: Program; result: BuildResult & { graph: IRGraph } } | number {
  const program = readProgramOrExit(file, loadProgram);
  if (program === undefined) return 2;
  if (program.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(program.diagnostics, program.sourceOf);
    return 1;
  }
  const result = buildNetwork(program, {
    network: values.network,
    args: parseSetArgs(values.set),
    rules: values.rules,
  });
  printDiagnostics([...program.diagnostics, ...result.diagnostics], program.sourceOf);
  const graph = result.graph;
  return graph ? { program, result: { ...result, graph } } : 1;
}
