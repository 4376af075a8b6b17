/**
 * The built-in layer kinds (spec/language.md, "Layers"): their options, defaults, how positional
 * arguments bind, and the check of each value. Binding yields the IR attributes of a node.
 */
import type { Span } from '../syntax/ast.js';
import { fail, didYouMean } from '../diagnostics/diagnostics.js';
import type { Activation, NodeAttrs, Padding } from './ir.js';
import { describeValue, type Value } from './values.js';

export const paddings: readonly Padding[] = ['same', 'valid'];
export const activations: readonly Activation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'];

type Check = (v: Value) => { ok: true; value: unknown } | { ok: false; expected: string; range?: boolean };

interface OptionSpec {
  name: string;
  /** Human words for messages: "a size like 3x3". */
  expected: string;
  check: Check;
  default?: unknown;
  /** Whether a positional argument of this kind of value binds here (tried in option order). */
  positional?: (v: Value) => boolean;
  /** Bound by `/ value` after the kernel. */
  stride?: boolean;
}

export interface LayerSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
  build(o: Record<string, unknown>): NodeAttrs;
}

// ---- value checks ----------------------------------------------------------------------------

const positiveInt: Check = (v) =>
  v.t === 'int' ? (v.v >= 1 ? { ok: true, value: v.v } : { ok: false, expected: 'at least 1', range: true }) : { ok: false, expected: 'a positive integer' };

/** A 2-D size (`3x3`), or an integer n meaning n x n. */
const pair: Check = (v) => {
  if (v.t === 'int') return v.v >= 1 ? { ok: true, value: [v.v, v.v] } : { ok: false, expected: 'at least 1', range: true };
  if (v.t === 'size' && v.dims.length === 2) {
    return v.dims.every((d) => d >= 1) ? { ok: true, value: v.dims } : { ok: false, expected: 'at least 1 in each dimension', range: true };
  }
  return { ok: false, expected: 'a size like 3x3' };
};

const shape3: Check = (v) => {
  if (v.t === 'size' && v.dims.length === 3) {
    return v.dims.every((d) => d >= 1) ? { ok: true, value: v.dims } : { ok: false, expected: 'at least 1 in each dimension', range: true };
  }
  return { ok: false, expected: 'a size H x W x C like 299x299x3' };
};

const boolean: Check = (v) => (v.t === 'bool' ? { ok: true, value: v.v } : { ok: false, expected: 'true or false' });

function oneOf(words: readonly string[]): Check {
  return (v) => {
    const word = v.t === 'symbol' || v.t === 'string' ? v.t === 'symbol' ? v.name : v.v : undefined;
    return word !== undefined && words.includes(word) ? { ok: true, value: word } : { ok: false, expected: `one of ${words.join(', ')}` };
  };
}

function numberIn(low: number, high: number, lowOpen: boolean, highOpen: boolean): Check {
  const text = `${lowOpen ? '>' : '>='} ${low} and ${highOpen ? '<' : '<='} ${high}`;
  return (v) => {
    if (v.t !== 'int' && v.t !== 'float') return { ok: false, expected: 'a number' };
    const ok = (lowOpen ? v.v > low : v.v >= low) && (highOpen ? v.v < high : v.v <= high);
    return ok ? { ok: true, value: v.v } : { ok: false, expected: text, range: true };
  };
}

const isSymbolIn = (words: readonly string[]) => (v: Value) => v.t === 'symbol' && words.includes(v.name);

// ---- the options layers share ----------------------------------------------------------------

const kernel: OptionSpec = { name: 'kernel', expected: 'a size like 3x3', check: pair, positional: (v) => v.t === 'size' };
const stride: OptionSpec = { name: 'stride', expected: 'an integer or a size like 2x1', check: pair, default: [1, 1], stride: true };
const padding: OptionSpec = { name: 'padding', expected: 'same or valid', check: oneOf(paddings), default: 'same', positional: isSymbolIn(paddings) };
const act: OptionSpec = { name: 'act', expected: `one of ${activations.join(', ')}`, check: oneOf(activations), default: 'linear', positional: isSymbolIn(activations) };
const bias: OptionSpec = { name: 'bias', expected: 'true or false', check: boolean, default: true };
const bnScale: OptionSpec = { name: 'bn_scale', expected: 'true or false', check: boolean, default: true };
const bnEpsilon: OptionSpec = { name: 'bn_epsilon', expected: 'a number > 0 and < 1', check: numberIn(0, 1, true, true), default: 1e-3 };
const bnMomentum: OptionSpec = { name: 'bn_momentum', expected: 'a number >= 0 and <= 1', check: numberIn(0, 1, false, false), default: 0.99 };

