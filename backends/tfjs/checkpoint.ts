/**
 * Reading a tfjs layers-model checkpoint (model.json + .bin shards, as `model.save` or incc's tfjs backend
 * writes it) without tfjs: the `weightsManifest` lists groups of weights, each group's values concatenated
 * over its shard files in order, each weight `{name, shape, dtype}` (float32, or quantized to uint8/uint16
 * with `{scale, min}`, or float16). Only the weights are read; the topology is not needed (the network
 * comes from the .incp source), so a checkpoint is matched to the graph by weight names and shapes
 * (backends/common/weights-match.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { float16LE, float32LE } from '../common/little-endian.js';
import { matchWeights } from '../common/weights-match.js';
import { NAME_STYLES, type NameStyle } from './names.js';
import { planLayers, variableLayerNames } from './plan.js';

export interface CheckpointWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

export class CheckpointError extends Error {}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

function isManifest(x: unknown): x is ManifestGroup[] {
  return (
    Array.isArray(x) &&
    x.every(
      (g) =>
        g !== null &&
        typeof g === 'object' &&
        Array.isArray((g as ManifestGroup).paths) &&
        (g as ManifestGroup).paths.every((p) => typeof p === 'string') &&
        Array.isArray((g as ManifestGroup).weights) &&
        (g as ManifestGroup).weights.every(
          (w) =>
            w !== null &&
            typeof w === 'object' &&
            typeof w.name === 'string' &&
            typeof w.dtype === 'string' &&
            Array.isArray(w.shape) &&
            w.shape.every((d) => Number.isSafeInteger(d) && d >= 0),
        ),
    )
  );
}

/** IEEE half to float. */
function bytesPer(dtype: string): number | undefined {
  return dtype === 'float32' || dtype === 'int32'
    ? 4
    : dtype === 'uint16' || dtype === 'float16'
      ? 2
      : dtype === 'uint8'
        ? 1
        : undefined;
}

/** Decodes `count` values of one weight at `offset` in `data`. */
function decode(entry: ManifestEntry, data: Buffer, offset: number, count: number, where: string): Float32Array {
  const q = entry.quantization;
  const stored = q ? q.dtype : entry.dtype;
  if (entry.dtype !== 'float32')
    throw new CheckpointError(`${where}: weight ${entry.name} is ${entry.dtype}; incc reads float32 weights`);
  if (stored === 'float32') return float32LE(data.subarray(offset), count);
  if (stored === 'float16') return float16LE(data.subarray(offset), count);
  const out = new Float32Array(count);
  if (count === 0) return out;
  const view = new DataView(data.buffer, data.byteOffset + offset);
  if (stored === 'uint8' || stored === 'uint16') {
    const scale = q?.scale ?? 1;
    const min = q?.min ?? 0;
    for (let i = 0; i < count; i++)
      out[i] = (stored === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
  } else {
    throw new CheckpointError(`${where}: weight ${entry.name} is quantized as ${stored}, which incc cannot read`);
  }
  return out;
}

/** The weights of a tfjs layers-model checkpoint, in manifest order. */
export function readCheckpoint(modelJsonPath: string): CheckpointWeight[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`cannot read ${modelJsonPath}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!isManifest(manifest))
    throw new CheckpointError(`${modelJsonPath} has no valid weightsManifest (is it a tfjs layers-model model.json?)`);
  const dir = dirname(modelJsonPath);
  const out: CheckpointWeight[] = [];
  for (const group of manifest) {
    const shards: Buffer[] = [];
    for (const p of group.paths) {
      const path = resolve(dir, p);
      try {
        shards.push(readFileSync(path));
      } catch {
        throw new CheckpointError(`cannot read the weights file ${path} (listed in ${modelJsonPath})`);
      }
    }
    const data = shards.length === 1 ? shards[0]! : Buffer.concat(shards);
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const size = bytesPer(entry.quantization ? entry.quantization.dtype : entry.dtype);
      if (size === undefined)
        throw new CheckpointError(
          `${modelJsonPath}: weight ${entry.name} has dtype ${entry.dtype}, which incc cannot read`,
        );
      if (offset + count * size > data.length) {
        throw new CheckpointError(
          `${modelJsonPath}: the weights files (${group.paths.join(', ')}) end at byte ${data.length}, ` +
            `before weight ${entry.name} (bytes ${offset}..${offset + count * size})`,
        );
      }
      out.push({ name: entry.name, shape: entry.shape, values: decode(entry, data, offset, count, modelJsonPath) });
      offset += count * size;
    }
  }
  return out;
}

/**
 * The name each variable has in a tfjs checkpoint written by incc's tfjs backend with layer names of `style`
 * (plan.ts's variableLayerNames: `<layer>/<role>`). For the names incc makes in the tfjs style these are the
 * names of backends/common/weights.ts; they differ only for string labels that tfjs does not accept as they
 * are, and in the keras style for every name with a `/`. Returns checkpoint name -> weights.ts name.
 */
export function tfjsCheckpointNames(graph: IRGraph, style: NameStyle = 'tfjs'): Map<string, string> {
  const names = variableLayerNames(graph, planLayers(graph, { names: style }));
  return new Map([...names].map(([spec, name]) => [name, spec.name]));
}

/**
 * Matches the weights of a tfjs checkpoint (readCheckpoint) to the graph's variables, by their tfjs names:
 * of the first style (tfjs, keras) that names every weight, else of the tfjs style (and the mismatch error
 * names what does not fit).
 */
export function matchCheckpoint(
  graph: IRGraph,
  weights: Iterable<{ name: string; shape: number[]; values: Float32Array }>,
  source: string,
): Map<string, Float32Array> {
  const list = [...weights];
  const byStyle = NAME_STYLES.map((style) => tfjsCheckpointNames(graph, style));
  const names = byStyle.find((n) => list.every((w) => n.has(w.name))) ?? byStyle[0]!;
  const renamed = list.map((w) => ({ ...w, name: names.get(w.name) ?? w.name }));
  return matchWeights(graph, renamed, source);
}

/**
 * The weights of the tfjs checkpoint `path` (model.json) by variable name (backends/common/weights.ts), checked
 * against `graph`: what `incc compile --weights` hands to any target. Throws CheckpointError (unreadable) or
 * WeightsMismatchError (another network's weights).
 */
export function readTfjsWeights(path: string, graph: IRGraph): Map<string, Float32Array> {
  return matchCheckpoint(graph, readCheckpoint(path), path);
}
