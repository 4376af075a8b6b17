/**
 * Checkpoints of `incc train` in --out DIR:
 * - model.json + group1-shard*.bin: the network as compiled (its final softmax included), in the tfjs layers
 *   format; stock tfjs loads it (tf.loadLayersModel with tf.io.fromMemory, or file:// with tfjs-node).
 *   With `ema`, these are the averaged weights (what evaluation uses).
 * - train-state.json + train-state.bin: what --resume needs besides: the epoch and step reached, the
 *   recipe, the optimizer's state (its slots, in the order of the model's trainable weights), and with
 *   `ema` the live (not averaged) weights and the averages.
 * - metrics.jsonl: one JSON record an epoch.
 * They are written together (writeCheckpoint): every file under a temporary name, then all renamed, with
 * train-state.json last. readSavedCheckpoint checks every file before --resume uses any: a damaged one is a
 * CheckpointDamage naming the file and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceFilesInFolder, type FileData } from '../../common/output.js';
import { isTfjsOutputFile, tfjsFiles } from '../artifacts.js';
import { CheckpointError, readCheckpoint } from '../checkpoint.js';
import { STEPS_FILE } from './metrics.js';

export const MODEL_FILE = 'model.json';
export const STATE_FILE = 'train-state.json';
export const STATE_BIN = 'train-state.bin';
export const METRICS_FILE = 'metrics.jsonl';

/** A checkpoint or metrics file that cannot be used as it is (exit 1); nothing on disk is changed. */
export class CheckpointDamage extends Error {}

/** The names a training folder holds: the model files, the training state, the metrics, `incc report`'s page. */
export function isCheckpointFile(name: string): boolean {
  return isTfjsOutputFile(name) || [STATE_FILE, STATE_BIN, METRICS_FILE, STEPS_FILE, 'report.html'].includes(name);
}

