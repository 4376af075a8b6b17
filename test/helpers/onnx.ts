/**
 * For the ONNX tests: running a model in onnxruntime-node, and decoding a model with onnx-proto. (The graphs
 * and random weights they run are in graphs.ts, the comparisons of outputs in arrays.ts.)
 */
import ort from 'onnxruntime-node';
import pkg from 'onnx-proto';

const { onnx } = pkg;

export interface OrtOutput {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Runs a serialized model on one input (2 intra-op threads); the outputs in model order. */
export async function runOrt(model: Uint8Array, input: Float32Array, dims: number[]): Promise<OrtOutput[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 2, interOpNumThreads: 1 });
  try {
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) };
    const result = await session.run(feeds);
    return session.outputNames.map((name) => ({
      name,
      dims: [...result[name]!.dims],
      data: result[name]!.data as Float32Array,
    }));
  } finally {
    await session.release();
  }
}

/**
 * A decoded message with every field present: protobufjs types each field as optional and nullable, but a
 * decoded message has them all (empty lists, zero values); a test that reads a missing one fails anyway.
 */
export type Decoded<T> = T extends Uint8Array | string | number | boolean | { low: number; high: number }
  ? T
  : T extends readonly (infer U)[]
    ? Decoded<U>[]
    : T extends object
      ? { [K in keyof T]-?: Decoded<NonNullable<T[K]>> }
      : T;

export function decodeModel(bytes: Uint8Array): Decoded<pkg.onnx.ModelProto> {
  return onnx.ModelProto.decode(bytes) as unknown as Decoded<pkg.onnx.ModelProto>;
}

export const AttributeType = onnx.AttributeProto.AttributeType;
