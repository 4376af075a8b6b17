/**
 * The pieces of `incc train` below the loop:
 * - the fast Conv2DBackpropFilter kernels (backends/tfjs/train/kernels.ts) against tfjs's stock cpu kernel
 *   on random small cases: strides, SAME / VALID, asymmetric kernels, within 1e-4;
 * - the data: `synthetic` is deterministic from its seed and balanced; image folders decode PNG and JPEG,
 *   resize, split deterministically, and bad data (an unreadable image, an empty class folder, a grayscale
 *   image for a 3-channel network) is an error naming the file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { registerFastKernels, restoreStockKernels } from '../backends/tfjs/train/kernels.js';
import {
  DataError,
  drawSynthetic,
  imageFolderDataset,
  jpegComponents,
  readImages,
  syntheticDataset,
  type Split,
} from '../backends/common/data.js';

tf.enableProdMode();

const work = mkdtempSync(join(tmpdir(), 'incc-train-data-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Deterministic pseudo-random values. */
function values(n: number, seed: number, relu = false): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 2 ** 32 - 0.5;
    out[i] = relu && v < 0 ? 0 : v;
  }
  return out;
}

type Case = [string, number[], number[], [number, number], 'same' | 'valid'];
const cases: Case[] = [
  ['3x3 stride 1 same', [2, 7, 7, 3], [3, 3, 3, 4], [1, 1], 'same'],
  ['3x3 stride 2 valid', [2, 9, 9, 3], [3, 3, 3, 4], [2, 2], 'valid'],
  ['3x3 stride 2 same, odd input', [3, 9, 8, 2], [3, 3, 2, 5], [2, 2], 'same'],
  ['1x7 same', [1, 9, 8, 2], [1, 7, 2, 5], [1, 1], 'same'],
  ['7x1 stride 2x1 same', [3, 10, 11, 4], [7, 1, 4, 3], [2, 1], 'same'],
  ['5x5 stride 2 same', [2, 8, 8, 3], [5, 5, 3, 2], [2, 2], 'same'],
  ['1x1 valid', [2, 6, 6, 3], [1, 1, 3, 6], [1, 1], 'valid'],
  ['3x3 stride 3 valid, rows left over', [2, 8, 8, 3], [3, 3, 3, 2], [3, 3], 'valid'],
];

type Shape4 = [number, number, number, number];

/** The filter gradient of sum(conv2d(x, w) * dy) on the current backend. */
function filterGradient(
  xShape: number[],
  fShape: number[],
  strides: [number, number],
  pad: 'same' | 'valid',
  seed: number,
): Float32Array {
  return tf.tidy(() => {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const x = tf.tensor(values(size(xShape), seed, true), xShape as Shape4) as tf.Tensor4D;
    const w = tf.tensor(values(size(fShape), seed + 1), fShape as Shape4) as tf.Tensor4D;
    const yShape = tf.conv2d(x, w, strides, pad).shape;
    const dy = tf.tensor(values(size(yShape), seed + 2), yShape);
    return tf
      .grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, strides, pad), dy)))(w)
      .dataSync() as Float32Array;
  });
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("fast Conv2DBackpropFilter kernels match tfjs's stock cpu kernel", () => {
  const stock = new Map<string, Float32Array>();
  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerFastKernels('cpu');
    restoreStockKernels('cpu');
    cases.forEach(([name, x, f, s, p], i) => stock.set(name, filterGradient(x, f, s, p, 10 * i + 1)));
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    registerFastKernels('cpu');
  });

  test.each(cases)('cpu, flat arrays: %s', async (name, x, f, s, p) => {
    await tf.setBackend('cpu');
    registerFastKernels('cpu');
    const i = cases.findIndex((c) => c[0] === name);
    expect(maxDiff(filterGradient(x, f, s, p, 10 * i + 1), stock.get(name)!)).toBeLessThan(1e-4);
  });

  test.each(cases)('wasm, composed: %s', async (name, x, f, s, p) => {
    expect(await tf.setBackend('wasm')).toBe(true);
    registerFastKernels('wasm');
    const i = cases.findIndex((c) => c[0] === name);
    expect(maxDiff(filterGradient(x, f, s, p, 10 * i + 1), stock.get(name)!)).toBeLessThan(1e-4);
  });
});

