/**
 * The tfjs layers-model format, without tfjs-node: model.json (format "layers-model", modelTopology,
 * weightsManifest) and the weights in binary shards of at most 4 MiB (`group1-shard1of7.bin`, ...), as the
 * tfjs converter writes them. The topology and the weight bytes come from tfjs itself (model.save with
 * tf.io.withSaveHandler), so any stock tfjs reads them: tf.loadLayersModel with tf.io.fromMemory (see
 * loadTfjsModel and the README), or with tfjs-node, tf.loadLayersModel('file://DIR/model.json').
 *
 * The files are a pure function of the model: no dates, no paths, keys in a fixed order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFolderAtomic, type FileData } from '../common/output.js';

/** The tfjs converter's default shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface TfjsFilesOptions {
  /** Stored as model.json's userDefinedMetadata (model.getUserDefinedMetadata() after loading). */
  metadata?: Record<string, unknown>;
  /** Shard size in bytes (4 MiB). */
  shardBytes?: number;
}

/** The model's artifacts as tfjs saves them. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('tfjs did not hand over the model artifacts');
  return artifacts;
}

function concatWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** model.json and its weight shards, by file name (model.json first). */
export async function tfjsFiles(model: tf.LayersModel, options: TfjsFilesOptions = {}): Promise<Map<string, FileData>> {
  return filesOfArtifacts(await modelArtifacts(model), options);
}

/** model.json and its weight shards for artifacts as model.save hands them over. */
export function filesOfArtifacts(a: tf.io.ModelArtifacts, options: TfjsFilesOptions = {}): Map<string, FileData> {
  const bytes = concatWeightData(a.weightData);
  const shardBytes = options.shardBytes ?? SHARD_BYTES;
  const count = Math.max(1, Math.ceil(bytes.byteLength / shardBytes));
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++)
    shards.set(
      `group1-shard${i + 1}of${count}.bin`,
      bytes.subarray(i * shardBytes, Math.min((i + 1) * shardBytes, bytes.byteLength)),
    );
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: a.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology as object,
    weightsManifest: [{ paths: [...shards.keys()], weights: a.weightSpecs ?? [] }],
    ...(options.metadata ? { userDefinedMetadata: options.metadata } : {}),
  };
  return new Map<string, FileData>([['model.json', `${JSON.stringify(json)}\n`], ...shards]);
}

/** The names a tfjs model folder holds: model.json, model.ts, weight shards. */
export function isTfjsOutputFile(name: string): boolean {
  return name === 'model.json' || name === 'model.ts' || /^group\d+-shard\d+of\d+(\.bin)?$/.test(name);
}

/** Writes model.json and its shards as the folder `dir`, atomically (backends/common/output.ts). */
export async function writeTfjsModel(
  model: tf.LayersModel,
  dir: string,
  options: TfjsFilesOptions = {},
): Promise<string[]> {
  return writeFolderAtomic(dir, await tfjsFiles(model, options), isTfjsOutputFile);
}

/** model.json and its shards read back as artifacts tf.io.fromMemory takes. */
export function readTfjsArtifacts(dir: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const buffers = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const data = concatWeightData(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
  );
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer as ArrayBuffer,
    ...(json.userDefinedMetadata
      ? { userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] }
      : {}),
  };
}

/** Loads a folder written by writeTfjsModel (or `incc compile --target tfjs`) with stock tfjs, no tfjs-node. */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(readTfjsArtifacts(dir)));
}
