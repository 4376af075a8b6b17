/**
 * Comparing two IR graphs the way a round trip must keep them (`incc rewrite --emit`, then elaborate the
 * output again): the same node names in the same order, the same ops and attributes, inputs by name,
 * shapes, parameters, multiply-adds and heads; the same aux heads (name, from, weight, output); the same
 * training settings (key and value) and network arguments. Spans, origins and rewrite records are not
 * compared: a flat emitted network has its own source lines and no blocks.
 *
 * `firstIRDifference` names the first difference it finds, or returns undefined when there is none.
 */
import { isDeepStrictEqual } from 'node:util';
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';

function show(v: unknown): string {
  return JSON.stringify(v);
}

function nameOf(g: IRGraph, id: number): string {
  return g.nodes[id]?.name ?? `<no node ${id}>`;
}

function nodeDifference(a: IRGraph, b: IRGraph, x: IRNode, y: IRNode): string | undefined {
  const where = `node #${x.id} ${x.name}`;
  if (!isDeepStrictEqual(x.attrs, y.attrs)) return `${where}: attrs ${show(x.attrs)} vs ${show(y.attrs)}`;
  const xin = x.inputs.map((i) => nameOf(a, i));
  const yin = y.inputs.map((i) => nameOf(b, i));
  if (!isDeepStrictEqual(xin, yin)) return `${where}: inputs ${show(xin)} vs ${show(yin)}`;
  if (!isDeepStrictEqual(x.shape, y.shape)) return `${where}: shape ${show(x.shape)} vs ${show(y.shape)}`;
  if (!isDeepStrictEqual(x.params, y.params)) return `${where}: params ${show(x.params)} vs ${show(y.params)}`;
  if (x.macs !== y.macs) return `${where}: macs ${x.macs} vs ${y.macs}`;
  if (x.head !== y.head) return `${where}: head ${x.head} vs ${y.head}`;
  return undefined;
}

export function firstIRDifference(a: IRGraph, b: IRGraph): string | undefined {
  if (a.network !== b.network) return `network ${a.network} vs ${b.network}`;
  if (!isDeepStrictEqual(a.args, b.args)) return `args ${show(a.args)} vs ${show(b.args)}`;
  const n = Math.min(a.nodes.length, b.nodes.length);
  for (let i = 0; i < n; i++) {
    const x = a.nodes[i]!;
    const y = b.nodes[i]!;
    if (x.name !== y.name) return `node #${i}: name ${x.name} vs ${y.name}`;
    const d = nodeDifference(a, b, x, y);
    if (d) return d;
  }
  if (a.nodes.length !== b.nodes.length) {
    const extra =
      a.nodes.length > b.nodes.length ? `first only: ${a.nodes[n]!.name}` : `second only: ${b.nodes[n]!.name}`;
    return `node count ${a.nodes.length} vs ${b.nodes.length} (${extra})`;
  }
  if (nameOf(a, a.input) !== nameOf(b, b.input)) return `input ${nameOf(a, a.input)} vs ${nameOf(b, b.input)}`;
  if (nameOf(a, a.output) !== nameOf(b, b.output)) return `output ${nameOf(a, a.output)} vs ${nameOf(b, b.output)}`;
  if (a.aux.length !== b.aux.length) return `aux head count ${a.aux.length} vs ${b.aux.length}`;
  for (let i = 0; i < a.aux.length; i++) {
    const x = a.aux[i]!;
    const y = b.aux[i]!;
    const xs = { name: x.name, from: nameOf(a, x.from), weight: x.weight, output: nameOf(a, x.output) };
    const ys = { name: y.name, from: nameOf(b, y.from), weight: y.weight, output: nameOf(b, y.output) };
    if (!isDeepStrictEqual(xs, ys)) return `aux head #${i}: ${show(xs)} vs ${show(ys)}`;
  }
  const xt = a.training.map((t) => ({ key: t.key, value: t.value }));
  const yt = b.training.map((t) => ({ key: t.key, value: t.value }));
  if (xt.length !== yt.length)
    return `training settings ${show(xt.map((t) => t.key))} vs ${show(yt.map((t) => t.key))}`;
  for (let i = 0; i < xt.length; i++) {
    if (!isDeepStrictEqual(xt[i], yt[i])) return `training setting #${i}: ${show(xt[i])} vs ${show(yt[i])}`;
  }
  return undefined;
}