function bnOf(o: Record<string, unknown>) {
  return { scale: o['bn_scale'] as boolean, epsilon: o['bn_epsilon'] as number, momentum: o['bn_momentum'] as number };
}

function pool(name: 'maxpool' | 'avgpool', summary: string): LayerSpec {
  return {
    name,
    summary,
    options: [kernel, stride, padding],
    build: (o) => ({ op: name, kernel: o['kernel'] as [number, number], stride: o['stride'] as [number, number], padding: o['padding'] as Padding }),
  };
}

export const layerSpecs: ReadonlyMap<string, LayerSpec> = new Map(
  (
    [
      {
        name: 'input',
        summary: 'the network input, H x W x C',
        options: [{ name: 'shape', expected: 'a size H x W x C like 299x299x3', check: shape3, positional: (v) => v.t === 'size' }],
        build: (o) => ({ op: 'input', shape: o['shape'] as number[] }),
      },
      {
        name: 'conv',
        summary: '2-D convolution, optionally with batch norm, then an activation',
        options: [
          kernel,
          { name: 'filters', expected: 'a positive integer', check: positiveInt, positional: (v) => v.t === 'int' },
          stride,
          padding,
          act,
          bias,
          { name: 'bn', expected: 'true or false', check: boolean, default: false },
          bnScale,
          bnEpsilon,
          bnMomentum,
        ],
        build: (o) => ({
          op: 'conv',
          kernel: o['kernel'] as [number, number],
          stride: o['stride'] as [number, number],
          padding: o['padding'] as Padding,
          filters: o['filters'] as number,
          bias: o['bias'] as boolean,
          bn: o['bn'] ? bnOf(o) : null,
          activation: o['act'] as Activation,
        }),
      },
      pool('maxpool', 'max pooling'),
      pool('avgpool', 'average pooling (padding excluded from the average, as TensorFlow does)'),
      { name: 'gap', summary: 'global average pooling: H x W x C -> C', options: [], build: () => ({ op: 'gap' }) },
      {
        name: 'dropout',
        summary: 'dropout with the given drop rate (training only)',
        options: [{ name: 'rate', expected: 'a number >= 0 and < 1', check: numberIn(0, 1, false, true), positional: (v) => v.t === 'float' || v.t === 'int' }],
        build: (o) => ({ op: 'dropout', rate: o['rate'] as number }),
      },
      {
        name: 'dense',
        summary: 'fully connected layer on a vector',
        options: [{ name: 'units', expected: 'a positive integer', check: positiveInt, positional: (v) => v.t === 'int' }, act, bias],
        build: (o) => ({ op: 'dense', units: o['units'] as number, bias: o['bias'] as boolean, activation: o['act'] as Activation }),
      },
      {
        name: 'batchnorm',
        summary: 'batch normalization on its own',
        options: [{ ...bnScale, name: 'scale' }, { ...bnEpsilon, name: 'epsilon' }, { ...bnMomentum, name: 'momentum' }],
        build: (o) => ({ op: 'batchnorm', bn: { scale: o['scale'] as boolean, epsilon: o['epsilon'] as number, momentum: o['momentum'] as number } }),
      },
      { name: 'relu', summary: 'ReLU activation on its own', options: [], build: () => ({ op: 'activation', activation: 'relu' }) },
      { name: 'softmax', summary: 'softmax over the last axis', options: [], build: () => ({ op: 'softmax' }) },
      { name: 'flatten', summary: 'H x W x C -> H*W*C, in NHWC order', options: [], build: () => ({ op: 'flatten' }) },
    ] satisfies LayerSpec[]
  ).map((s) => [s.name, s]),
);

/** The options whose values are words, and the words each takes. */
export const wordOptions: Readonly<Record<string, readonly string[]>> = { padding: paddings, act: activations };

/** Words that are values, not variables, where a layer option expects them. */
export function isLayerSymbol(name: string): boolean {
  return (paddings as readonly string[]).includes(name) || (activations as readonly string[]).includes(name);
}

export interface GivenArg {
  kind: 'NamedArg' | 'PositionalArg' | 'StrideArg';
  name?: string;
  nameSpan?: Span;
  value: Value;
  span: Span;
}


function checked(spec: LayerSpec, option: OptionSpec, value: Value, span: Span): unknown {
  const r = option.check(value);
  if (r.ok) return r.value;
  if (r.range) {
    const what = `${spec.name} ${option.name}`;
    fail('value-out-of-range', span, { what, range: r.expected, value: describeValue(value).replace(/^(integer|number) /, '') });
  }
  return fail('option-type-mismatch', span, { layer: spec.name, option: option.name, expected: r.expected, actual: describeValue(value) });
}