/** The float32 weights of dir's model.json and its shards, by name (a damaged file: CheckpointDamage). */
export function readModelWeights(dir: string): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  try {
    for (const w of readCheckpoint(join(dir, MODEL_FILE))) out.set(w.name, { shape: w.shape, values: w.values });
  } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointDamage(e.message);
    throw e;
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
export async function packTensors(
  tensors: { name: string; tensor: tf.Tensor }[],
): Promise<{ entries: TensorEntry[]; data: Float32Array }> {
  const entries: TensorEntry[] = [];
  let total = 0;
  for (const t of tensors) {
    entries.push({ name: t.name, shape: t.tensor.shape, offset: total });
    total += t.tensor.size;
  }
  const data = new Float32Array(total);
  for (let i = 0; i < tensors.length; i++)
    data.set((await tensors[i]!.tensor.data()) as Float32Array, entries[i]!.offset);
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

/** Whether every value is finite; the first non-finite one's index otherwise. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Writes a checkpoint into `dir`: the model (model.json + shards, as compiled, loadable by stock tfjs), the
 * state and the metrics, all at once (backends/common/output.ts: every file under a temporary name, then
 * renamed, train-state.json last); other files of `dir` are left alone.
 */
export async function writeCheckpoint(
  dir: string,
  model: tf.LayersModel,
  metadata: Record<string, unknown>,
  state: TrainState,
  bin: Float32Array,
  metrics: string,
): Promise<void> {
  const files = new Map<string, FileData>(await tfjsFiles(model, { metadata }));
  // model.json after its shards: it names them.
  const modelJson = files.get(MODEL_FILE)!;
  files.delete(MODEL_FILE);
  files.set(MODEL_FILE, modelJson);
  files.set(METRICS_FILE, metrics);
  files.set(STATE_BIN, new Uint8Array(bin.buffer, bin.byteOffset, bin.byteLength));
  files.set(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  replaceFilesInFolder(dir, files);
}

const isCount = (x: unknown, min = 0): x is number => Number.isSafeInteger(x) && (x as number) >= min;

function checkEntries(x: unknown, what: string, file: string): TensorEntry[] {
  if (!Array.isArray(x)) throw new CheckpointDamage(`${file}: ${what} is not a list of tensors`);
  for (const e of x as unknown[]) {
    const t = e as Partial<TensorEntry> | null;
    const ok =
      t !== null &&
      typeof t === 'object' &&
      typeof t.name === 'string' &&
      Array.isArray(t.shape) &&
      t.shape.every((d) => isCount(d)) &&
      isCount(t.offset);
    if (!ok) throw new CheckpointDamage(`${file}: ${what} has a malformed entry ${JSON.stringify(e)?.slice(0, 80)}`);
  }
  return x as TensorEntry[];
}

/** train-state.json, checked field by field (a hand edit or a truncation names the field). */
function checkState(text: string, file: string): TrainState {
  if (text.trim() === '') throw new CheckpointDamage(`${file} is empty`);
  let x: Partial<TrainState>;
  try {
    x = JSON.parse(text) as Partial<TrainState>;
  } catch (e) {
    throw new CheckpointDamage(`${file} is not valid JSON (truncated?): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (x === null || typeof x !== 'object' || x.format !== 'incc-train-state' || x.version !== 1)
    throw new CheckpointDamage(`${file} is not an incc training state (version 1)`);
  if (typeof x.network !== 'string') throw new CheckpointDamage(`${file}: network is not a name`);
  for (const [key, min] of [
    ['epoch', 0],
    ['stepInEpoch', 0],
    ['globalStep', 0],
    ['stepsPerEpoch', 1],
  ] as const) {
    if (!isCount(x[key], min))
      throw new CheckpointDamage(
        `${file}: ${key} is ${JSON.stringify(x[key])}; it must be a whole number of at least ${min}`,
      );
  }
  if (x.stepInEpoch! >= x.stepsPerEpoch!)
    throw new CheckpointDamage(`${file}: stepInEpoch ${x.stepInEpoch} is not below stepsPerEpoch ${x.stepsPerEpoch}`);
  if (x.globalStep! < x.epoch! || x.globalStep! < x.stepInEpoch!)
    throw new CheckpointDamage(`${file}: globalStep ${x.globalStep} is fewer than the epochs and steps done`);
  const classNames = x.data?.classNames;
  if (!Array.isArray(classNames) || !classNames.every((c) => typeof c === 'string'))
    throw new CheckpointDamage(`${file}: data.classNames is not a list of names`);
  if (typeof x.optimizer?.name !== 'string') throw new CheckpointDamage(`${file}: optimizer.name is missing`);
  checkEntries(x.optimizer.slots, 'optimizer.slots', file);
  if (x.live !== null) checkEntries(x.live, 'live', file);
  if (x.ema !== null) checkEntries(x.ema, 'ema', file);
  return x as TrainState;
}

function readOrDamage(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointDamage(
      `cannot read ${path}: ${code === 'ENOENT' ? 'it is missing' : e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * metrics.jsonl as complete records, with a note when a half-written last line (or records past the
 * checkpoint) were dropped.
 */
export function readMetrics(dir: string, epochsDone: number): { lines: string[]; note?: string } {
  const path = join(dir, METRICS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [] };
    throw new CheckpointDamage(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parts = text.split('\n');
  const tail = parts.pop()!; // '' when the file ends with a newline
  const notes: string[] = [];
  if (tail !== '') notes.push(`dropped a half-written last line (${Buffer.byteLength(tail)} bytes)`);
  const lines: string[] = [];
  let later = 0;
  parts.forEach((line, i) => {
    let record: { epoch?: unknown };
    try {
      record = JSON.parse(line) as { epoch?: unknown };
    } catch {
      throw new CheckpointDamage(
        `${path}:${i + 1}: not a JSON record; fix or remove that line (the file is left as it is)`,
      );
    }
    if (typeof record?.epoch !== 'number')
      throw new CheckpointDamage(
        `${path}:${i + 1}: a record without an epoch; fix or remove that line (the file is left as it is)`,
      );
    if (record.epoch > epochsDone) later++;
    else lines.push(`${line}\n`);
  });
  if (later > 0)
    notes.push(`dropped ${later} record${later === 1 ? '' : 's'} of epochs after the checkpoint's ${epochsDone}`);
  return {
    lines,
    note: notes.length > 0 ? `${path}: ${notes.join('; ')} (rewritten with the next checkpoint)` : undefined,
  };
}

/** What --resume reads, every file checked before anything is used: the state, its tensors, the model's weights. */
export interface SavedCheckpoint {
  state: TrainState;
  bin: Float32Array;
  weights: Map<string, { shape: number[]; values: Float32Array }>;
}

export function readSavedCheckpoint(dir: string): SavedCheckpoint {
  const statePath = join(dir, STATE_FILE);
  const state = checkState(readOrDamage(statePath).toString('utf8'), statePath);
  const binPath = join(dir, STATE_BIN);
  const raw = readOrDamage(binPath);
  if (raw.byteLength % 4 !== 0)
    throw new CheckpointDamage(
      `${binPath} holds ${raw.byteLength} bytes, not a whole number of float32 values (truncated?)`,
    );
  const bin = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const entries = [...state.optimizer.slots, ...(state.live ?? []), ...(state.ema ?? [])];
  const needed = entries.reduce((n, e) => Math.max(n, e.offset + e.shape.reduce((a, b) => a * b, 1)), 0);
  if (bin.length < needed)
    throw new CheckpointDamage(
      `${binPath} holds ${raw.byteLength} bytes; ${statePath} needs ${needed * 4} (truncated?)`,
    );
  for (const e of entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (firstNonFinite(bin.subarray(e.offset, e.offset + size)) >= 0)
      throw new CheckpointDamage(
        `${binPath}: ${e.name} holds NaN or infinite values (the run that saved it diverged, or the file is damaged)`,
      );
  }
  const weights = readModelWeights(dir);
  for (const [name, w] of weights) {
    if (firstNonFinite(w.values) >= 0)
      throw new CheckpointDamage(`${join(dir, MODEL_FILE)}: weight ${name} holds NaN or infinite values`);
  }
  return { state, bin, weights };
}
