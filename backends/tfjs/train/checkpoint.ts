/**
 * Checkpoints of `incc train` in --out DIR:
 * - model.json + group1-shard*.bin: the network as compiled (its final softmax included), in the tfjs layers
 *   format; stock tfjs loads it (tf.loadLayersModel with tf.io.fromMemory, or file:// with tfjs-node).
 *   With `ema`, these are the averaged weights (what evaluation uses).
 * - train-state.json + train-state.bin: what --resume needs besides: the epoch and step reached, the
 *   recipe, the optimizer's state (its slots, in the order of the model's trainable weights), and with
 *   `ema` the live (not averaged) weights and the averages.
 * Every file is written under a temporary name and renamed; train-state.json goes last.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readTfjsArtifacts, tfjsFiles } from '../artifacts.js';

export const MODEL_FILE = 'model.json';
export const STATE_FILE = 'train-state.json';
export const STATE_BIN = 'train-state.bin';

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Writes model.json and its weight shards (the tfjs backend's writer, backends/tfjs/artifacts.ts: the
 * layers format, deterministic bytes) into dir, each file atomically; the other files of dir are left alone.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const files = await tfjsFiles(model, { metadata });
  // model.json last: it names the shards.
  for (const [name, data] of [...files].reverse()) writeAtomic(join(dir, name), data);
}

/** model.json and its shards of dir as ModelArtifacts (for tf.io.fromMemory). */
export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  return readTfjsArtifacts(dir);
}

/** The float32 weights of model.json + its shards, by name. */
export function readModelWeights(dir: string): Map<string, { shape: number[]; values: Float32Array }> {
  const a = readModelArtifacts(dir);
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  const buf = a.weightData as ArrayBuffer;
  for (const s of a.weightSpecs ?? []) {
    const size = s.shape.reduce((x, y) => x * y, 1);
    if (s.dtype !== 'float32' || s.quantization) throw new Error(`${join(dir, MODEL_FILE)}: weight ${s.name} is not plain float32`);
    out.set(s.name, { shape: s.shape, values: new Float32Array(buf.slice(offset, offset + size * 4)) });
    offset += size * 4;
  }
  return out;
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in floats into train-state.bin. */
  offset: number;
}

/** Named tensors packed into one float32 buffer, with their index. */
export async function packTensors(tensors: { name: string; tensor: tf.Tensor }[]): Promise<{ entries: TensorEntry[]; data: Float32Array }> {
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const t of tensors) {
    entries.push({ name: t.name, shape: t.tensor.shape, offset: total });
    total += t.tensor.size;
  }
  const data = new Float32Array(total);
  for (let i = 0; i < tensors.length; i++) data.set((await tensors[i]!.tensor.data()) as Float32Array, entries[i]!.offset);
  return { entries, data };
}

export function unpackTensor(data: Float32Array, e: TensorEntry): tf.Tensor {
  const size = e.shape.reduce((x, y) => x * y, 1);
  return tf.tensor(data.subarray(e.offset, e.offset + size), e.shape, 'float32');
}

export interface TrainState {
  format: 'incc-train-state';
  version: 1;
  network: string;
  file: string;
  args: Record<string, unknown>;
  /** Epochs completed. */
  epoch: number;
  /** Steps done in epoch `epoch` (0-based) when stopped in the middle of it; 0 at an epoch's end. */
  stepInEpoch: number;
  globalStep: number;
  stepsPerEpoch: number;
  recipe: unknown;
  data: { source: string; classNames: string[]; train: number; validation: number };
  optimizer: { name: string; slots: TensorEntry[] };
  /** With ema: the live weights (model.json holds the averages) and the averages. */
  live: TensorEntry[] | null;
  ema: TensorEntry[] | null;
  lastMetrics: Record<string, unknown> | null;
  saved: string;
}

export function writeState(dir: string, state: TrainState, bin: Float32Array): void {
  writeAtomic(join(dir, STATE_BIN), new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength));
  writeAtomic(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function readState(dir: string): { state: TrainState; bin: Float32Array } {
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as TrainState;
  if (state.format !== 'incc-train-state' || state.version !== 1) throw new Error(`${join(dir, STATE_FILE)} is not an incc training state (version 1)`);
  const raw = readFileSync(join(dir, STATE_BIN));
  const bin = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return { state, bin };
}
