/**
 * Lowering the IR (after rules) to an ONNX ModelProto: opset 13, IR version 8.
 *
 * Layout: the model is NCHW throughout, as ONNX's Conv and pools are, and its input is NCHW
 * [N, C, H, W] (what deployment runtimes and torchvision-style preprocessing expect). With
 * `layout: 'nhwc'` the input is [N, H, W, C] instead, followed by one Transpose, and spatial outputs are
 * transposed back. The batch dimension is dynamic (`N`).
 *
 * The inference form: dropout is dropped (an identity), auxiliary heads are dropped (only the main
 * output, and any `outputs` asked for, are kept), and batch normalization is folded into the
 * convolution (or dense layer) before it unless `foldBn` is false, in which case BatchNormalization
 * nodes remain, with their epsilon always written (ONNX's default is 1e-5, Keras's 1e-3).
 *
 * Each IR node becomes one ONNX node or a short chain of them (conv -> BatchNormalization -> Relu); the
 * chain's last output tensor carries the IR node's qualified name, the first node too, the others a
 * suffix (`mixed0/branch1x1/relu`). Initializers take the weight names of backends/common/weights.ts
 * (`mixed0/branch1x1/kernel`, OIHW here; folded kernels keep the name). Every node's doc_string gives
 * the .incp source location (and line) it came from.
 */
