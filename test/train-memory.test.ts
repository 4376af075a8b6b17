/**
 * The training-memory estimate (backends/common/memory.ts) and what `incc train` does with it:
 * - the weights, gradients and optimizer parts are Keras's published parameter counts x 4 bytes
 *   (Inception-v3, 1000 classes: 23,851,784 params, 23,817,352 trainable; ../shared/paper/FACTS.md);
 * - the kept activations of a hand-countable network, counted by hand from its layers' shapes;
 * - `incc summary` prints the estimate per batch size;
 * - Inception-v3 at batch 16 on wasm (more than its 4 GiB heap; batch 8, which used to die with `Aborted()`,
 *   fits since the fused training forward, backends/tfjs/train/fused.ts) stops at once with a diagnostic
 *   naming the network, the batch size, the estimate and the advice (exit 1, no stack trace).
 */
import { keptBytesPerImage, trainingMemory } from '../backends/common/memory.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram } from '../compiler/program/node-host.js';
import { incc } from './helpers/cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const work = mkdtempSync(join(tmpdir(), 'incc-memory-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function graphOf(path: string) {
  const r = buildNetwork(loadProgram(path), {});
  if (!r.graph) throw new Error(JSON.stringify(r.diagnostics));
  return r.graph;
}

test('weights, gradients and RMSProp state of Inception-v3 are its published parameter counts x 4 bytes', () => {
  const m = trainingMemory(graphOf('stdlib/inception_v3.incp'), 8, 'tensorflow');
  expect(m.weights).toBe(23851784 * 4);
  expect(m.gradients).toBe(23817352 * 4);
  expect(m.optimizer).toBe(23817352 * 2 * 4);
  expect(
    trainingMemory(graphOf('stdlib/inception_v3.incp'), 8, 'tensorflow', { optimizerSlots: 0, ema: true }).optimizer,
  ).toBe(23817352 * 4);
  // Activations grow with the batch, the rest does not.
  const m16 = trainingMemory(graphOf('stdlib/inception_v3.incp'), 16, 'tensorflow');
  expect(m16.activations).toBeCloseTo(2 * m.activations, -1);
  expect(m16.total - m16.activations).toBe(m.total - m.activations);
});

test('kept activations of a small network, counted by hand', () => {
  const file = join(work, 'small.incp');
  writeFileSync(
    file,
    'network Small {\n  input 8x8x3\n  conv 3x3 4 bn=true act=relu\n  conv 3x3 4 bias=false bn=true act=relu\n' +
      '  maxpool 2x2/2\n  gap\n  dense 2 act=softmax\n}\n',
  );
  // input 8*8*3 = 192 (1 tensor); conv with a bias 8*8*4 = 256 x (conv, squared deviations, bn, relu) = 1024;
  // conv without one, fused in training (backends/tfjs/train/fused.ts) 256 x (conv, its relu output) = 512;
  // maxpool 4*4*4 = 64; gap 4; dense 2 x (matmul, bias add, softmax) = 6. Float32.
  expect(keptBytesPerImage(graphOf(file))).toBe((192 + 1024 + 512 + 64 + 4 + 6) * 4);
});

test('incc summary prints the training-memory estimate per batch size', () => {
  const r = incc(['summary', 'stdlib/inception_v3.incp']);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Training memory \(estimate/);
  for (const b of [1, 8, 16, 32])
    expect(r.stdout).toMatch(new RegExp(`batch +${b}: tfjs-node [\\d.]+ [GM]B, wasm [\\d.]+ [GM]B`));
  expect(r.stdout).toMatch(/batch +16: .*wasm [\d.]+ GB \(over the 4 GiB heap\)/);
  expect(r.stdout).not.toMatch(/batch +8: .*over the 4 GiB heap/);
});

test('Inception-v3 at batch 16 on wasm: a diagnostic with the network, the batch size, the estimate and advice', () => {
  const r = incc([
    'train',
    'stdlib/inception_v3.incp',
    '--set',
    'classes=10',
    '--data',
    'synthetic:16',
    '--batch-size',
    '16',
    '--epochs',
    '1',
    '--backend',
    'wasm',
  ]);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(
    /incc train: InceptionV3 at batch size 16 needs about [\d.]+ GB to train \(estimate: activations [\d.]+ GB/,
  );
  expect(r.stderr).toMatch(
    /more than the wasm backend's 4\.3 GB heap: use --batch-size \d+ or smaller, or the native backend/,
  );
  expect(r.stderr).not.toMatch(/Aborted|internal error|\n\s+at /);
});