describe('synthetic data', () => {
  test('deterministic from the seed, balanced, split as asked', () => {
    const a = syntheticDataset([16, 16, 3], 4, { count: 40, seed: 5, validationSplit: 0.25 });
    const b = syntheticDataset([16, 16, 3], 4, { count: 40, seed: 5, validationSplit: 0.25 });
    const c = syntheticDataset([16, 16, 3], 4, { count: 40, seed: 6, validationSplit: 0.25 });
    expect(Buffer.from(a.train.images!).equals(Buffer.from(b.train.images!))).toBe(true);
    expect(Buffer.from(a.train.images!).equals(Buffer.from(c.train.images!))).toBe(false);
    expect([a.train.count, a.validation.count]).toEqual([30, 10]);
    const counts = [0, 0, 0, 0];
    for (const l of [...a.train.labels, ...a.validation.labels]) counts[l]!++;
    expect(counts).toEqual([10, 10, 10, 10]);
    expect(a.classNames).toEqual(['horizontal_bar', 'vertical_bar', 'diagonal_bar', 'antidiagonal_bar']);
  });

  test('the classes differ in shape, not in brightness: a bar lights a row, not a column', () => {
    const img = new Uint8Array(32 * 32);
    drawSynthetic(0, [32, 32, 1], 3, img);
    const rowMax = Math.max(
      ...Array.from({ length: 32 }, (_, y) => img.subarray(y * 32, y * 32 + 32).reduce((s, v) => s + v, 0)),
    );
    const colMax = Math.max(
      ...Array.from({ length: 32 }, (_, x) =>
        Array.from({ length: 32 }, (_, y) => img[y * 32 + x]!).reduce((s, v) => s + v, 0),
      ),
    );
    expect(rowMax).toBeGreaterThan(colMax * 1.5);
  });

  test('more classes than shapes is an error saying how many there are', () => {
    expect(() => syntheticDataset([16, 16, 3], 1000, { seed: 1, validationSplit: 0.2 })).toThrow(
      /synthetic: has 2 to 10 classes, but the network's output has 1000 units/,
    );
  });
});

