/** Loads and elaborates a network of the shipped stdlib, for the stdlib tests. */
import { join } from 'node:path';
import { elaborate } from '../../compiler/ir/elaborate.js';
import { loadProgram, stdlibDir } from '../../compiler/program/node-host.js';
import { summarize, type Summary } from '../../compiler/print/summary.js';

export function stdlibPath(file: string): string {
  return join(stdlibDir, file);
}

export function summaryOf(file: string, network?: string, args: Record<string, number | boolean> = {}): Summary {
  const program = loadProgram(stdlibPath(file));
  const errors = program.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join('; ')}`);
  const result = elaborate(program, { network, args });
  if (!result.graph) throw new Error(`${file}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return summarize(result.graph);
}

/** The output shape of the node called `name`. */
export function shapeOf(s: Summary, name: string): number[] {
  const node = s.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name} in ${s.network}`);
  return node.outputShape;
}

/** Expects the output shape of each node named, one assertion a node, so that a failure names the node. */
export function expectShapes(s: Summary, shapes: Record<string, number[]>): void {
  for (const [name, shape] of Object.entries(shapes)) expect([name, shapeOf(s, name)]).toEqual([name, shape]);
}
