/**
 * Training data: `synthetic` (generated in code, held in memory) and image folders (one subfolder per
 * class, as Keras's image_dataset_from_directory reads them), streamed from disk: an index of the files is
 * built once (names and labels only), and each batch is read and decoded when it is needed, with a bounded
 * prefetch of the next batches' file reads (BatchQueue), so memory does not grow with the number of images.
 * Both give 8-bit NHWC images at the network's input size and integer labels, split deterministically into
 * training and validation parts. Loads no tfjs (the tensorflow backend passes in tfjs-node's decoder).
 *
 * Augmentation (--augment, training images only): a random crop of 8% to 100% of the image's area with an
 * aspect ratio from 3/4 to 4/3 (the crop GoogLeNet's paper describes, which TF-slim's Inception
 * preprocessing also uses), resized to the input, then a horizontal flip with probability 1/2; drawn from
 * the seed, the epoch and the image, so a run is reproducible. No colour distortion.
 *
 * Pixels reach the network as x / 127.5 - 1 (values in [-1, 1], Keras's inception_v3 preprocess_input):
 * networkInput. Neutral (backends/common/): the trainer (backends/tfjs/train/) reads its data here, and the ONNX
 * backend its int8 calibration images (backends/onnx/quantize/).
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { mulberry32 } from './random.js';

/** 8-bit pixels as the network takes them: x / 127.5 - 1, in [-1, 1] (Keras's inception_v3 preprocess_input). */
export function networkInput(pixels: Uint8Array): Float32Array {
  const x = new Float32Array(pixels.length);
  for (let p = 0; p < pixels.length; p++) x[p] = pixels[p]! / 127.5 - 1;
  return x;
}

/** A problem with the data, naming the file or folder at fault. */
export class DataError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export interface Split {
  count: number;
  labels: Int32Array;
  /** In memory (synthetic): count x H x W x C bytes, NHWC. */
  images?: Uint8Array;
  /** On disk (image folders): one file per image, read when its batch is needed. */
  files?: string[];
}

export interface Dataset {
  /** `synthetic` or the folder. */
  source: string;
  classNames: string[];
  /** [H, W, C] */
  shape: [number, number, number];
  train: Split;
  validation: Split;
}

/** A 32-bit seed mixed from several integers. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** A permutation of 0..n-1 from a seed (Fisher-Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------
// synthetic

/** The synthetic classes, in label order: shapes that only spatial structure tells apart. */
export const SYNTHETIC_CLASSES = [
  'horizontal_bar',
  'vertical_bar',
  'diagonal_bar',
  'antidiagonal_bar',
  'plus',
  'cross',
  'ring',
  'disk',
  'square',
  'filled_square',
] as const;

/** How much of a pixel (at px, py) the shape covers, 0..1, anti-aliased by one pixel. */
type Coverage = (px: number, py: number) => number;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

function segment(x0: number, y0: number, x1: number, y1: number, t: number): Coverage {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  return (px, py) => {
    const u = clamp01(((px - x0) * dx + (py - y0) * dy) / len2);
    const d = Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
    return clamp01(t / 2 - d + 0.5);
  };
}

