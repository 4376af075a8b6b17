/**
 * The IR every later stage reads (spec/ir.md): a DAG of typed layer nodes in topological order, with
 * NHWC shapes (batch left out), parameter and multiply-add counts, and for each node the span it came
 * from and the chain of block instantiations that made it. Backends and lint read this, never the AST.
 */
import type { Span } from '../syntax/ast.js';

/** [H, W, C] for a feature map, [N] for a vector. */
export type Shape = number[];

export type Padding = 'same' | 'valid';
export type Activation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'softmax';

export interface BatchNormAttrs {
  /** gamma is learned (Keras `scale`); beta (`center`) always is. */
  scale: boolean;
  epsilon: number;
  momentum: number;
}

/** A sliding window over the grid: a pool's, a convolution's. */
export interface WindowAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

export type PoolAttrs = WindowAttrs;

/** What a convolution (`conv`, and `sepconv`'s pointwise step) is: window, filters, bias, batch norm, activation. */
export interface ConvolutionAttrs extends WindowAttrs {
  filters: number;
  bias: boolean;
  /** Batch normalization after the convolution (sepconv: after the pointwise step), before the activation; or null. */
  bn: BatchNormAttrs | null;
  activation: Activation;
}

/**
 * The op of a node and its attributes. Each op has its descriptor in compiler/ir/kinds/ (syntax, shapes,
 * counts, description); every backend switches over this union exhaustively.
 */
export type NodeAttrs =
  | { op: 'input'; shape: Shape }
  | ({ op: 'conv' } & ConvolutionAttrs)
  /** Depthwise-separable: a kernel per input channel, then 1x1 to `filters` (compiler/ir/kinds/sepconv.ts). */
  | ({ op: 'sepconv' } & ConvolutionAttrs)
  | ({ op: 'maxpool' } & PoolAttrs)
  /** `countIncludePad`: the SAME padding's zeros count in the divisor (PyTorch's and ONNX's default). */
  | ({ op: 'avgpool'; countIncludePad: boolean } & PoolAttrs)
  | { op: 'gap' }
  | { op: 'dropout'; rate: number }
  | { op: 'dense'; units: number; bias: boolean; activation: Activation }
  | { op: 'batchnorm'; bn: BatchNormAttrs }
  | { op: 'activation'; activation: Activation }
  | { op: 'softmax' }
  | { op: 'flatten' }
  | { op: 'concat' };

export type Op = NodeAttrs['op'];

/** The attributes of one op. */
export type AttrsOf<K extends Op> = Extract<NodeAttrs, { op: K }>;

/** One block instantiation on the way from the network to a node. */
export interface Frame {
  block: string;
  /** The qualified name of the instance (`mixed4`). */
  instance: string;
  /** The call site (`mixed4..mixed7: repeat ... { InceptionC(c) }`). */
  span: Span;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

export interface IRNode {
  /** Index in `IRGraph.nodes`. */
  id: number;
  /** Qualified, unique in the graph: `mixed4/branch7x7dbl/conv2`. */
  name: string;
  attrs: NodeAttrs;
  /** Ids of the input nodes; a concat lists its branches in order. */
  inputs: number[];
  shape: Shape;
  params: ParamCount;
  macs: number;
  /** The .incp source that made this node (the layer, or for a concat the `concat` keyword). */
  span: Span;
  origin: Frame[];
  /** `main`, or the name of the auxiliary head the node belongs to. */
  head: string;
  /** Set on nodes a rewrite rule made; `span` stays the original layer's. */
  rewrite?: Rewrite;
}

export interface AuxHead {
  name: string;
  /** The node the head reads from. */
  from: number;
  /** Its last node. */
  output: number;
  weight: number;
  span: Span;
}

export interface TrainingSetting {
  key: string;
  value: unknown;
  span: Span;
}

/** How a node came out of the rewrite pass (compiler/rewrite/): the rule, and the layer it replaced. */
export interface Rewrite {
  rule: string;
  /** The replacement layer in the rule declaration. */
  ruleSpan: Span;
  /** The `apply` statement (or the --rules option) that applied the rule. */
  applySpan: Span;
  /** The name of the node the rule replaced (the last of the matched sequence). */
  replaced: string;
}

export interface IRGraph {
  network: string;
  /** The display name of the file that declares the network. */
  file: string;
  span: Span;
  /** The network's parameters, as elaborated. */
  args: Record<string, unknown>;
  nodes: IRNode[];
  input: number;
  output: number;
  aux: AuxHead[];
  training: TrainingSetting[];
}

export function totalParams(nodes: Iterable<IRNode>): ParamCount & { total: number } {
  let trainable = 0;
  let nonTrainable = 0;
  for (const n of nodes) {
    trainable += n.params.trainable;
    nonTrainable += n.params.nonTrainable;
  }
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

export function totalMacs(nodes: Iterable<IRNode>): number {
  let macs = 0;
  for (const n of nodes) macs += n.macs;
  return macs;
}
