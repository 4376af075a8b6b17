/**
 * MinMax calibration, as onnxruntime's MinMaxCalibrater does it: the float model with a ReduceMin and a ReduceMax
 * on every tensor to calibrate, run in onnxruntime with its graph optimizations off, over the calibration inputs;
 * each tensor's range is the smallest minimum and the largest maximum over all of them.
 *
 * onnxruntime-node is imported here, when a model is calibrated, and nowhere else in the ONNX backend: exporting
 * a float model, and everything else incc does but `--quantize`, never loads it.
 */
import pkg from 'onnx-proto';
import { importModule } from '../../common/import-module.js';
import type * as Ort from 'onnxruntime-node';

type IModelProto = pkg.onnx.IModelProto;
type INodeProto = pkg.onnx.INodeProto;

const FLOAT = pkg.onnx.TensorProto.DataType.FLOAT;
const INT = pkg.onnx.AttributeProto.AttributeType.INT;

/** Calibration inputs: `count` images, one after the other in `data`, each of `dims` (the model input without N). */
export interface CalibrationInputs {
  data: Float32Array;
  count: number;
  dims: number[];
}

/** The float model with the minimum and maximum of every tensor in `tensors` as outputs. */
export function withRangeOutputs(model: IModelProto, tensors: string[]): IModelProto {
  const graph = model.graph!;
  const nodes: INodeProto[] = [...(graph.node ?? [])];
  const outputs = [...(graph.output ?? [])];
  tensors.forEach((t, i) => {
    for (const op of ['ReduceMin', 'ReduceMax']) {
      const name = `incc/calibrate/${i}/${op}`;
      nodes.push({ name, opType: op, input: [t], output: [name], attribute: [{ name: 'keepdims', type: INT, i: 0 }] });
      outputs.push({ name, type: { tensorType: { elemType: FLOAT } } });
    }
  });
  return { ...model, graph: { ...graph, node: nodes, output: outputs } };
}

/** The calibrated range of each tensor over the inputs, run `batch` images at a time. */
export async function calibrate(
  model: IModelProto,
  tensors: string[],
  inputs: CalibrationInputs,
  encode: (m: IModelProto) => Uint8Array,
  batch = 8,
): Promise<Map<string, [number, number]>> {
  const { default: ort } = await importModule<{ default: typeof Ort }>('onnxruntime-node');
  const session = await ort.InferenceSession.create(encode(withRangeOutputs(model, tensors)), {
    graphOptimizationLevel: 'disabled',
    executionMode: 'sequential',
    interOpNumThreads: 1,
  });
  const ranges = new Map<string, [number, number]>(tensors.map((t) => [t, [Infinity, -Infinity]]));
  try {
    const size = inputs.dims.reduce((a, b) => a * b, 1);
    const inputName = session.inputNames[0]!;
    for (let start = 0; start < inputs.count; start += batch) {
      const n = Math.min(batch, inputs.count - start);
      const x = inputs.data.subarray(start * size, (start + n) * size);
      const result = await session.run({ [inputName]: new ort.Tensor('float32', x, [n, ...inputs.dims]) });
      tensors.forEach((t, i) => {
        const lo = (result[`incc/calibrate/${i}/ReduceMin`]!.data as Float32Array)[0]!;
        const hi = (result[`incc/calibrate/${i}/ReduceMax`]!.data as Float32Array)[0]!;
        const r = ranges.get(t)!;
        if (lo < r[0]) r[0] = lo;
        if (hi > r[1]) r[1] = hi;
      });
    }
  } finally {
    await session.release();
  }
  return ranges;
}
