/**
 * A float ONNX model (lower.ts's, batch norm folded) to the QDQ format, as onnxruntime's quantize_static makes it
 * (QuantFormat.QDQ, per_channel=True, weight_type QInt8, activation_type QUInt8 or QInt8, MinMax calibration;
 * onnxruntime/quantization/qdq_quantizer.py 1.30 and its operators/), for the operators incc emits:
 *
 * - Conv, Gemm: the input and the output are quantized (QuantizeLinear -> DequantizeLinear), the weight is stored
 *   as int8 per output channel (axis 0 of a Conv's OIHW kernel, axis 1 of Gemm's [in, units] B) behind a
 *   DequantizeLinear, the bias as int32 (scale = input scale x weight scale) behind a DequantizeLinear.
 * - Relu, Clip: removed when their input has no other reader; the layer before them then writes their output,
 *   whose quantization (zero point at 0, the range's top) clips as they did.
 * - MaxPool, AveragePool, Flatten, Transpose, Split: their outputs share the scale and zero point of their input
 *   (Split's input is quantized if nothing else did it).
 * - Concat, GlobalAveragePool, Sigmoid, Softmax: every input and output quantized with its own range.
 * - Identity, Tanh: left in float (not in onnxruntime's list of operators to quantize).
 *
 * One choice of incc's: the nodes that compute a graph output are left out (quantize_static's nodes_to_exclude),
 * so the model's outputs stay float32 (a softmax quantized to 8 bits has steps of 1/255: ties for the top class).
 *
 * Names follow onnxruntime's: `T_QuantizeLinear` / `T_DequantizeLinear` nodes with outputs
 * `T_QuantizeLinear_Output` / `T_DequantizeLinear_Output`, `T_scale` and `T_zero_point` initializers, weights as
 * `W_quantized`, biases as `B_quantized` with `B_quantized_scale` and `B_quantized_zero_point`. Nodes stay in
 * topological order (each Q/DQ pair right after the node writing its tensor, each weight's DequantizeLinear right
 * before its reader), and the result depends only on the model and the ranges: deterministic.
 */
import pkg from 'onnx-proto';
import { float32Bytes, float32LE, littleEndian } from '../../common/little-endian.js';
import {
  activationParams,
  adjustWeightScalesForBias,
  perChannelScales,
  quantizeBias,
  quantizeWeight,
  type ActivationType,
} from './params.js';

const { onnx } = pkg;
type INodeProto = pkg.onnx.INodeProto;
type ITensorProto = pkg.onnx.ITensorProto;
type IModelProto = pkg.onnx.IModelProto;

const DT = onnx.TensorProto.DataType;
const INT = onnx.AttributeProto.AttributeType.INT;

/** onnxruntime's default operators to quantize (QLinearOpsRegistry and QDQRegistry) that incc emits. */
export const QUANTIZABLE_OPS = new Set([
  'Conv',
  'Gemm',
  'Relu',
  'Clip',
  'Sigmoid',
  'Softmax',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Transpose',
  'Concat',
  'Split',
  'BatchNormalization',
]);

/** A calibrated range: the minimum and maximum a tensor took (float32 values). */
export type Ranges = ReadonlyMap<string, readonly [number, number]>;

export interface QdqOptions {
  activationType: ActivationType;
}

/** A model the quantizer does not handle (e.g. a BatchNormalization node: fold batch norm first). */
export class QuantizeError extends Error {}

interface Marked {
  kind: 'activation' | 'weight';
  /** Per-channel axis of a weight. */
  axis?: number;
  /** Shares the scale and zero point of this (input) tensor. */
  sharedFrom?: string;
}

interface BiasUse {
  node: string;
  input: string;
  weight: string;
}

/** The tensors a calibration must measure: every non-initializer input and output of the operators to quantize. */
export function tensorsToCalibrate(model: IModelProto): string[] {
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name!));
  const out = new Set<string>();
  for (const n of graph.node ?? []) {
    if (!QUANTIZABLE_OPS.has(n.opType!)) continue;
    for (const t of [...(n.input ?? []), ...(n.output ?? [])]) if (t && !initializers.has(t)) out.add(t);
  }
  return [...out];
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function floatsOf(t: ITensorProto): Float32Array {
  if (t.dataType !== DT.FLOAT || !t.rawData) throw new QuantizeError(`initializer ${t.name} is not float32 raw data`);
  return float32LE(t.rawData, t.rawData.length / 4);
}