import pkg from 'onnx-proto';
import { diagnostic, type Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { Activation, BatchNormAttrs, IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { float32Bytes as rawBytes } from '../common/little-endian.js';
import { checkWeightSize, ONNX_LIMIT } from '../common/weight-size.js';
import { initialValue, weightSpecs, type WeightSpec } from '../common/weights.js';
import { onnxPads } from './pads.js';
import { DEFAULT_OPTIMIZATIONS, optimizeGraph, type Optimization } from './optimize/index.js';

const { onnx } = pkg;
type INodeProto = pkg.onnx.INodeProto;
type ITensorProto = pkg.onnx.ITensorProto;
type IAttributeProto = pkg.onnx.IAttributeProto;
type IValueInfoProto = pkg.onnx.IValueInfoProto;
type IModelProto = pkg.onnx.IModelProto;

export const OPSET = 13;
export const IR_VERSION = 8;
/** A serialized protobuf message is limited to 2 GiB (backends/common/weight-size.ts). */
export const MAX_MODEL_BYTES = ONNX_LIMIT.maxBytes;

export type Layout = 'nchw' | 'nhwc';

export interface LowerOptions {
  /** Seed of the deterministic initial weights (backends/common/weights.ts), when `weights` is not given. Default 0. */
  seed?: number;
  /**
   * Weight values by the names of backends/common/weights.ts (Keras layouts: conv kernels HWIO); all must be present.
   */
  weights?: ReadonlyMap<string, Float32Array>;
  /** Fold batch normalization into the conv or dense layer before it (default true). */
  foldBn?: boolean;
  /** Layout of the model input and of spatial outputs (default 'nchw'). */
  layout?: Layout;
  /** More IR nodes to expose as graph outputs (by qualified name), after the main output. */
  outputs?: string[];
  /** The .incp source of a file (by display name), for the source line in each node's doc_string. */
  sourceOf?: (file: string) => string | undefined;
  /** Where the weights came from, for the metadata (`seed 0`, a checkpoint path). */
  weightsSource?: string;
  /** producer_version (incc's version). */
  producerVersion?: string;
  /** The graph optimizations to run (backends/onnx/optimize/); default DEFAULT_OPTIMIZATIONS, [] for none. */
  optimize?: readonly Optimization[];
}

export interface LowerResult {
  model?: IModelProto;
  diagnostics: Diagnostic[];
}

const F = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const attrInt = (name: string, i: number): IAttributeProto => ({ name, type: F.INT, i });
const attrInts = (name: string, ints: number[]): IAttributeProto => ({ name, type: F.INTS, ints });
const attrFloat = (name: string, f: number): IAttributeProto => ({ name, type: F.FLOAT, f });

/** The ONNX op of each activation that is one element-wise op without attributes. */
const ONNX_ELEMENTWISE = { linear: 'Identity', relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' } as const;

/** A Conv node's attributes (no dilation); `group` is 1 for a full convolution, C_in for a depthwise one. */
function convAttributes(
  kernel: readonly number[],
  stride: readonly number[],
  pads: number[],
  group: number,
): IAttributeProto[] {
  return [
    attrInts('kernel_shape', [...kernel]),
    attrInts('strides', [...stride]),
    attrInts('pads', pads),
    attrInts('dilations', [1, 1]),
    attrInt('group', group),
  ];
}

/** Output channels per block of the kernel transpose (keeps the rows being read in cache). */
const TRANSPOSE_BLOCK = 64;

/**
 * A Keras conv kernel HWIO [kh, kw, cin, cout] as ONNX's OIHW [cout, cin, kh, kw], each output channel
 * multiplied by `scale` when folding batch norm. Blocked over output channels: faster than the plain
 * loop, whose writes stride through the whole output.
 */
export function toOihw(
  hwio: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
  scale?: Float64Array,
): Float32Array {
  const oihw = new Float32Array(hwio.length);
  const k = cin * kh * kw;
  for (let o0 = 0; o0 < cout; o0 += TRANSPOSE_BLOCK) {
    const o1 = o0 + TRANSPOSE_BLOCK < cout ? o0 + TRANSPOSE_BLOCK : cout;
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++) {
          const src = ((y * kw + x) * cin + i) * cout;
          const dst = (i * kh + y) * kw + x;
          if (scale) for (let o = o0; o < o1; o++) oihw[o * k + dst] = hwio[src + o]! * scale[o]!;
          else for (let o = o0; o < o1; o++) oihw[o * k + dst] = hwio[src + o]!;
        }
  }
  return oihw;
}

/** Batch normalization to fold or emit: its weight prefix and attributes. */
interface BnUse {
  prefix: string;
  attrs: BatchNormAttrs;
}

/** A batch norm folded into the linear step before it: per output channel, y = x * scale + shift. */
interface BnFold {
  scale: Float64Array;
  shift: Float64Array;
}

/** The IR nodes the outputs depend on (the main path: aux heads and dead ends left out). */
function liveNodes(graph: IRGraph, outputs: number[]): boolean[] {
  const live = new Array<boolean>(graph.nodes.length).fill(false);
  const stack = [...outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live[id]) continue;
    live[id] = true;
    stack.push(...graph.nodes[id]!.inputs);
  }
  return live;
}

class Lowering {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** IR node id -> the tensor holding its (NCHW) output. */
  private readonly tensor = new Map<number, string>();
  private readonly usedTensors = new Set<string>();
  private readonly usedNodes = new Set<string>();
  private readonly specs: Map<string, WeightSpec>;
  private readonly foldBn: boolean;
  private readonly seed: number;
  private readonly lines = new Map<string, string[] | undefined>();
  private clip?: [string, string];
  /** conv/dense node id -> a standalone batchnorm folded into it; and the folded batchnorm ids. */
  private readonly foldedInto = new Map<number, IRNode>();
  private readonly folded = new Set<number>();

  constructor(
    readonly graph: IRGraph,
    readonly options: LowerOptions,
  ) {
    this.specs = new Map(weightSpecs(graph).map((s) => [s.name, s]));
    this.foldBn = options.foldBn ?? true;
    this.seed = options.seed ?? 0;
  }

  fresh(base: string, used: Set<string>): string {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  }

  tensorName(base: string): string {
    return this.fresh(base, this.usedTensors);
  }

  docString(n: IRNode): string {
    const where = (s: IRNode['span']): string => `${s.file}:${s.startLine}:${s.startColumn}`;
    let lines = this.lines.get(n.span.file);
    if (!this.lines.has(n.span.file)) {
      lines = this.options.sourceOf?.(n.span.file)?.split(/\r?\n/);
      this.lines.set(n.span.file, lines);
    }
    const text = lines?.[n.span.startLine - 1]?.trim();
    const parts = [`${n.name}: ${n.attrs.op} at ${where(n.span)}${text ? `: ${text}` : ''}`];
    for (const f of [...n.origin].reverse()) parts.push(`in ${f.instance} (${f.block}) at ${where(f.span)}`);
    if (n.rewrite)
      parts.push(
        `made by rule ${n.rewrite.rule} from ${n.rewrite.replaced} (applied at ${where(n.rewrite.applySpan)})`,
      );
    return parts.join('\n');
  }

  node(
    ir: IRNode,
    opType: string,
    name: string,
    inputs: string[],
    outputs: string[],
    attribute: IAttributeProto[] = [],
  ): void {
    this.nodes.push({
      name: this.fresh(name, this.usedNodes),
      opType,
      input: inputs,
      output: outputs,
      attribute,
      docString: this.docString(ir),
    });
  }

  /** An initializer named `base` (or `base_1` ... if that name is taken); returns its name. */
  initializer(base: string, dims: number[], values: Float32Array): string {
    const name = this.tensorName(base);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: rawBytes(values) });
    return name;
  }

  weight(name: string): Float32Array {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`internal: no variable ${name}`);
    const given = this.options.weights;
    if (!given) return initialValue(spec, this.seed);
    const v = given.get(name);
    if (!v) throw new Error(`no value for weight ${name}`);
    return v;
  }

  input(id: number): string {
    const t = this.tensor.get(id);
    if (t === undefined) throw new Error(`internal: node ${this.graph.nodes[id]!.name} used before it was lowered`);
    return t;
  }

  /** Batch norm as scale and shift (y = x * scale + shift), in float64. */
  bnAffine(bn: BnUse, channels: number): BnFold {
    const gamma = bn.attrs.scale ? this.weight(`${bn.prefix}/gamma`) : undefined;
    const beta = this.weight(`${bn.prefix}/beta`);
    const mean = this.weight(`${bn.prefix}/moving_mean`);
    const variance = this.weight(`${bn.prefix}/moving_variance`);
    const scale = new Float64Array(channels);
    const shift = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      scale[c] = (gamma ? gamma[c]! : 1) / Math.sqrt(variance[c]! + bn.attrs.epsilon);
      shift[c] = beta[c]! - mean[c]! * scale[c]!;
    }
    return { scale, shift };
  }

  /** A BatchNormalization node (the unfolded form). */
  emitBatchNorm(ir: IRNode, bn: BnUse, channels: number, x: string, out: string, nodeName: string): void {
    const gammaName = `${bn.prefix}/gamma`;
    // Without `scale` Keras has no gamma: ONNX needs one, all ones.
    const gamma = this.initializer(
      gammaName,
      [channels],
      bn.attrs.scale ? this.weight(gammaName) : new Float32Array(channels).fill(1),
    );
    const rest = ['beta', 'moving_mean', 'moving_variance'].map((r) =>
      this.initializer(`${bn.prefix}/${r}`, [channels], this.weight(`${bn.prefix}/${r}`)),
    );
    this.node(
      ir,
      'BatchNormalization',
      nodeName,
      [x, gamma, ...rest],
      [out],
      [attrFloat('epsilon', bn.attrs.epsilon), attrFloat('momentum', bn.attrs.momentum)],
    );
  }

  /** The activation step; an activation with no ONNX form throws Unsupported. */
  emitActivation(ir: IRNode, act: Activation, x: string, out: string, nodeName: string): void {
    switch (act) {
      case 'linear':
      case 'relu':
      case 'sigmoid':
      case 'tanh':
        this.node(ir, ONNX_ELEMENTWISE[act], nodeName, [x], [out]);
        return;
      case 'relu6': {
        if (!this.clip) {
          const lo = this.initializer('incc/relu6/min', [], new Float32Array([0]));
          const hi = this.initializer('incc/relu6/max', [], new Float32Array([6]));
          this.clip = [lo, hi];
        }
        this.node(ir, 'Clip', nodeName, [x, ...this.clip], [out]);
        return;
      }
      case 'softmax':
        // Keras's softmax runs over the last axis, the channels: axis 1 in NCHW and for [N, C].
        this.node(ir, 'Softmax', nodeName, [x], [out], [attrInt('axis', 1)]);
        return;
      default:
        throw new Unsupported(`activation ${String(act)}`, ir);
    }
  }

  /**
   * The bias input of a linear step to `channels` outputs: the layer's own bias (when it has one), or with a
   * batch norm folded in, that bias (or zero) times the norm's scale plus its shift.
   */
  pushBias(inputs: string[], n: IRNode, hasBias: boolean, channels: number, fold: BnFold | undefined): void {
    const bias = hasBias ? this.weight(`${n.name}/bias`) : undefined;
    if (fold) {
      const b = new Float32Array(channels);
      for (let o = 0; o < channels; o++) b[o] = (bias ? bias[o]! : 0) * fold.scale[o]! + fold.shift[o]!;
      inputs.push(this.initializer(`${n.name}/bias`, [channels], b));
    } else if (bias) inputs.push(this.initializer(`${n.name}/bias`, [channels], bias));
  }

  /**
   * A linear op (conv or dense) followed by an optional batch norm and an activation: emits the chain
   * and names its last tensor after the IR node (`finalName`).
   */
  linearChain(
    ir: IRNode,
    finalName: string,
    emitLinear: (out: string, fold?: BnFold) => void,
    bn: BnUse | undefined,
    channels: number,
    act: Activation,
  ): void {
    const steps = (bn && !this.foldBn ? 1 : 0) + (act !== 'linear' ? 1 : 0);
    const fold = bn && this.foldBn ? this.bnAffine(bn, channels) : undefined;
    let out = steps === 0 ? finalName : this.tensorName(`${ir.name}/${ir.attrs.op}`);
    emitLinear(out, fold);
    if (bn && !this.foldBn) {
      const next = act === 'linear' ? finalName : this.tensorName(`${bn.prefix}/output`);
      this.emitBatchNorm(ir, bn, channels, out, next, `${bn.prefix}`);
      out = next;
    }
    if (act !== 'linear') this.emitActivation(ir, act, out, finalName, `${ir.name}/${act}`);
  }

  /**
   * A standalone batchnorm that can fold into `n` (a conv without its own bn, or a dense layer; linear; its only
   * consumer).
   */
  planFolds(live: boolean[], outputs: Set<number>): void {
    if (!this.foldBn) return;
    const consumers = new Array<number>(this.graph.nodes.length).fill(0);
    for (const n of this.graph.nodes) if (live[n.id]) for (const i of n.inputs) consumers[i]!++;
    for (const n of this.graph.nodes) {
      if (!live[n.id] || n.attrs.op !== 'batchnorm') continue;
      const prev = this.graph.nodes[n.inputs[0]!]!;
      const a = prev.attrs;
      const linear =
        (a.op === 'conv' && a.bn === null && a.activation === 'linear') ||
        (a.op === 'dense' && a.activation === 'linear');
      if (linear && consumers[prev.id] === 1 && !outputs.has(prev.id) && !this.foldedInto.has(prev.id)) {
        this.foldedInto.set(prev.id, n);
        this.folded.add(n.id);
      }
    }
  }

  lowerNode(n: IRNode): void {
    const a = n.attrs;
    const inShape = n.inputs.length > 0 ? this.graph.nodes[n.inputs[0]!]!.shape : [];
    // A standalone batchnorm folded into this node: the chain's output takes the batchnorm's name.
    const absorbed = this.foldedInto.get(n.id);
    const finalName = this.tensorName(absorbed ? absorbed.name : n.name);
    const bnOf = (attrs: BatchNormAttrs | null): BnUse | undefined =>
      attrs
        ? { prefix: `${n.name}/bn`, attrs }
        : absorbed && absorbed.attrs.op === 'batchnorm'
          ? { prefix: absorbed.name, attrs: absorbed.attrs.bn }
          : undefined;
    switch (a.op) {
      case 'conv': {
        const [h, w, cin] = inShape as [number, number, number];
        const [kh, kw] = a.kernel;
        const cout = a.filters;
        const bn = bnOf(a.bn);
        this.linearChain(
          n,
          finalName,
          (out, fold) => {
            const oihw = toOihw(this.weight(`${n.name}/kernel`), kh, kw, cin, cout, fold?.scale);
            const inputs = [this.input(n.inputs[0]!), this.initializer(`${n.name}/kernel`, [cout, cin, kh, kw], oihw)];
            this.pushBias(inputs, n, a.bias, cout, fold);
            this.node(
              n,
              'Conv',
              n.name,
              inputs,
              [out],
              convAttributes(a.kernel, a.stride, onnxPads([h, w], a.kernel, a.stride, a.padding), 1),
            );
          },
          bn,
          cout,
          a.activation,
        );
        break;
      }
      case 'sepconv': {
        // Keras's SeparableConv2D: a depthwise Conv (group = C_in, one kh x kw filter per channel) with the
        // stride and padding, then a 1x1 Conv to the filters with the bias; batch norm folds into the latter.
        const [h, w, cin] = inShape as [number, number, number];
        const [kh, kw] = a.kernel;
        const cout = a.filters;
        this.linearChain(
          n,
          finalName,
          (out, fold) => {
            // The HWIO depthwise kernel [kh, kw, C_in, 1] has the layout of [kh, kw, 1, C_in]: OIHW [C_in, 1, kh, kw].
            const depthwise = toOihw(this.weight(`${n.name}/depthwise_kernel`), kh, kw, 1, cin);
            const mid = this.tensorName(`${n.name}/depthwise`);
            this.node(
              n,
              'Conv',
              `${n.name}/depthwise`,
              [this.input(n.inputs[0]!), this.initializer(`${n.name}/depthwise_kernel`, [cin, 1, kh, kw], depthwise)],
              [mid],
              convAttributes(a.kernel, a.stride, onnxPads([h, w], a.kernel, a.stride, a.padding), cin),
            );
            const pointwise = toOihw(this.weight(`${n.name}/pointwise_kernel`), 1, 1, cin, cout, fold?.scale);
            const inputs = [mid, this.initializer(`${n.name}/pointwise_kernel`, [cout, cin, 1, 1], pointwise)];
            this.pushBias(inputs, n, a.bias, cout, fold);
            this.node(n, 'Conv', n.name, inputs, [out], convAttributes([1, 1], [1, 1], [0, 0, 0, 0], 1));
          },
          bnOf(a.bn),
          cout,
          a.activation,
        );
        break;
      }
      case 'dense': {
        const cin = inShape[0]!;
        const units = a.units;
        const bn = bnOf(null);
        this.linearChain(
          n,
          finalName,
          (out, fold) => {
            let kernel = this.weight(`${n.name}/kernel`);
            if (fold) {
              const scaled = new Float32Array(kernel.length);
              for (let i = 0; i < cin; i++)
                for (let o = 0; o < units; o++) scaled[i * units + o] = kernel[i * units + o]! * fold.scale[o]!;
              kernel = scaled;
            }
            const inputs = [this.input(n.inputs[0]!), this.initializer(`${n.name}/kernel`, [cin, units], kernel)];
            this.pushBias(inputs, n, a.bias, units, fold);
            // Keras's dense kernel is [in, units]: Gemm's B as it is (transB = 0).
            this.node(
              n,
              'Gemm',
              n.name,
              inputs,
              [out],
              [attrFloat('alpha', 1), attrFloat('beta', 1), attrInt('transA', 0), attrInt('transB', 0)],
            );
          },
          bn,
          units,
          a.activation,
        );
        break;
      }
      case 'batchnorm': {
        const channels = n.shape[n.shape.length - 1]!;
        this.emitBatchNorm(n, { prefix: n.name, attrs: a.bn }, channels, this.input(n.inputs[0]!), finalName, n.name);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const [h, w] = inShape as [number, number, number];
        const attrs = [
          attrInts('kernel_shape', [...a.kernel]),
          attrInts('strides', [...a.stride]),
          attrInts('pads', onnxPads([h, w], a.kernel, a.stride, a.padding)),
        ];
        // TF's average pool divides by the number of real (unpadded) inputs in the window; with
        // count_include_pad=true every window divides by kh x kw (ONNX's count_include_pad = 1, explicit pads).
        if (a.op === 'avgpool') attrs.push(attrInt('count_include_pad', a.countIncludePad ? 1 : 0));
        this.node(
          n,
          a.op === 'maxpool' ? 'MaxPool' : 'AveragePool',
          n.name,
          [this.input(n.inputs[0]!)],
          [finalName],
          attrs,
        );
        break;
      }
      case 'gap': {
        const pooled = this.tensorName(`${n.name}/pool`);
        this.node(n, 'GlobalAveragePool', n.name, [this.input(n.inputs[0]!)], [pooled]);
        this.node(n, 'Flatten', `${n.name}/flatten`, [pooled], [finalName], [attrInt('axis', 1)]);
        break;
      }
      case 'flatten': {
        const x = this.input(n.inputs[0]!);
        if (inShape.length !== 3) {
          this.node(n, 'Identity', n.name, [x], [finalName]);
          break;
        }
        const [h, w, c] = inShape as [number, number, number];
        // The IR flattens NHWC (H, W, C order), as the weights of a following dense layer expect: on an
        // NCHW map, permute to NHWC first (not needed when H x W or C is 1, where both orders agree).
        if (h * w === 1 || c === 1) {
          this.node(n, 'Flatten', n.name, [x], [finalName], [attrInt('axis', 1)]);
        } else {
          const nhwc = this.tensorName(`${n.name}/nhwc`);
          this.node(n, 'Transpose', `${n.name}/nhwc`, [x], [nhwc], [attrInts('perm', [0, 2, 3, 1])]);
          this.node(n, 'Flatten', n.name, [nhwc], [finalName], [attrInt('axis', 1)]);
        }
        break;
      }
      case 'concat':
        this.node(
          n,
          'Concat',
          n.name,
          n.inputs.map((i) => this.input(i)),
          [finalName],
          [attrInt('axis', 1)],
        );
        break;
      case 'activation':
        this.emitActivation(n, a.activation, this.input(n.inputs[0]!), finalName, n.name);
        break;
      case 'softmax':
        this.node(n, 'Softmax', n.name, [this.input(n.inputs[0]!)], [finalName], [attrInt('axis', 1)]);
        break;
      case 'input':
      case 'dropout':
        throw new Error(`internal: ${n.name} (${a.op}) is lowered by run()`);
      default: {
        // Every op of the IR is handled above: a new layer kind fails to compile here until it is.
        const never: never = a;
        throw new Unsupported(`the ${(never as { op: string }).op} layer`, n);
      }
    }
    this.tensor.set(n.id, finalName);
    if (absorbed) this.tensor.set(absorbed.id, finalName);
  }

  /** The dims of an IR shape in the model's layout, batch first. */
  dims(shape: number[], layout: Layout): pkg.onnx.TensorShapeProto.IDimension[] {
    const batch = { dimParam: 'N' };
    if (shape.length !== 3) return [batch, ...shape.map((d) => ({ dimValue: d }))];
    const [h, w, c] = shape as [number, number, number];
    return [batch, ...(layout === 'nchw' ? [c, h, w] : [h, w, c]).map((d) => ({ dimValue: d }))];
  }

  valueInfo(name: string, shape: number[], layout: Layout, docString: string): IValueInfoProto {
    return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: this.dims(shape, layout) } } }, docString };
  }

  run(): LowerResult {
    const g = this.graph;
    const layout = this.options.layout ?? 'nchw';
    const outputIds = [g.output];
    for (const name of this.options.outputs ?? []) {
      const node = g.nodes.find((n) => n.name === name);
      if (!node) throw new Error(`no node named ${name} in ${g.network}`);
      if (!outputIds.includes(node.id)) outputIds.push(node.id);
    }
    const live = liveNodes(g, outputIds);

    // Too large for one protobuf file? Checked before any weight is made.
    const tooLarge = checkWeightSize(g, ONNX_LIMIT, this.specs.values(), (id) => live[id] === true);
    if (tooLarge) return { diagnostics: [tooLarge] };

    this.planFolds(live, new Set(outputIds));
    const inputNode = g.nodes[g.input]!;
    let inputTensor = this.tensorName(inputNode.name);
    const graphInput = this.valueInfo(inputTensor, inputNode.shape, layout, this.docString(inputNode));
    if (layout === 'nhwc' && inputNode.shape.length === 3) {
      const nchw = this.tensorName(`${inputNode.name}/nchw`);
      this.node(
        inputNode,
        'Transpose',
        `${inputNode.name}/nchw`,
        [inputTensor],
        [nchw],
        [attrInts('perm', [0, 3, 1, 2])],
      );
      inputTensor = nchw;
    }
    this.tensor.set(inputNode.id, inputTensor);

    try {
      for (const n of g.nodes) {
        if (!live[n.id] || n.id === g.input || this.folded.has(n.id)) continue;
        if (n.attrs.op === 'dropout') {
          this.tensor.set(n.id, this.input(n.inputs[0]!)); // inference: the identity
          continue;
        }
        this.lowerNode(n);
      }
    } catch (e) {
      if (e instanceof Unsupported) {
        return { diagnostics: [diagnostic('onnx-unsupported', e.node.span, { what: e.what, node: e.node.name })] };
      }
      throw e;
    }

    // Graph outputs: each named after its IR node, in the model's layout.
    const graphOutputs: IValueInfoProto[] = [];
    for (const id of outputIds) {
      const n = g.nodes[id]!;
      let t = this.input(id);
      if (layout === 'nhwc' && n.shape.length === 3) {
        const out = this.tensorName(`${n.name}/nhwc`);
        this.node(n, 'Transpose', `${n.name}/nhwc`, [t], [out], [attrInts('perm', [0, 2, 3, 1])]);
        t = out;
      } else if (t === inputTensor || n.attrs.op === 'dropout' || graphOutputs.some((o) => o.name === t)) {
        // An output whose tensor is another node's (a trailing dropout, the input itself): an Identity names it.
        const out = this.tensorName(n.name);
        this.node(n, 'Identity', `${n.name}/output`, [t], [out]);
        t = out;
      }
      graphOutputs.push(this.valueInfo(t, n.shape, layout, this.docString(n)));
    }

    const graph: pkg.onnx.IGraphProto = {
      name: g.network,
      node: this.nodes,
      initializer: this.initializers,
      input: [graphInput],
      output: graphOutputs,
      docString: this.docString(inputNode),
    };
    const done = optimizeGraph(graph, this.options.optimize ?? DEFAULT_OPTIMIZATIONS);
    const optimizations = Object.entries(done).map(([pass, count]) => `${pass} (${count})`);

    const classes = g.args['classes'];
    const [h, w, c] = inputNode.shape as [number, number, number];
    const meta: [string, string][] = [
      ['network', g.network],
      ['source', g.file],
      ...(typeof classes === 'number' ? [['classes', String(classes)] as [string, string]] : []),
      ['input_size', `${h}x${w}x${c}`],
      ['input_layout', layout.toUpperCase()],
      ['input_shape', layout === 'nchw' ? `N,${c},${h},${w}` : `N,${h},${w},${c}`],
      ['output', graphOutputs[0]!.name!],
      ['args', JSON.stringify(g.args)],
      ['batch_norm', this.foldBn ? 'folded' : 'BatchNormalization'],
      ['optimizations', optimizations.length > 0 ? optimizations.join(', ') : 'none'],
      ['weights', this.options.weightsSource ?? (this.options.weights ? 'given' : `initial, seed ${this.seed}`)],
    ];
    const version = this.options.producerVersion ?? '0.0.0';
    const model: IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'incc',
      producerVersion: version,
      modelVersion: 1,
      docString:
        `${g.network} (${g.file}), compiled by incc ${version}: input ${layout.toUpperCase()} float32, dynamic ` +
        `batch N; inference form (dropout and auxiliary heads ` +
        `dropped${this.foldBn ? ', batch norm folded' : ''})`,
      graph,
      metadataProps: meta.map(([key, value]) => ({ key, value })),
    };
    return { model, diagnostics: [] };
  }
}

/** An IR construct without an ONNX form: reported as `onnx-unsupported` at the node's span. */
class Unsupported extends Error {
  constructor(
    readonly what: string,
    readonly node: IRNode,
  ) {
    super(what);
  }
}

/** Lowers a graph to an ONNX model (protobuf message object), or diagnostics for what cannot be lowered. */
export function lowerToOnnx(graph: IRGraph, options: LowerOptions = {}): LowerResult {
  return new Lowering(graph, options).run();
}

/** Serializes a model. */
export function encodeModel(model: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
