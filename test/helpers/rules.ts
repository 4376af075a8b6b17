/** Building small networks with rules from source text, for the rule tests. */
import { join } from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { buildNetwork, type BuildResult } from '../../compiler/program/pipeline.js';
import { loadProgramFromText } from '../../compiler/program/node-host.js';
import { repoRoot } from './cli.js';

/** Loads `text` as if it were the file `name` at the repository root, and builds its one network. */
export function buildText(
  text: string,
  options: { rules?: string[]; args?: Record<string, number | boolean>; name?: string } = {},
): BuildResult & { loadDiagnostics: Diagnostic[] } {
  const program = loadProgramFromText(text, join(repoRoot, options.name ?? 'rules-test.incp'));
  const loadDiagnostics = program.diagnostics;
  if (loadDiagnostics.some((d) => d.severity === 'error'))
    return { applications: [], diagnostics: [], loadDiagnostics };
  return { ...buildNetwork(program, { rules: options.rules, args: options.args }), loadDiagnostics };
}

/** The rewritten graph of `text`; throws with the diagnostics when there is none. */
export function graphOf(
  text: string,
  options: { rules?: string[]; args?: Record<string, number | boolean> } = {},
): IRGraph {
  const r = buildText(text, options);
  const errors = [...r.loadDiagnostics, ...r.diagnostics].filter((d) => d.severity === 'error');
  if (!r.graph || errors.length > 0)
    throw new Error(errors.map((d) => `${d.span?.startLine}:${d.span?.startColumn} ${d.code} ${d.message}`).join('\n'));
  return r.graph;
}

export function node(g: IRGraph, name: string): IRNode {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}; the nodes are ${g.nodes.map((x) => x.name).join(', ')}`);
  return n;
}

/** A conv node's kernel, stride, padding and filters, for compact expectations. */
export function convOf(
  g: IRGraph,
  name: string,
): { kernel: number[]; stride: number[]; padding: string; filters: number; shape: number[] } {
  const n = node(g, name);
  if (n.attrs.op !== 'conv') throw new Error(`${name} is a ${n.attrs.op}, not a conv`);
  return {
    kernel: n.attrs.kernel,
    stride: n.attrs.stride,
    padding: n.attrs.padding,
    filters: n.attrs.filters,
    shape: n.shape,
  };
}

/** What convOf gives for a conv of these facts, written on one line. */
export function convFacts(kernel: number[], stride: number[], padding: string, filters: number, shape: number[]) {
  return { kernel, stride, padding, filters, shape };
}

/** Names of the graph's nodes in order. */
export function names(g: IRGraph): string[] {
  return g.nodes.map((n) => n.name);
}
