/**
 * The weights of an IR graph, shared by every backend: which variables each node has (its layer kind's,
 * compiler/ir/kinds/: Keras names, shapes and layouts), and their deterministic initial values (Keras's
 * initializers: glorot-uniform kernels, zero biases and betas, unit gammas, zero moving means, unit moving
 * variances).
 *
 * Values come from a small seeded generator, not from tfjs, so that the tfjs and ONNX backends give the
 * same weights for the same seed and neither needs the other: variable `v` draws from a stream seeded by
 * (seed, v's name), so its values do not depend on the order of the graph or on other variables.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { kernelRoles, variablesOf, type Variable, type VariableRole } from '../../compiler/ir/kinds/index.js';
import { mulberry32, streamSeed } from './random.js';

export type WeightRole = VariableRole;

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

/**
 * Keras's initializer of a variable: kernels glorot-uniform with Keras's fans (a [in, out] matrix: in and
 * out; a kh x kw x in x out kernel: kh*kw*in and kh*kw*out), gammas and moving variances ones, the rest zeros.
 */
function initOf(v: Variable): WeightSpec['init'] {
  if (v.role === 'gamma' || v.role === 'moving_variance') return { kind: 'ones' };
  if (!kernelRoles.has(v.role)) return { kind: 'zeros' };
  const receptive = v.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const [fanIn, fanOut] = v.shape.slice(-2) as [number, number];
  return { kind: 'glorot_uniform', fanIn: fanIn * receptive, fanOut: fanOut * receptive };
}

/**
 * Every variable of the graph, in node order; within a node, its kind's order (kernel, bias, gamma, beta,
 * moving mean, moving variance).
 */
export function weightSpecs(graph: IRGraph): WeightSpec[] {
  const out: WeightSpec[] = [];
  for (const n of graph.nodes) {
    const input = n.inputs.length > 0 ? graph.nodes[n.inputs[0]!]!.shape : [];
    for (const v of variablesOf(n.attrs, input)) {
      const { role, shape, trainable } = v;
      out.push({ name: `${n.name}/${v.path}`, node: n.id, role, shape, trainable, init: initOf(v) });
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
