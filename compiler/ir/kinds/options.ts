/** The value checks and the options several layer kinds share (spec/language.md, "Layers"). */
import type { Activation, BatchNormAttrs, ConvolutionAttrs, Padding } from '../ir.js';
import type { Value } from '../values.js';
import type { Check, OptionSpec, Variable } from './kind.js';

export const paddings: readonly Padding[] = ['same', 'valid'];
export const activations: readonly Activation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'];

// ---- value checks ----------------------------------------------------------------------------

export const positiveInt: Check = (v) =>
  v.t === 'int'
    ? v.v >= 1
      ? { ok: true, value: v.v }
      : { ok: false, expected: 'at least 1', range: true }
    : { ok: false, expected: 'a positive integer' };

/** A 2-D size (`3x3`), or an integer n meaning n x n. */
export const pair: Check = (v) => {
  if (v.t === 'int')
    return v.v >= 1 ? { ok: true, value: [v.v, v.v] } : { ok: false, expected: 'at least 1', range: true };
  if (v.t === 'size' && v.dims.length === 2) {
    if (v.dims.every((d) => d >= 1)) return { ok: true, value: v.dims };
    return { ok: false, expected: 'at least 1 in each dimension', range: true };
  }
  return { ok: false, expected: 'a size like 3x3' };
};

export const shape3: Check = (v) => {
  if (v.t === 'size' && v.dims.length === 3) {
    if (v.dims.every((d) => d >= 1)) return { ok: true, value: v.dims };
    return { ok: false, expected: 'at least 1 in each dimension', range: true };
  }
  return { ok: false, expected: 'a size H x W x C like 299x299x3' };
};

export const boolean: Check = (v) =>
  v.t === 'bool' ? { ok: true, value: v.v } : { ok: false, expected: 'true or false' };

export function oneOf(words: readonly string[]): Check {
  return (v) => {
    const word = v.t === 'symbol' ? v.name : v.t === 'string' ? v.v : undefined;
    if (word !== undefined && words.includes(word)) return { ok: true, value: word };
    return { ok: false, expected: `one of ${words.join(', ')}` };
  };
}

export function numberIn(low: number, high: number, lowOpen: boolean, highOpen: boolean): Check {
  const text = `${lowOpen ? '>' : '>='} ${low} and ${highOpen ? '<' : '<='} ${high}`;
  return (v) => {
    if (v.t !== 'int' && v.t !== 'float') return { ok: false, expected: 'a number' };
    const ok = (lowOpen ? v.v > low : v.v >= low) && (highOpen ? v.v < high : v.v <= high);
    return ok ? { ok: true, value: v.v } : { ok: false, expected: text, range: true };
  };
}

const isSymbolIn = (words: readonly string[]) => (v: Value) => v.t === 'symbol' && words.includes(v.name);

// ---- the options layers share ----------------------------------------------------------------

export const kernel: OptionSpec = {
  name: 'kernel',
  expected: 'a size like 3x3',
  check: pair,
  positional: (v) => v.t === 'size',
};
export const stride: OptionSpec = {
  name: 'stride',
  expected: 'an integer or a size like 2x1',
  check: pair,
  default: [1, 1],
  stride: true,
};
export const padding: OptionSpec = {
  name: 'padding',
  expected: 'same or valid',
  check: oneOf(paddings),
  default: 'same',
  positional: isSymbolIn(paddings),
};
export const act: OptionSpec = {
  name: 'act',
  expected: `one of ${activations.join(', ')}`,
  check: oneOf(activations),
  default: 'linear',
  positional: isSymbolIn(activations),
};
export const bias: OptionSpec = { name: 'bias', expected: 'true or false', check: boolean, default: true };
export const filters: OptionSpec = {
  name: 'filters',
  expected: 'a positive integer',
  check: positiveInt,
  positional: (v) => v.t === 'int',
};
export const bn: OptionSpec = { name: 'bn', expected: 'true or false', check: boolean, default: false };
export const bnScale: OptionSpec = { name: 'bn_scale', expected: 'true or false', check: boolean, default: true };
export const bnEpsilon: OptionSpec = {
  name: 'bn_epsilon',
  expected: 'a number > 0 and < 1',
  check: numberIn(0, 1, true, true),
  default: 1e-3,
};
export const bnMomentum: OptionSpec = {
  name: 'bn_momentum',
  expected: 'a number >= 0 and <= 1',
  check: numberIn(0, 1, false, false),
  default: 0.99,
};

/** The options of a convolution with a fused batch norm: `kernel filters`, stride, padding, act, bias, bn... */
export const convOptions: OptionSpec[] = [
  kernel,
  filters,
  stride,
  padding,
  act,
  bias,
  bn,
  bnScale,
  bnEpsilon,
  bnMomentum,
];

/** A convolution's attributes from its options (convOptions; `conv` and `sepconv`). */
export function convolutionAttrs(o: Record<string, unknown>): ConvolutionAttrs {
  return {
    kernel: o['kernel'] as [number, number],
    stride: o['stride'] as [number, number],
    padding: o['padding'] as Padding,
    filters: o['filters'] as number,
    bias: o['bias'] as boolean,
    bn: fusedBatchNorm(o),
    activation: o['act'] as Activation,
  };
}

/** The options that give a convolution's attributes (the inverse of convolutionAttrs). */
export function convolutionOptions(a: ConvolutionAttrs): Record<string, unknown> {
  return {
    kernel: a.kernel,
    filters: a.filters,
    stride: a.stride,
    padding: a.padding,
    act: a.activation,
    bias: a.bias,
    ...fusedBatchNormOptions(a.bn),
  };
}

/** The fused batch norm a convolution's options ask for, or null. */
export function fusedBatchNorm(o: Record<string, unknown>): BatchNormAttrs | null {
  if (!o['bn']) return null;
  return { scale: o['bn_scale'] as boolean, epsilon: o['bn_epsilon'] as number, momentum: o['bn_momentum'] as number };
}

/** The convolution options that give a fused batch norm (the inverse of fusedBatchNorm). */
export function fusedBatchNormOptions(attrs: BatchNormAttrs | null): Record<string, unknown> {
  const b = attrs ?? { scale: true, epsilon: 1e-3, momentum: 0.99 };
  return { bn: attrs !== null, bn_scale: b.scale, bn_epsilon: b.epsilon, bn_momentum: b.momentum };
}

/**
 * Batch norm's variables on C channels (Keras): gamma (with `scale`) and beta trainable, the moving mean
 * and variance not. `prefix` is `bn/` for a convolution's fused batch norm, empty for a batchnorm layer.
 */
export function batchNormVariables(prefix: string, channels: number, attrs: BatchNormAttrs): Variable[] {
  const vector = (role: Variable['role'], trainable: boolean): Variable => ({
    path: `${prefix}${role}`,
    role,
    shape: [channels],
    trainable,
  });
  return [
    ...(attrs.scale ? [vector('gamma', true)] : []),
    vector('beta', true),
    vector('moving_mean', false),
    vector('moving_variance', false),
  ];
}

/** A bias vector of C, when the layer has one. */
export function biasVariables(has: boolean, channels: number): Variable[] {
  return has ? [{ path: 'bias', role: 'bias', shape: [channels], trainable: true }] : [];
}
