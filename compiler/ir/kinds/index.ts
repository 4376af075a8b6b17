/**
 * The registry of layer kinds: one descriptor per op of the IR (compiler/ir/ir.ts, NodeAttrs), keyed by op
 * so that tsc rejects a missing one, and what the rest of the compiler asks of a node through them.
 * Adding a kind: its attributes in NodeAttrs, its descriptor in this folder, its entry below and in
 * compiler/syntax/layer-names.ts; then tsc names every backend switch that must handle it.
 */
import { builtinLayerNames, type BuiltinLayerName } from '../../syntax/layer-names.js';
import type { AttrsOf, NodeAttrs, Op, Shape } from '../ir.js';
import { activation } from './activation.js';
import { batchnorm } from './batchnorm.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { flatten } from './flatten.js';
import { gap } from './gap.js';
import { input } from './input.js';
import { kernelRoles, type Convolution, type LayerKind, type LayerSpec, type Variable } from './kind.js';
import { avgpool, maxpool } from './pool.js';
import { sepconv } from './sepconv.js';
import { softmax } from './softmax.js';

export const layerKinds: { readonly [K in Op]: LayerKind<AttrsOf<K>> } = {
  input,
  conv,
  sepconv,
  maxpool,
  avgpool,
  gap,
  dropout,
  dense,
  batchnorm,
  activation,
  softmax,
  flatten,
  concat,
};

/** The descriptor of a node's op. */
export function kindOf<A extends NodeAttrs>(attrs: A): LayerKind<A> {
  return layerKinds[attrs.op] as unknown as LayerKind<A>;
}

function syntaxByName(): Map<BuiltinLayerName, LayerSpec> {
  const out = new Map<BuiltinLayerName, LayerSpec>();
  for (const kind of Object.values(layerKinds) as LayerKind<NodeAttrs>[]) {
    for (const s of kind.syntax) out.set(s.name, s);
  }
  const missing = builtinLayerNames.filter((n) => !out.has(n));
  if (missing.length > 0)
    throw new Error(`no layer kind describes ${missing.join(', ')} (compiler/syntax/layer-names.ts)`);
  return out;
}

/** The built-in layer kinds as .incp writes them (spec/language.md, "Layers"), by name. */
export const layerSpecs: ReadonlyMap<string, LayerSpec> = syntaxByName();

/** The layer kind and option values that build these attributes (the inverse of `LayerSpec.build`). */
export function optionsOf(attrs: NodeAttrs): { kind: string; options: Record<string, unknown> } {
  return kindOf(attrs).options(attrs);
}

/**
 * A node's one-line description, as its .incp line reads (`conv 3x3/2 384 valid`, `conv 1x1 64 act=linear`,
 * `maxpool 3x3/2`, `dense 1000 act=softmax`): the graph's boxes, the summary table, rewrite explanations.
 */
export function describeLayer(attrs: NodeAttrs): string {
  const d = kindOf(attrs).describe(attrs);
  return [d.head, ...d.options].join(' ');
}

/** The short form: the kind with its positional arguments (`conv 3x3/2 384`), for messages that name the node. */
export function layerHead(attrs: NodeAttrs): string {
  return kindOf(attrs).describe(attrs).head;
}

/**
 * The learned variables of a node given the shape of its (first) input. An op outside the registry (a graph
 * not made by this compiler) has none here: the backend that meets it reports it (`onnx-unsupported`).
 */
export function variablesOf(attrs: NodeAttrs, input: Shape): Variable[] {
  const kind = layerKinds[attrs.op] as LayerKind<NodeAttrs> | undefined;
  return kind ? kind.variables(attrs, input) : [];
}

/** Kernel weights of a node (the paper's arithmetic: no biases, no batch norm); 0 for a layer without a kernel. */
export function kernelWeights(attrs: NodeAttrs, input: Shape): number {
  let n = 0;
  for (const v of variablesOf(attrs, input)) if (kernelRoles.has(v.role)) n += v.shape.reduce((a, b) => a * b, 1);
  return n;
}

/** convolutionOf's answers by node attributes (lint rules ask it of every node, several times). */
const convolutions = new WeakMap<NodeAttrs, Convolution | null>();

/** The convolution a node is (any spatial convolution, full or separable), or undefined. */
export function convolutionOf(n: { attrs: NodeAttrs } | undefined): Convolution | undefined {
  if (!n) return undefined;
  let c = convolutions.get(n.attrs);
  if (c === undefined) convolutions.set(n.attrs, (c = kindOf(n.attrs).convolution?.(n.attrs) ?? null));
  return c ?? undefined;
}

/**
 * The full convolution a node is (each output channel reading every input channel: the paper's arithmetic),
 * or undefined.
 */
export function fullConvolutionOf(n: { attrs: NodeAttrs } | undefined): Convolution | undefined {
  const c = convolutionOf(n);
  return c?.full ? c : undefined;
}

export { kernelRoles } from './kind.js';
export type { Convolution, LayerKind, LayerSpec, OptionSpec, Variable, VariableRole } from './kind.js';