function shapeOf(kind: number, size: number, r: () => number): Coverage {
  // Size, thickness and position scale with the image; the shape always lies inside it.
  const t = Math.max(1.5, size * (0.06 + 0.05 * r()));
  const half = size * (0.18 + 0.17 * r());
  const margin = half + t;
  const cx = margin + r() * Math.max(0, size - 2 * margin);
  const cy = margin + r() * Math.max(0, size - 2 * margin);
  const d = half / Math.SQRT2;
  switch (kind) {
    case 0:
      return segment(cx - half, cy, cx + half, cy, t);
    case 1:
      return segment(cx, cy - half, cx, cy + half, t);
    case 2:
      return segment(cx - d, cy + d, cx + d, cy - d, t);
    case 3:
      return segment(cx - d, cy - d, cx + d, cy + d, t);
    case 4: {
      const a = segment(cx - half, cy, cx + half, cy, t);
      const b = segment(cx, cy - half, cx, cy + half, t);
      return (x, y) => Math.max(a(x, y), b(x, y));
    }
    case 5: {
      const a = segment(cx - d, cy + d, cx + d, cy - d, t);
      const b = segment(cx - d, cy - d, cx + d, cy + d, t);
      return (x, y) => Math.max(a(x, y), b(x, y));
    }
    case 6:
      return (x, y) => clamp01(t / 2 - Math.abs(Math.hypot(x - cx, y - cy) - half * 0.8) + 0.5);
    case 7:
      return (x, y) => clamp01(half * 0.8 - Math.hypot(x - cx, y - cy) + 0.5);
    case 8:
      return (x, y) => clamp01(t / 2 - Math.abs(Math.max(Math.abs(x - cx), Math.abs(y - cy)) - half * 0.75) + 0.5);
    default:
      return (x, y) => clamp01(half * 0.75 - Math.max(Math.abs(x - cx), Math.abs(y - cy)) + 0.5);
  }
}

/** Box-Muller normal from a uniform generator. */
function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/**
 * One synthetic image of class `kind` into `out` (H x W x C bytes at `offset`): a random dark background,
 * the shape in a random bright colour at a random place and size, Gaussian noise. Deterministic from `seed`.
 */
export function drawSynthetic(
  kind: number,
  [H, W, C]: [number, number, number],
  seed: number,
  out: Uint8Array,
  offset = 0,
): void {
  const r = mulberry32(seed);
  const size = Math.min(H, W);
  const cover = shapeOf(kind, size, r);
  const bg = Array.from({ length: C }, () => 0.05 + 0.3 * r());
  const fg = Array.from({ length: C }, () => 0.6 + 0.4 * r());
  const noise = 0.04 + 0.06 * r();
  // Shapes are drawn in a size x size square, centred in a non-square image.
  const ox = (W - size) / 2;
  const oy = (H - size) / 2;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = cover(x + 0.5 - ox, y + 0.5 - oy);
      for (let c = 0; c < C; c++) {
        const v = bg[c]! * (1 - a) + fg[c]! * a + noise * gaussian(r);
        out[offset + (y * W + x) * C + c] = Math.round(clamp01(v) * 255);
      }
    }
  }
}

export const DEFAULT_SYNTHETIC_COUNT = 1024;

/**
 * `count` synthetic images of `classes` classes (balanced: image i has label i mod classes, then shuffled
 * into the split), validation the last `validationSplit` of them.
 */
export function syntheticDataset(
  shape: [number, number, number],
  classes: number,
  options: { count?: number; seed: number; validationSplit: number },
): Dataset {
  if (classes < 2 || classes > SYNTHETIC_CLASSES.length) {
    throw new DataError(
      'synthetic',
      `has 2 to ${SYNTHETIC_CLASSES.length} classes, but the network's output has ${classes} units (set the ` +
        `network's class count, e.g. --set classes=${Math.min(Math.max(classes, 2), SYNTHETIC_CLASSES.length)})`,
    );
  }
  const count = options.count ?? DEFAULT_SYNTHETIC_COUNT;
  const [H, W, C] = shape;
  const pixels = H * W * C;
  const images = new Uint8Array(count * pixels);
  const labels = new Int32Array(count);
  const order = permutation(count, mixSeed(options.seed, 0x5e7));
  for (let i = 0; i < count; i++) {
    const label = order[i]! % classes;
    labels[i] = label;
    drawSynthetic(label, shape, mixSeed(options.seed, 0xda7a, i), images, i * pixels);
  }
  return {
    source: 'synthetic',
    classNames: SYNTHETIC_CLASSES.slice(0, classes) as unknown as string[],
    shape,
    ...splitOf(images, labels, pixels, options.validationSplit),
  };
}