/** The options a layer's explicit arguments set, checked and normalized (`3x3` -> [3, 3], `/2` -> [2, 2]). */
export function bindExplicit(spec: LayerSpec, args: GivenArg[]): Map<string, unknown> {
  const bound = new Map<string, unknown>();
  for (const a of args) {
    let option: OptionSpec | undefined;
    if (a.kind === 'NamedArg') {
      option = spec.options.find((o) => o.name === a.name);
      if (!option) {
        const hint = didYouMean(a.name!, spec.options.map((o) => o.name));
        fail('unknown-parameter', a.nameSpan ?? a.span, { callee: spec.name, name: a.name!, hint });
      }
    } else if (a.kind === 'StrideArg') {
      option = spec.options.find((o) => o.stride);
      if (!option) fail('misplaced-stride', a.span, { callee: spec.name });
    } else {
      option = spec.options.find((o) => o.positional?.(a.value) && !bound.has(o.name));
      if (!option) {
        const positional = spec.options.filter((o) => o.positional).map((o) => `${o.name} (${o.expected})`);
        if (positional.length === 0) fail('too-many-arguments', a.span, { callee: spec.name, max: 0, count: args.filter((x) => x.kind === 'PositionalArg').length });
        const expected = positional.join(' or ');
        fail('positional-argument-mismatch', a.span, { layer: spec.name, expected, actual: describeValue(a.value) });
      }
    }
    if (bound.has(option.name)) fail('duplicate-argument', a.span, { name: option.name });
    bound.set(option.name, checked(spec, option, a.value, a.span));
  }
  return bound;
}

/**
 * Binds a layer's arguments: explicit ones, then scoped defaults (checked where they were written),
 * then the built-in defaults. Returns the node's attributes.
 */
export function bindLayer(spec: LayerSpec, args: GivenArg[], defaults: ReadonlyMap<string, GivenArg>, callSpan: Span): NodeAttrs {
  const bound = bindExplicit(spec, args);
  for (const option of spec.options) {
    if (bound.has(option.name)) continue;
    const d = defaults.get(option.name);
    if (d) bound.set(option.name, checked(spec, option, d.value, d.span));
    else if (option.default !== undefined) bound.set(option.name, option.default);
    else fail('missing-argument', callSpan, { callee: spec.name, name: option.name });
  }
  // Not Object.fromEntries(bound): on a Map it takes V8's slow path, ~2-3 us a call, which was about
  // a third of elaboration time (bench/elaborate.mjs). A plain loop builds the same object in a fraction of that.
  const options: Record<string, unknown> = {};
  for (const [name, value] of bound) options[name] = value;
  return spec.build(options);
}

/** The layer kind and option values that build these attributes (the inverse of `LayerSpec.build`). */
export function optionsOf(attrs: NodeAttrs): { kind: string; options: Record<string, unknown> } {
  switch (attrs.op) {
    case 'input':
      return { kind: 'input', options: { shape: attrs.shape } };
    case 'conv': {
      const bn = attrs.bn ?? { scale: true, epsilon: 1e-3, momentum: 0.99 };
      const { kernel, filters, stride, padding, activation, bias } = attrs;
      return {
        kind: 'conv',
        options: { kernel, filters, stride, padding, act: activation, bias, bn: attrs.bn !== null, bn_scale: bn.scale, bn_epsilon: bn.epsilon, bn_momentum: bn.momentum },
      };
    }
    case 'maxpool':
    case 'avgpool':
      return { kind: attrs.op, options: { kernel: attrs.kernel, stride: attrs.stride, padding: attrs.padding } };
    case 'dropout':
      return { kind: 'dropout', options: { rate: attrs.rate } };
    case 'dense':
      return { kind: 'dense', options: { units: attrs.units, act: attrs.activation, bias: attrs.bias } };
    case 'batchnorm':
      return { kind: 'batchnorm', options: { scale: attrs.bn.scale, epsilon: attrs.bn.epsilon, momentum: attrs.bn.momentum } };
    case 'activation':
      return { kind: attrs.activation === 'relu' ? 'relu' : attrs.activation, options: {} };
    default:
      return { kind: attrs.op, options: {} };
  }
}

/** Checks a `defaults kind(...)` statement's names against the kind's options. */
export function checkDefaultsNames(spec: LayerSpec, args: GivenArg[]): void {
  for (const a of args) {
    if (a.kind !== 'NamedArg') fail('positional-default', a.span);
    const option = spec.options.find((o) => o.name === a.name);
    if (!option) fail('unknown-parameter', a.nameSpan ?? a.span, { callee: spec.name, name: a.name!, hint: didYouMean(a.name!, spec.options.map((o) => o.name)) });
    checked(spec, option, a.value, a.span);
  }
}

