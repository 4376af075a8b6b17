/**
 * `incc weights import` on a small network, with PyTorch state dicts made here byte by byte (the safetensors
 * layout, backends/common/safetensors.ts): where each tensor lands (read back from the output's model.py keys
 * and compared with the algebra done here: OIHW kept, a batch norm gamma folded into the conv before it), and
 * the errors: a layer of another shape, a missing layer, a truncated file, each exit 1 with the code, the incc
 * layer's line and nothing written. The Inception-v3 references from torchvision are in
 * test/heavy/weights-import.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type TensorToWrite } from '../backends/common/safetensors.js';
import { incc } from './helpers/cli.js';

const NETWORK = `network Tiny {
  input 8x8x3
  stem: conv 3x3 4 bias=false bn=true bn_scale=false act=relu
  head: conv 1x1 6 bias=true bn=false act=relu
  gap
  predictions: dense 5 act=softmax
}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-wimport-'));
  writeFileSync(join(dir, 'tiny.incp'), NETWORK);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = (s / 2 ** 31) * 2 - 1;
  }
  return out;
}

const t = (name: string, shape: number[], seed: number): TensorToWrite => ({
  name,
  shape,
  values: values(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ),
});

/** A torch state dict of Tiny in creation order, with names of neither mapping (matched by structure). */
function stateDict(): TensorToWrite[] {
  const gamma = t('features.1.weight', [4], 2);
  gamma.values = (gamma.values as Float32Array).map((v) => v + 1.5); // away from 0 and 1
  const variance = t('features.1.running_var', [4], 5);
  variance.values = (variance.values as Float32Array).map((v) => v + 1.5);
  return [
    t('features.0.weight', [4, 3, 3, 3], 1),
    gamma,
    t('features.1.bias', [4], 3),
    t('features.1.running_mean', [4], 4),
    variance,
    { name: 'features.1.num_batches_tracked', shape: [], values: new BigInt64Array([7n]) },
    t('features.2.weight', [6, 4, 1, 1], 6),
    t('features.2.bias', [6], 7),
    t('classifier.weight', [5, 6], 8),
    t('classifier.bias', [5], 9),
  ];
}

function write(name: string, tensors: TensorToWrite[]): string {
  const path = join(dir, name);
  writeFileSync(path, encodeSafetensors(tensors));
  return path;
}

const importTo = (source: string, out: string) =>
  incc(['weights', 'import', source, '--network', join(dir, 'tiny.incp'), '--out', out]);