/** int32 values as ONNX raw_data (little-endian). */
function int32Bytes(values: Int32Array): Uint8Array {
  if (littleEndian) return bytesOf(values);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setInt32(4 * i, values[i]!, true);
  return out;
}

function scalarTensor(name: string, dataType: number, bytes: Uint8Array, dims: number[] = []): ITensorProto {
  return { name, dims, dataType, rawData: bytes };
}

class QdqQuantizer {
  private readonly nodes: INodeProto[];
  private readonly initializers = new Map<string, ITensorProto>();
  private readonly graphInputs: Set<string>;
  private readonly graphOutputs: Set<string>;
  private readonly ranges: Map<string, readonly [number, number]>;
  private readonly marked = new Map<string, Marked>();
  private readonly biases = new Map<string, BiasUse>();
  private readonly removed = new Set<INodeProto>();
  private readonly excluded = new Set<INodeProto>();

  constructor(
    readonly model: IModelProto,
    ranges: Ranges,
    readonly options: QdqOptions,
  ) {
    const graph = model.graph!;
    // Copies of the nodes (their inputs and outputs are renamed below); the input model is left as it was.
    this.nodes = (graph.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] }));
    for (const t of graph.initializer ?? []) this.initializers.set(t.name!, t);
    this.graphInputs = new Set((graph.input ?? []).map((v) => v.name!));
    this.graphOutputs = new Set((graph.output ?? []).map((v) => v.name!));
    this.ranges = new Map(ranges);
    for (const n of this.nodes) if ((n.output ?? []).some((o) => this.graphOutputs.has(o))) this.excluded.add(n);
  }

  private shouldQuantize(n: INodeProto): boolean {
    return QUANTIZABLE_OPS.has(n.opType!) && !this.excluded.has(n);
  }

  private readers(tensor: string): INodeProto[] {
    return this.nodes.filter((n) => n.input!.includes(tensor));
  }

  private isQuantized(tensor: string): boolean {
    return this.marked.has(tensor) || this.biases.has(tensor);
  }

  private markActivation(tensor: string): void {
    if (tensor && !this.initializers.has(tensor) && !this.marked.has(tensor))
      this.marked.set(tensor, { kind: 'activation' });
    else if (tensor && this.initializers.has(tensor) && !this.marked.has(tensor))
      throw new QuantizeError(`initializer ${tensor} read as an activation`);
  }

  /** onnxruntime's adjust_tensor_ranges: a Relu or Clip's input takes its output's range; softmax is [0, 1]. */
  private adjustRanges(): void {
    for (const n of this.nodes) {
      if (!this.shouldQuantize(n)) continue;
      if (n.opType === 'Relu' || n.opType === 'Clip') {
        const [x, y] = [n.input![0]!, n.output![0]!];
        if (this.readers(x).length !== 1 || !this.ranges.has(x) || !this.ranges.has(y)) continue;
        this.ranges.set(x, this.ranges.get(y)!);
      } else if (n.opType === 'Softmax') this.ranges.set(n.output![0]!, [0, 1]);
    }
  }

  /** try_replacing_upstream_output: the producer of `upstream` writes `output` instead (the activation goes). */
  private replaceUpstream(upstream: string, output: string): boolean {
    if (
      !this.ranges.has(output) ||
      !this.ranges.has(upstream) ||
      this.readers(upstream).length !== 1 ||
      this.graphOutputs.has(upstream) ||
      this.graphInputs.has(upstream)
    )
      return false;
    for (const n of this.nodes) n.output = n.output!.map((o) => (o === upstream ? output : o));
    this.marked.delete(upstream);
    return true;
  }

  /** What each operator quantizes (the op quantizers of onnxruntime's QDQ registry). */
  private markNode(n: INodeProto): void {
    const [x, w, b] = n.input!;
    const y = n.output![0]!;
    switch (n.opType) {
      case 'Conv':
      case 'Gemm': {
        this.markActivation(x!);
        this.markActivation(y);
        const transB = (n.attribute ?? []).find((a) => a.name === 'transB')?.i;
        const axis = n.opType === 'Conv' || Number(transB ?? 0) === 1 ? 0 : 1;
        if (!this.initializers.has(w!)) throw new QuantizeError(`${n.name}: the weight ${w} is not an initializer`);
        this.marked.set(w!, { kind: 'weight', axis });
        if (b) {
          if (!this.initializers.has(b)) throw new QuantizeError(`${n.name}: the bias ${b} is not an initializer`);
          if (this.biases.has(b)) throw new QuantizeError(`${n.name}: the bias ${b} is shared`);
          this.biases.set(b, { node: n.name!, input: x!, weight: w! });
          const beta = (n.attribute ?? []).find((a) => a.name === 'beta');
          if (beta && beta.f !== 1) throw new QuantizeError(`${n.name}: Gemm with beta ${beta.f}`);
        }
        return;
      }
      case 'Relu':
      case 'Clip':
        if (!this.isQuantized(x!)) return;
        if (this.replaceUpstream(x!, y)) this.removed.add(n);
        else this.markActivation(x!);
        this.markActivation(y);
        return;
      case 'MaxPool':
      case 'AveragePool':
      case 'Flatten':
      case 'Transpose':
        if (this.isQuantized(x!)) this.marked.set(y, { kind: 'activation', sharedFrom: x! });
        return;
      case 'Split':
        // The outputs of `--optimize horizontal`'s Split share the scale of its input (onnxruntime's QDQSplit).
        if (!this.isQuantized(x!)) this.markActivation(x!);
        for (const o of n.output!) this.marked.set(o, { kind: 'activation', sharedFrom: x! });
        return;
      case 'BatchNormalization':
        throw new QuantizeError(`${n.name}: BatchNormalization (int8 export folds batch norm)`);
      default:
        for (const t of [...n.input!, ...n.output!]) this.markActivation(t);
    }
  }

  run(): IModelProto {
    this.adjustRanges();
    for (const n of this.nodes) if (this.shouldQuantize(n)) this.markNode(n);

    const actType = this.options.activationType;
    const zpType = actType === 'uint8' ? DT.UINT8 : DT.INT8;
    const newInits: ITensorProto[] = [];
    /** tensor -> [scale name, zero point name, scale] of its Q/DQ pair. */
    const qparams = new Map<string, [string, string, number]>();
    const qparamsOf = (t: string): [string, string, number] => {
      let p = qparams.get(t);
      if (p) return p;
      const m = this.marked.get(t)!;
      if (m.sharedFrom !== undefined) {
        p = qparamsOf(m.sharedFrom);
      } else {
        const range = this.ranges.get(t);
        if (!range) throw new QuantizeError(`no calibrated range for ${t}`);
        const { scale, zeroPoint } = activationParams(range[0], range[1], actType);
        const zp = actType === 'uint8' ? Uint8Array.of(zeroPoint) : bytesOf(Int8Array.of(zeroPoint));
        newInits.push(scalarTensor(`${t}_zero_point`, zpType, zp));
        newInits.push(scalarTensor(`${t}_scale`, DT.FLOAT, float32Bytes(Float32Array.of(scale))));
        p = [`${t}_scale`, `${t}_zero_point`, scale];
      }
      qparams.set(t, p);
      return p;
    };

    // Weights: per-channel scales, adjusted for their biases, then the int8 values.
    const weightScales = new Map<string, Float32Array>();
    for (const [name, m] of this.marked) {
      if (m.kind !== 'weight') continue;
      const t = this.initializers.get(name)!;
      weightScales.set(name, perChannelScales(floatsOf(t), (t.dims ?? []).map(Number), m.axis!));
    }
    for (const [bias, use] of this.biases) {
      const range = this.ranges.get(use.input);
      // As onnxruntime does: the input's own calibrated range, even when it is quantized with its producer's.
      if (!range || !this.marked.has(use.input)) continue;
      const inputScale = activationParams(range[0], range[1], actType).scale;
      const scales = weightScales.get(use.weight)!;
      weightScales.set(
        use.weight,
        adjustWeightScalesForBias(inputScale, scales, floatsOf(this.initializers.get(bias)!)),
      );
    }

    const node = (opType: string, name: string, input: string[], output: string[], axis?: number): INodeProto => ({
      name,
      opType,
      input,
      output,
      attribute: axis === undefined ? [] : [{ name: 'axis', type: INT, i: axis }],
    });
    /** Reader renames: tensor -> the DequantizeLinear output its readers take. */
    const dequantized = new Map<string, string>();
    /** The Q/DQ pair of an activation tensor (and the renames it implies). */
    const activationPair = (t: string): INodeProto[] => {
      const [scale, zp] = qparamsOf(t);
      let qInput = t;
      let dqOutput = `${t}_DequantizeLinear_Output`;
      if (this.graphOutputs.has(t)) {
        qInput = `${t}_QuantizeLinear_Input`;
        dqOutput = t;
        for (const n of this.nodes) n.output = n.output!.map((o) => (o === t ? qInput : o));
      } else dequantized.set(t, dqOutput);
      return [
        node('QuantizeLinear', `${t}_QuantizeLinear`, [qInput, scale, zp], [`${t}_QuantizeLinear_Output`]),
        node('DequantizeLinear', `${t}_DequantizeLinear`, [`${t}_QuantizeLinear_Output`, scale, zp], [dqOutput]),
      ];
    };
    const weightDq = (w: string): INodeProto => {
      const t = this.initializers.get(w)!;
      const dims = (t.dims ?? []).map(Number);
      const axis = this.marked.get(w)!.axis!;
      const scales = weightScales.get(w)!;
      const q = quantizeWeight(floatsOf(t), dims, axis, scales);
      newInits.push({ name: `${w}_quantized`, dims, dataType: DT.INT8, rawData: bytesOf(q) });
      newInits.push(scalarTensor(`${w}_zero_point`, DT.INT8, new Uint8Array(scales.length), [scales.length]));
      newInits.push(scalarTensor(`${w}_scale`, DT.FLOAT, float32Bytes(scales), [scales.length]));
      dequantized.set(w, `${w}_DequantizeLinear_Output`);
      return node(
        'DequantizeLinear',
        `${w}_DequantizeLinear`,
        [`${w}_quantized`, `${w}_scale`, `${w}_zero_point`],
        [`${w}_DequantizeLinear_Output`],
        axis,
      );
    };
    const biasDq = (b: string, use: BiasUse): INodeProto => {
      const [, , inputScale] = qparamsOf(use.input);
      const { values, scales } = quantizeBias(
        floatsOf(this.initializers.get(b)!),
        inputScale,
        weightScales.get(use.weight)!,
      );
      const c = values.length;
      newInits.push({ name: `${b}_quantized`, dims: [c], dataType: DT.INT32, rawData: int32Bytes(values) });
      newInits.push(scalarTensor(`${b}_quantized_scale`, DT.FLOAT, float32Bytes(scales), [c]));
      newInits.push(scalarTensor(`${b}_quantized_zero_point`, DT.INT32, new Uint8Array(4 * c), c > 1 ? [c] : []));
      return node(
        'DequantizeLinear',
        `${b}_DequantizeLinear`,
        [`${b}_quantized`, `${b}_quantized_scale`, `${b}_quantized_zero_point`],
        [b],
        c > 1 ? 0 : undefined,
      );
    };

    const out: INodeProto[] = [];
    for (const t of this.graphInputs) if (this.marked.has(t)) out.push(...activationPair(t));
    for (const n of this.nodes) {
      if (this.removed.has(n)) continue;
      for (const i of n.input!) {
        const m = this.marked.get(i);
        if (m?.kind === 'weight' && !dequantized.has(i)) out.push(weightDq(i));
        const use = this.biases.get(i);
        if (use && !dequantized.has(i)) {
          out.push(biasDq(i, use));
          dequantized.set(i, i);
        }
      }
      n.input = n.input!.map((i) => dequantized.get(i) ?? i);
      out.push(n);
      for (const o of [...n.output!]) if (this.marked.get(o)?.kind === 'activation') out.push(...activationPair(o));
    }

    // Initializers: the float ones still read, then the new ones (onnxruntime's clean_initializers).
    const read = new Set(out.flatMap((n) => n.input!));
    const kept = [...this.initializers.values()].filter((t) => read.has(t.name!) && !this.biases.has(t.name!));
    const graph = this.model.graph!;
    return {
      ...this.model,
      graph: { ...graph, node: out, initializer: [...kept, ...newInits.filter((t) => read.has(t.name!))] },
    };
  }
}

/** The QDQ form of a float model, from calibrated ranges (tensorsToCalibrate's tensors). */
export function toQdq(model: IModelProto, ranges: Ranges, options: QdqOptions): IModelProto {
  return new QdqQuantizer(model, ranges, options).run();
}