function splitOf(
  images: Uint8Array,
  labels: Int32Array,
  pixels: number,
  validationSplit: number,
): { train: Split; validation: Split } {
  const n = labels.length;
  const nVal = validationSplit > 0 ? Math.max(1, Math.round(n * validationSplit)) : 0;
  const nTrain = n - nVal;
  return {
    train: { count: nTrain, images: images.subarray(0, nTrain * pixels), labels: labels.subarray(0, nTrain) },
    validation: { count: nVal, images: images.subarray(nTrain * pixels), labels: labels.subarray(nTrain) },
  };
}

// ---------------------------------------------------------------------------------------------------
// image folders

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

export interface Decoded {
  width: number;
  height: number;
  /** Interleaved pixels, `stride` bytes each (RGBA from the JavaScript decoders), R first. */
  data: Uint8Array;
  /** Bytes per pixel in `data`: 4 by default. */
  stride?: number;
  /** The channels the file stores (1 gray, 3 colour; alpha not counted). */
  channels: 1 | 3;
}

/** Decodes an image file's bytes; throws (any error) when it cannot. decodeImage is the JavaScript one. */
export type ImageDecoder = (path: string, buf: Uint8Array) => Decoded;

/** A crop of the source image (pixels) and whether to flip it horizontally. */
export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
  flip: boolean;
}

/** A random crop (8-100% of the area, aspect 3/4 to 4/3) and flip, from a uniform generator (see the header). */
export function randomCrop(width: number, height: number, r: () => number): Crop {
  const flip = r() < 0.5;
  const area = width * height;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (0.08 + 0.92 * r());
    const aspect = Math.exp(Math.log(3 / 4) + r() * (Math.log(4 / 3) - Math.log(3 / 4)));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w >= 1 && h >= 1 && w <= width && h <= height) {
      return { x: Math.floor(r() * (width - w + 1)), y: Math.floor(r() * (height - h + 1)), width: w, height: h, flip };
    }
  }
  return { x: 0, y: 0, width, height, flip };
}

/** The number of components in a JPEG's start-of-frame segment (1 gray, 3 colour, 4 CMYK), or undefined. */
export function jpegComponents(buf: Uint8Array): number | undefined {
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return undefined;
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = (buf[i + 2]! << 8) | buf[i + 3]!;
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return buf[i + 9];
    i += 2 + len;
  }
  return undefined;
}

