/**
 * The images an int8 export is calibrated on, as the network takes them (x / 127.5 - 1, the trainer's
 * preprocessing) in the model's layout:
 *
 * - a folder (`--calibrate DIR`): read as `incc train --data DIR` reads it (backends/common/data.ts: PNG and
 *   JPEG, resized bilinearly to the input), either one subfolder of images per class or the images directly in
 *   DIR; `count` of them, drawn with the seed when there are more;
 * - generated (no folder): `count` of the trainer's synthetic shapes (the `synthetic` data of `incc train`), all
 *   ten kinds in turn, drawn from the seed.
 *
 * Both are deterministic: the same folder, count and seed give the same inputs.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  DataError,
  drawSynthetic,
  IMAGE_EXTENSIONS,
  listImageFolder,
  mixSeed,
  networkInput,
  permutation,
  readImages,
  SYNTHETIC_CLASSES,
} from '../../common/data.js';
import type { CalibrationInputs } from './calibrate.js';

export type CalibrationSource = { folder: string } | { generated: true };

export interface CalibrationRequest {
  source: CalibrationSource;
  /** How many images (default 64). */
  count: number;
  seed: number;
  /** The network's input [H, W, C]. */
  shape: [number, number, number];
  layout: 'nchw' | 'nhwc';
}

/** The image files of a calibration folder: directly in it, or else in its class subfolders; sorted. */
export function calibrationFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new DataError(dir, 'cannot read this folder (give --calibrate a folder of PNG or JPEG images)');
  }
  const direct = names
    .filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
    .map((f) => join(dir, f))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true);
  if (direct.length > 0) return direct;
  return listImageFolder(dir).files.map((f) => f.path);
}

/** NHWC float images to the model's layout. */
function toLayout(x: Float32Array, count: number, [H, W, C]: [number, number, number], layout: string): Float32Array {
  if (layout === 'nhwc') return x;
  const out = new Float32Array(x.length);
  const plane = H * W;
  for (let n = 0; n < count; n++) {
    const base = n * plane * C;
    for (let p = 0; p < plane; p++) for (let c = 0; c < C; c++) out[base + c * plane + p] = x[base + p * C + c]!;
  }
  return out;
}

/** The calibration images; DataError names a file or folder that cannot be read or does not fit the network. */
export async function calibrationInputs(request: CalibrationRequest): Promise<CalibrationInputs & { from: string }> {
  const { shape, seed } = request;
  const [H, W, C] = shape;
  const pixels = H * W * C;
  let bytes: Uint8Array;
  let count: number;
  let from: string;
  if ('folder' in request.source) {
    const dir = request.source.folder;
    const files = calibrationFiles(dir);
    count = Math.min(request.count, files.length);
    const order = permutation(files.length, mixSeed(seed, 0xca1b));
    const chosen = Array.from(order.subarray(0, count)).sort((a, b) => a - b);
    const split = { count: files.length, files, labels: new Int32Array(files.length) };
    bytes = await readImages(split, chosen, shape);
    from = `${count} images from ${dir}`;
  } else {
    count = request.count;
    bytes = new Uint8Array(count * pixels);
    for (let i = 0; i < count; i++)
      drawSynthetic(i % SYNTHETIC_CLASSES.length, shape, mixSeed(seed, 0xca1b, i), bytes, i * pixels);
    from = `${count} generated images (synthetic shapes, seed ${seed})`;
  }
  const dims = request.layout === 'nchw' ? [C, H, W] : [H, W, C];
  return { data: toLayout(networkInput(bytes), count, shape, request.layout), count, dims, from };
}