describe('incc weights import (safetensors state dicts)', () => {
  test('structural match: every tensor where it belongs, the gamma folded into the conv', () => {
    const tensors = stateDict();
    const out = join(dir, 'out.safetensors');
    const r = importTo(write('tiny.safetensors', tensors), out);
    expect(r.stderr).toContain('4 layers of safetensors');
    expect(r.stderr).toContain('by structure');
    expect(r.stderr).toContain('1 batch norm gammas folded');
    expect(r.status).toBe(0);
    const got = new Map(decodeSafetensors(readFileSync(out)).tensors.map((x) => [x.name, x]));
    const src = new Map(tensors.map((x) => [x.name, x.values as Float32Array]));
    const gamma = src.get('features.1.weight')!;
    // conv kernel OIHW, output channel o scaled by gamma[o]: 27 values per channel.
    const kernel = src.get('features.0.weight')!.map((v, i) => Math.fround(v * gamma[Math.floor(i / 27)]!));
    expect([...got.get('stem.conv.weight')!.values!]).toEqual([...kernel]);
    expect([...got.get('stem.bn.running_mean')!.values!]).toEqual([
      ...src.get('features.1.running_mean')!.map((v, i) => Math.fround(v * gamma[i]!)),
    ]);
    expect([...got.get('stem.bn.running_var')!.values!]).toEqual([...src.get('features.1.running_var')!]);
    expect([...got.get('stem.bn.bias')!.values!]).toEqual([...src.get('features.1.bias')!]);
    expect([...got.get('stem.bn.weight')!.values!]).toEqual([1, 1, 1, 1]);
    expect([...got.get('head.conv.weight')!.values!]).toEqual([...src.get('features.2.weight')!]);
    expect([...got.get('head.conv.bias')!.values!]).toEqual([...src.get('features.2.bias')!]);
    expect([...got.get('predictions.weight')!.values!]).toEqual([...src.get('classifier.weight')!]);
    expect(got.get('predictions.weight')!.shape).toEqual([5, 6]);

    // The output, with incc's own model.py names, imports again (by name) to the same bytes.
    const again = join(dir, 'again.safetensors');
    const r2 = importTo(out, again);
    expect(r2.stderr).toContain("by incc's model.py names");
    expect(r2.status).toBe(0);
    const a = decodeSafetensors(readFileSync(again)).tensors;
    const b = decodeSafetensors(readFileSync(out)).tensors;
    expect(a.map((x) => [x.name, [...(x.values ?? [])]])).toEqual(b.map((x) => [x.name, [...(x.values ?? [])]]));
  });

  test('a layer of another shape: weights-layer-mismatch at the incc layer, exit 1, nothing written', () => {
    const tensors = stateDict();
    tensors[0] = t('features.0.weight', [4, 3, 7, 7], 1);
    const out = join(dir, 'mismatch.safetensors');
    const r = importTo(write('seven.safetensors', tensors), out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error weights-layer-mismatch');
    expect(r.stderr).toContain('safetensors layer `features.0` (conv kernel 7x7x3x4, no bias)');
    expect(r.stderr).toContain('layer `stem` (conv kernel 3x3x3x4, no bias)');
    expect(r.stderr).toMatch(/tiny\.incp:3:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  test('a layer missing: weights-layer-missing names the incc layer', () => {
    const out = join(dir, 'missing.safetensors');
    const r = importTo(write('short.safetensors', stateDict().slice(0, 8)), out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error weights-layer-missing');
    expect(r.stderr).toContain('has no weights for layer `predictions` (dense kernel 6x5, with bias)');
    expect(r.stderr).toMatch(/tiny\.incp:6:\d+/);
    expect(existsSync(out)).toBe(false);
  });

  test('a truncated file: weights-source-unreadable with the byte offsets, nothing written', () => {
    const bytes = encodeSafetensors(stateDict());
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    const out = join(dir, 'truncated-out.safetensors');
    const r = importTo(path, out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error weights-source-unreadable');
    expect(r.stderr).toMatch(
      /tensor classifier\.bias \(bytes \d+\.\.\d+\) lies outside the file, which ends at byte \d+/,
    );
    expect(existsSync(out)).toBe(false);
    // Cut inside the header.
    writeFileSync(path, bytes.subarray(0, 40));
    const r2 = importTo(path, out);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/a header of \d+ bytes does not fit in its 40 bytes/);
  });

  test('usage: a missing file exits 2; an unknown kind of file exits 2', () => {
    expect(importTo(join(dir, 'nope.safetensors'), join(dir, 'x.safetensors')).status).toBe(2);
    writeFileSync(join(dir, 'w.bin'), 'x');
    const r = importTo(join(dir, 'w.bin'), join(dir, 'x.safetensors'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('incc imports weights from files ending in .safetensors');
  });
});

describe('average pools: a source that counts the padding, a network that does not (weights-pool-padding)', () => {
  // An ONNX file whose AveragePool counts the padding (incc's own export of count_include_pad=true), imported
  // into the same network with the pools as parameter, and into one with Keras's pools and no parameter.
  const pooled = (counted: string) => `network Pooled(count_include_pad: bool = false) {
  input 8x8x3
  stem: conv 3x3 4 bias=false bn=true act=relu
  p1: avgpool 3x3 count_include_pad=${counted} -> conv 1x1 4 bias=true
  p2: avgpool 3x3 count_include_pad=${counted}
  p3: avgpool 8x8 valid
  flatten
  predictions: dense 5 act=softmax
}
`;

  test('the weights are written, with a warning at the first such avgpool naming the fix; none when they agree', () => {
    writeFileSync(join(dir, 'pooled.incp'), pooled('count_include_pad'));
    writeFileSync(join(dir, 'plain.incp'), pooled('false').replace('(count_include_pad: bool = false)', ''));
    const onnx = join(dir, 'pooled.onnx');
    expect(
      incc(['compile', join(dir, 'pooled.incp'), '--set', 'count_include_pad=true', '--target', 'onnx', '--out', onnx])
        .status,
    ).toBe(0);
    const run = (network: string, extra: string[], out: string) =>
      incc(['weights', 'import', onnx, '--network', join(dir, network), ...extra, '--out', join(dir, out)]);

    const warned = run('pooled.incp', [], 'a.safetensors');
    expect(warned.status).toBe(0);
    expect(existsSync(join(dir, 'a.safetensors'))).toBe(true);
    // p1's pool is the first that pads; p3 (VALID) pads nothing and is not counted.
    expect(warned.stderr).toContain(
      'pooled.incp:4:7: warning weights-pool-padding: ONNX AveragePool p1/avgpool1 (count_include_pad = 1) counts ' +
        'the zero padding in the average of a padded window; `p1/avgpool1` and 1 more avgpools do not: the outputs ' +
        "will differ from the source's near the borders of the image; --set count_include_pad=true makes them agree",
    );
    expect(warned.stderr).toContain('  4 |   p1: avgpool 3x3');

    const plain = run('plain.incp', [], 'b.safetensors');
    expect(plain.status).toBe(0);
    expect(plain.stderr).toContain('count_include_pad=true on those avgpools makes them agree');

    const agreed = run('pooled.incp', ['--set', 'count_include_pad=true'], 'c.safetensors');
    expect(agreed.status).toBe(0);
    expect(agreed.stderr).not.toContain('weights-pool-padding');
  });
});