export function decodeImage(path: string, buf: Uint8Array): Decoded {
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.png') {
      const png = pngjs.PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      const gray = png.colorType === 0 || png.colorType === 4;
      return {
        width: png.width,
        height: png.height,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
        channels: gray ? 1 : 3,
      };
    }
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    const components = jpegComponents(buf);
    return { width: img.width, height: img.height, data: img.data, channels: components === 1 ? 1 : 3 };
  } catch (e) {
    throw new DataError(
      path,
      `cannot decode this ${ext === '.png' ? 'PNG' : 'JPEG'} image (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/**
 * Bilinear resize of an image (or of a crop of it, optionally flipped) to H x W x C (TF's resize_bilinear
 * with half-pixel centres), into `out`. C = 3 keeps R, G, B; C = 1 keeps the first channel (the image is gray).
 */
export function resizeBilinear(
  img: { width: number; height: number; data: Uint8Array; stride?: number },
  [H, W, C]: [number, number, number],
  out: Uint8Array,
  offset = 0,
  crop: Crop = { x: 0, y: 0, width: img.width, height: img.height, flip: false },
): void {
  const { width: iw, height: ih, data } = img;
  const stride = img.stride ?? 4;
  const sy = crop.height / H;
  const sx = crop.width / W;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max(crop.y + (y + 0.5) * sy - 0.5, 0), ih - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, ih - 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const xs = crop.flip ? W - 1 - x : x;
      const fx = Math.min(Math.max(crop.x + (xs + 0.5) * sx - 0.5, 0), iw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, iw - 1);
      const wx = fx - x0;
      for (let c = 0; c < C; c++) {
        const p = (yy: number, xx: number): number => data[(yy * iw + xx) * stride + c]!;
        const v = (p(y0, x0) * (1 - wx) + p(y0, x1) * wx) * (1 - wy) + (p(y1, x0) * (1 - wx) + p(y1, x1) * wx) * wy;
        out[offset + (y * W + x) * C + c] = Math.round(v);
      }
    }
  }
}

/** Why a file or folder cannot be read, in words. */
function whyUnreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'it is a symbolic link that loops back on itself (ELOOP)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  if (code === 'ENOENT') return 'it is a symbolic link to something that does not exist (ENOENT)';
  return e instanceof Error ? e.message : String(e);
}

/** stat, or a DataError naming the entry and why it cannot be read. */
function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new DataError(path, `cannot read this entry of the data folder: ${whyUnreadable(e)}`);
  }
}

/** The classes of a folder (its subfolders, sorted) and their image files (sorted). */
export function listImageFolder(dir: string): { classNames: string[]; files: { path: string; label: number }[] } {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new DataError(
      dir,
      'cannot read this folder (give --data a folder with one subfolder of images per class, or `synthetic`)',
    );
  }
  const classNames = entries.filter((e) => !e.startsWith('.') && statOf(join(dir, e)).isDirectory()).sort();
  if (classNames.length === 0)
    throw new DataError(dir, 'has no subfolders: the data folder needs one subfolder of PNG or JPEG images per class');
  const files: { path: string; label: number }[] = [];
  classNames.forEach((name, label) => {
    const sub = join(dir, name);
    let names: string[];
    try {
      names = readdirSync(sub);
    } catch (e) {
      throw new DataError(sub, `cannot read this class folder: ${whyUnreadable(e)}`);
    }
    const images = names
      .filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
      .sort();
    if (images.length === 0)
      throw new DataError(sub, `class folder \`${name}\` has no images (${IMAGE_EXTENSIONS.join(', ')})`);
    for (const f of images) files.push({ path: join(sub, f), label });
  });
  return { classNames, files };
}

/**
 * The index of a folder dataset: its files (names and labels, nothing decoded), shuffled with the seed, the
 * last `validationSplit` for validation. Images are read per batch (readImages, BatchQueue).
 */
export function imageFolderDataset(
  dir: string,
  shape: [number, number, number],
  classes: number,
  options: { seed: number; validationSplit: number },
): Dataset {
  const { classNames, files } = listImageFolder(dir);
  if (classNames.length !== classes) {
    throw new DataError(
      dir,
      `has ${classNames.length} classes ` +
        `(${classNames.slice(0, 8).join(', ')}${classNames.length > 8 ? ', ...' : ''}) but the network's ` +
        `output has ${classes} units (e.g. --set classes=${classNames.length})`,
    );
  }
  const C = shape[2];
  if (C !== 1 && C !== 3) throw new DataError(dir, `images have 1 or 3 channels, the network's input has ${C}`);
  const order = permutation(files.length, mixSeed(options.seed, 0xf01d));
  const paths = Array.from(order, (i) => files[i]!.path);
  const labels = Int32Array.from(order, (i) => files[i]!.label);
  const n = files.length;
  const nVal = options.validationSplit > 0 ? Math.max(1, Math.round(n * options.validationSplit)) : 0;
  const nTrain = n - nVal;
  return {
    source: dir,
    classNames,
    shape,
    train: { count: nTrain, files: paths.slice(0, nTrain), labels: labels.subarray(0, nTrain) },
    validation: { count: nVal, files: paths.slice(nTrain), labels: labels.subarray(nTrain) },
  };
}

export interface ReadOptions {
  /** Random crop and flip (training only), drawn from mixSeed(seed, epoch, image). */
  augment?: { seed: number; epoch: number };
  /** The decoder: tfjs-node's native one on the tensorflow backend, else the JavaScript one. */
  decode?: ImageDecoder;
}