describe('image folders', () => {
  const png = (w: number, h: number, rgb: [number, number, number], gray = false): Buffer => {
    const p = new pngjs.PNG({
      width: w,
      height: h,
      colorType: gray ? 0 : 2,
      inputColorType: 2,
      inputHasAlpha: false,
    } as never);
    const data = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
    p.data = data;
    return pngjs.PNG.sync.write(p, { colorType: gray ? 0 : 2, inputColorType: 2, inputHasAlpha: false } as never);
  };
  const jpg = (w: number, h: number, rgb: [number, number, number]): Buffer => {
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([...rgb, 255], i * 4);
    return jpeg.encode({ data, width: w, height: h }, 95).data;
  };
  const folder = (name: string, files: Record<string, Buffer | string>): string => {
    const dir = join(work, name);
    for (const [path, data] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), data);
    }
    return dir;
  };

  /** The folder's index, and every image of both splits read from disk (as training reads them per batch). */
  const readFolder = async (dir: string, classes: number, validationSplit: number) => {
    const d = imageFolderDataset(dir, [4, 4, 3], classes, { seed: 1, validationSplit });
    const all = (split: Split) =>
      readImages(
        split,
        Array.from({ length: split.count }, (_, i) => i),
        [4, 4, 3],
      );
    return { ...d, pixels: [await all(d.train), await all(d.validation)] };
  };

  test('PNG and JPEG, resized, labels by sorted folder name, a deterministic split', async () => {
    const dir = folder('good', {
      'cats/a.png': png(20, 10, [200, 0, 0]),
      'cats/b.jpg': jpg(8, 8, [200, 0, 0]),
      'dogs/c.png': png(5, 5, [0, 0, 200]),
      'dogs/d.jpeg': jpg(30, 12, [0, 0, 200]),
      'dogs/notes.txt': 'not an image',
    });
    const d = await readFolder(dir, 2, 0.25);
    expect(d.classNames).toEqual(['cats', 'dogs']);
    expect([d.train.count, d.validation.count]).toEqual([3, 1]);
    const all = [...d.train.labels, ...d.validation.labels].sort();
    expect(all).toEqual([0, 0, 1, 1]);
    // Every image is uniform: its resized pixels keep its colour (JPEG within a few levels).
    const images = [d.train, d.validation];
    for (const [k, split] of images.entries()) {
      for (let i = 0; i < split.count; i++) {
        const px = d.pixels[k]!.subarray(i * 48, i * 48 + 3);
        if (split.labels[i] === 0) expect(px[0]).toBeGreaterThan(180);
        else expect(px[2]).toBeGreaterThan(180);
      }
    }
    const again = imageFolderDataset(dir, [4, 4, 3], 2, { seed: 1, validationSplit: 0.25 });
    expect(Array.from(again.validation.labels)).toEqual(Array.from(d.validation.labels));
  });

  test('a grayscale image for a 3-channel network names the file', async () => {
    const dir = folder('gray', { 'a/x.png': png(4, 4, [9, 9, 9]), 'b/gray.png': png(4, 4, [9, 9, 9], true) });
    await expect(readFolder(dir, 2, 0)).rejects.toThrow(
      new DataError(
        join(dir, 'b', 'gray.png'),
        'is a grayscale image, but the network takes 3-channel (RGB) input: convert it to RGB or remove it',
      ),
    );
  });

  test('a grayscale JPEG is recognized from its frame header', () => {
    const gray = jpeg.encode({ data: Buffer.alloc(16 * 4, 128), width: 4, height: 4 }, 90).data;
    expect(jpegComponents(gray)).toBe(3); // jpeg-js always writes YCbCr
    const sof = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x04, 0x00, 0x04, 0x01, 0x01, 0x11, 0x00]);
    expect(jpegComponents(sof)).toBe(1);
  });

  test('an unreadable image names the file', async () => {
    const dir = folder('broken', {
      'a/ok.png': png(4, 4, [1, 2, 3]),
      'b/broken.png': 'this is not a PNG',
      'b/ok.png': png(4, 4, [1, 2, 3]),
    });
    await expect(readFolder(dir, 2, 0)).rejects.toThrow(
      `${join(dir, 'b', 'broken.png')}: cannot decode this PNG image`,
    );
    const dir2 = folder('brokenjpg', {
      'a/ok.png': png(4, 4, [1, 2, 3]),
      'b/bad.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
    });
    await expect(readFolder(dir2, 2, 0)).rejects.toThrow(
      `${join(dir2, 'b', 'bad.jpg')}: cannot decode this JPEG image`,
    );
  });

  test('an empty class folder names the folder', () => {
    const dir = folder('empty', { 'a/x.png': png(4, 4, [1, 2, 3]), 'b/readme.txt': 'no images here' });
    expect(() => imageFolderDataset(dir, [4, 4, 3], 2, { seed: 1, validationSplit: 0 })).toThrow(
      `${join(dir, 'b')}: class folder \`b\` has no images`,
    );
  });

  test('a class count that does not fit the network', () => {
    const dir = folder('three', {
      'a/x.png': png(4, 4, [1, 2, 3]),
      'b/x.png': png(4, 4, [1, 2, 3]),
      'c/x.png': png(4, 4, [1, 2, 3]),
    });
    expect(() => imageFolderDataset(dir, [4, 4, 3], 10, { seed: 1, validationSplit: 0 })).toThrow(
      /has 3 classes \(a, b, c\) but the network's output has 10 units \(e\.g\. --set classes=3\)/,
    );
  });
});
