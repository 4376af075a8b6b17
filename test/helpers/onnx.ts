/**
 * For the ONNX tests: building a graph from .incp text or a stdlib file, running a model in
 * onnxruntime-node, weights with random batch-norm statistics (so that folding is really exercised), and
 * decoding a model with onnx-proto.
 */
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import pkg from 'onnx-proto';
import { transpose4 } from '../../backends/common/transpose.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { buildNetwork } from '../../compiler/program/pipeline.js';
import { loadProgram, loadProgramFromText, stdlibDir } from '../../compiler/program/node-host.js';
import { initialValue, weightSpecs } from '../../backends/common/weights.js';

const { onnx } = pkg;

export function graphOf(text: string, args: Record<string, number | boolean> = {}, network?: string): IRGraph {
  const program = loadProgramFromText(text, join(stdlibDir, '..', 'test-onnx.incp'));
  const errors = program.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  const r = buildNetwork(program, { args, network });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graph;
}

export function stdlibGraph(file: string, network?: string, args: Record<string, number | boolean> = {}): IRGraph {
  const program = loadProgram(join(stdlibDir, file));
  const r = buildNetwork(program, { network, args });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graph;
}

/** A small deterministic generator (LCG), uniform in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * The initial weights of `seed`, with random batch-norm statistics: moving means and betas in
 * [-0.1, 0.1], moving variances in [0.3, 0.7] (which also keeps activations from fading over a deep
 * network), gammas in [0.7, 1.3]. Dense and conv biases small and random too.
 */
export function randomizedWeights(graph: IRGraph, seed = 7): Map<string, Float32Array> {
  const rnd = lcg(seed * 7919 + 1);
  const out = new Map<string, Float32Array>();
  for (const spec of weightSpecs(graph)) {
    const v = initialValue(spec, seed);
    const fill = (lo: number, hi: number): void => {
      for (let i = 0; i < v.length; i++) v[i] = lo + rnd() * (hi - lo);
    };
    if (spec.role === 'moving_mean' || spec.role === 'beta' || spec.role === 'bias') fill(-0.1, 0.1);
    else if (spec.role === 'moving_variance') fill(0.3, 0.7);
    else if (spec.role === 'gamma') fill(0.7, 1.3);
    out.set(spec.name, v);
  }
  return out;
}

export function randomInput(size: number, seed = 3): Float32Array {
  const rnd = lcg(seed);
  const x = new Float32Array(size);
  for (let i = 0; i < x.length; i++) x[i] = rnd() * 2 - 1;
  return x;
}

/** NHWC -> NCHW for a batch of [h, w, c] maps. */
export function toNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  return transpose4(x, [n, h, w, c], [0, 3, 1, 2]);
}

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

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
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
