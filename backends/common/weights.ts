/**
 * The weights of an IR graph, shared by every backend: which variables each node has (Keras names,
 * shapes and layouts), and their deterministic initial values (Keras's initializers: glorot-uniform
 * kernels, zero biases and betas, unit gammas, zero moving means, unit moving variances).
 *
 * Values come from a small seeded generator, not from tfjs, so that the tfjs and ONNX backends give the
 * same weights for the same seed and neither needs the other: variable `v` draws from a stream seeded by
 * (seed, v's name), so its values do not depend on the order of the graph or on other variables.
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { mulberry32, streamSeed } from './random.js';

export type WeightRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';

export interface WeightSpec {
  /** `${node name}/kernel`, `${node name}/bn/gamma`, ... */
  name: string;
  /** The node it belongs to (id in the graph). */
  node: number;
  role: WeightRole;
  /** Keras layout: conv kernel [kh, kw, C_in, C_out] (HWIO); dense kernel [in, units]; vectors [C]. */
  shape: number[];
  trainable: boolean;
  init: { kind: 'glorot_uniform'; fanIn: number; fanOut: number } | { kind: 'zeros' } | { kind: 'ones' };
}

function inputChannels(graph: IRGraph, n: IRNode): number {
  const shape = graph.nodes[n.inputs[0]!]!.shape;
  return shape[shape.length - 1]!;
}

function batchNormSpecs(prefix: string, node: number, channels: number, scale: boolean): WeightSpec[] {
  const vector = (role: WeightRole, init: WeightSpec['init'], trainable: boolean): WeightSpec => ({ name: `${prefix}/${role}`, node, role, shape: [channels], trainable, init });
  return [
    ...(scale ? [vector('gamma', { kind: 'ones' }, true)] : []),
    vector('beta', { kind: 'zeros' }, true),
    vector('moving_mean', { kind: 'zeros' }, false),
    vector('moving_variance', { kind: 'ones' }, false),
  ];
}

/** Every variable of the graph, in node order; within a node: kernel, bias, gamma, beta, moving mean, moving variance. */
export function weightSpecs(graph: IRGraph): WeightSpec[] {
  const out: WeightSpec[] = [];
  for (const n of graph.nodes) {
    const a = n.attrs;
    if (a.op === 'conv') {
      const [kh, kw] = a.kernel;
      const cin = inputChannels(graph, n);
      out.push({ name: `${n.name}/kernel`, node: n.id, role: 'kernel', shape: [kh, kw, cin, a.filters], trainable: true, init: { kind: 'glorot_uniform', fanIn: kh * kw * cin, fanOut: kh * kw * a.filters } });
      if (a.bias) out.push({ name: `${n.name}/bias`, node: n.id, role: 'bias', shape: [a.filters], trainable: true, init: { kind: 'zeros' } });
      if (a.bn) out.push(...batchNormSpecs(`${n.name}/bn`, n.id, a.filters, a.bn.scale));
    } else if (a.op === 'dense') {
      const cin = inputChannels(graph, n);
      out.push({ name: `${n.name}/kernel`, node: n.id, role: 'kernel', shape: [cin, a.units], trainable: true, init: { kind: 'glorot_uniform', fanIn: cin, fanOut: a.units } });
      if (a.bias) out.push({ name: `${n.name}/bias`, node: n.id, role: 'bias', shape: [a.units], trainable: true, init: { kind: 'zeros' } });
    } else if (a.op === 'batchnorm') {
      out.push(...batchNormSpecs(n.name, n.id, n.shape[n.shape.length - 1]!, a.bn.scale));
    }
  }
  return out;
}

/** The initial value of one variable. */
export function initialValue(spec: WeightSpec, seed: number): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (spec.init.kind === 'ones') values.fill(1);
  else if (spec.init.kind === 'glorot_uniform') {
    const limit = Math.sqrt(6 / (spec.init.fanIn + spec.init.fanOut));
    const next = mulberry32(streamSeed(seed, spec.name));
    for (let i = 0; i < size; i++) values[i] = (next() * 2 - 1) * limit;
  }
  return values;
}

/** Every variable with its initial value, in weightSpecs order. */
export function initialWeights(graph: IRGraph, seed: number): { spec: WeightSpec; values: Float32Array }[] {
  return weightSpecs(graph).map((spec) => ({ spec, values: initialValue(spec, seed) }));
}