/** One file's decoded image at the network's input size into `out` at `offset`; errors name the file. */
function placeImage(
  path: string,
  buf: Uint8Array,
  shape: [number, number, number],
  out: Uint8Array,
  offset: number,
  index: number,
  options: ReadOptions,
): void {
  let img: Decoded;
  try {
    img = (options.decode ?? decodeImage)(path, buf);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const kind = extname(path).toLowerCase() === '.png' ? 'PNG' : 'JPEG';
    throw new DataError(
      path,
      `cannot decode this ${kind} image (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    );
  }
  if (img.width < 1 || img.height < 1) throw new DataError(path, 'the image is empty');
  const C = shape[2];
  if (img.channels !== C) {
    throw new DataError(
      path,
      img.channels === 1
        ? `is a grayscale image, but the network takes ${C}-channel (RGB) input: convert it to RGB or remove it`
        : `is a colour image, but the network takes 1-channel (grayscale) input: convert it to grayscale or remove it`,
    );
  }
  const crop = options.augment
    ? randomCrop(img.width, img.height, mulberry32(mixSeed(options.augment.seed, 0xa96, options.augment.epoch, index)))
    : undefined;
  resizeBilinear(img, shape, out, offset, crop);
}

/**
 * The images `indices` of a split, 8-bit NHWC (indices.length x H x W x C bytes): copied from memory, or
 * read from disk (the files in parallel) and decoded. Errors name the file.
 */
export async function readImages(
  split: Split,
  indices: ArrayLike<number>,
  shape: [number, number, number],
  options: ReadOptions = {},
): Promise<Uint8Array> {
  const pixels = shape[0] * shape[1] * shape[2];
  const out = new Uint8Array(indices.length * pixels);
  if (split.images) {
    for (let i = 0; i < indices.length; i++)
      out.set(split.images.subarray(indices[i]! * pixels, (indices[i]! + 1) * pixels), i * pixels);
    return out;
  }
  const files = split.files!;
  const bufs = await Promise.all(
    Array.from(indices, (k) =>
      readFile(files[k]!).catch(() => {
        throw new DataError(files[k]!, 'cannot read this file');
      }),
    ),
  );
  bufs.forEach((buf, i) => placeImage(files[indices[i]!]!, buf, shape, out, i * pixels, indices[i]!, options));
  return out;
}

/**
 * Batches of a split in a given order, read ahead: at most `depth` batches are being read (their files in
 * flight, then decoded) beyond the one being trained on, so memory is bounded by depth x the batch.
 */
export class BatchQueue {
  private readonly pending: Promise<Uint8Array>[] = [];
  private nextStep: number;

  constructor(
    private readonly split: Split,
    private readonly order: ArrayLike<number>,
    private readonly batchSize: number,
    private readonly shape: [number, number, number],
    private readonly steps: number,
    firstStep: number,
    private readonly options: ReadOptions = {},
    private readonly depth = 2,
  ) {
    this.nextStep = firstStep;
    this.fill();
  }

  /** The indices (in the split) of a step's batch. */
  indicesOf(step: number): Int32Array {
    const start = step * this.batchSize;
    return Int32Array.from(
      { length: Math.max(0, Math.min(this.batchSize, this.split.count - start)) },
      (_, i) => this.order[start + i]!,
    );
  }

  private fill(): void {
    while (this.pending.length < this.depth && this.nextStep < this.steps) {
      const p = readImages(this.split, this.indicesOf(this.nextStep++), this.shape, this.options);
      p.catch(() => undefined); // reported when taken
      this.pending.push(p);
    }
  }

  /** The next batch's pixels (in step order). */
  async next(): Promise<Uint8Array> {
    const p = this.pending.shift();
    if (!p) throw new Error('BatchQueue: no more batches');
    this.fill();
    return p;
  }
}
