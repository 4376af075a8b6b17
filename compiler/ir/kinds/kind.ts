/**
 * What a layer-kind descriptor states (compiler/ir/kinds/<kind>.ts): everything about one op in one place.
 * Its syntax (how .incp writes it and how options bind), its shape inference and multiply-adds, its learned
 * variables (which give its parameter count and every backend's weights), its one-line description, the
 * inverse of its syntax (for `--emit`), and the facts lint rules ask about (is it a spatial convolution).
 */
import type { Span } from '../../syntax/ast.js';
import type { BuiltinLayerName } from '../../syntax/layer-names.js';
import type { ConvolutionAttrs, NodeAttrs, Shape } from '../ir.js';
import type { Value } from '../values.js';

export type Check = (v: Value) => { ok: true; value: unknown } | { ok: false; expected: string; range?: boolean };

export interface OptionSpec {
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

/** One name .incp writes a layer with (`conv`, `relu`): its options, and how their values build the attributes. */
export interface LayerSpec {
  /** One of compiler/syntax/layer-names.ts (tsc checks it). */
  name: BuiltinLayerName;
  summary: string;
  options: OptionSpec[];
  build(o: Record<string, unknown>): NodeAttrs;
}

/** The role of a learned variable: its Keras weight name, which also says how Keras initializes it. */
export type VariableRole =
  'kernel' | 'depthwise_kernel' | 'pointwise_kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';

/** Roles of kernels: the weights the paper's arithmetic counts ("a 5x5 is 25 weights per channel pair"). */
export const kernelRoles: ReadonlySet<VariableRole> = new Set(['kernel', 'depthwise_kernel', 'pointwise_kernel']);

/** A learned variable of a node, as Keras names and lays it out. */
export interface Variable {
  /**
   * Its name under the node's: `kernel`, `bias`, `bn/gamma` (a conv's fused batch norm), `gamma` (a batchnorm layer).
   */
  path: string;
  role: VariableRole;
  /** Keras layout: conv kernels HWIO [kh, kw, C_in, C_out], dense kernels [in, units], vectors [C]. */
  shape: number[];
  trainable: boolean;
}

/** What lint rules read of a spatial convolution. */
export interface Convolution extends Omit<ConvolutionAttrs, 'bias'> {
  /**
   * True for a full convolution (each output channel sees every input channel through the kh x kw kernel,
   * the paper's arithmetic); false for a depthwise-separable one (a kh x kw kernel per input channel, then
   * a 1x1 across channels).
   */
  full: boolean;
}

/** A node's one-line description: `conv 3x3/2 384` and the options a reader needs besides (`valid`, `act=linear`). */
export interface Description {
  /** The kind with its positional arguments, as .incp writes them. */
  head: string;
  options: string[];
}

export interface LayerKind<A extends NodeAttrs> {
  /** The names .incp writes the kind with (none for `concat`, a keyword of its own). */
  syntax: LayerSpec[];
  /** Output shape and multiply-adds (spec/ir.md) from the input shapes; throws a DiagnosticError on a bad input. */
  infer(attrs: A, inputs: Shape[], span: Span): { shape: Shape; macs: number };
  /** The learned variables, in Keras order, given the shape of the (first) input. */
  variables(attrs: A, input: Shape): Variable[];
  describe(attrs: A): Description;
  /** The inverse of the syntax's build: the kind and option values that build these attributes (`--emit`). */
  options(attrs: A): { kind: string; options: Record<string, unknown> };
  /** Set for a spatial convolution. */
  convolution?(attrs: A): Convolution;
}
