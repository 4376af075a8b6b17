/**
 * Training and inference on the tensorflow backend (@tensorflow/tfjs-node, which .ci/run builds with
 * scripts/tfjs-node-from-wheel.sh; with CI=true these tests fail when it is missing):
 * - Inception-v3 compiles and predicts on tensorflow as on wasm, to 1e-4, with the same weights (one
 *   process, both backends: test/helpers/v3-backend-parity.mjs);
 * - the mini network trains well above chance (4 classes: 25%) with --backend tensorflow;
 * - a checkpoint written on tensorflow resumes on wasm, and that one on tensorflow again: the epoch and
 *   step counters continue across backends and accuracy holds.
 * Inception-v3's training steps are in test/heavy/ (run alone, after the other tests).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { argv } from './helpers/argv.js';
import { incc, repoRoot } from './helpers/cli.js';
import { tfjsNodeTest } from './helpers/components.js';
import { tempFolder } from './helpers/files.js';
import { jsonLines } from './helpers/jsonl.js';

const work = tempFolder('incc-tensorflow-');
const tfTest = tfjsNodeTest('test/train-tensorflow.test.ts');
const mini = join(repoRoot, 'examples', 'train', 'mini.incp');

interface Metrics {
  epoch: number;
  step: number;
  loss: number;
  val_accuracy: number;
}
const metricsOf = (dir: string) => jsonLines<Metrics>(join(dir, 'metrics.jsonl'));
/** `incc train` of the mini network on 640 synthetic images with seed 3, `epochs` in all, into `out`. */
const trainMini = (epochs: number, backend: string, out: string, ...extra: string[]) =>
  incc(argv`train ${mini} --data synthetic:640 --epochs ${epochs} --seed 3 --backend ${backend} --out ${out} ${extra}`);

tfTest('Inception-v3 predicts on tensorflow as on wasm (1e-4), same weights', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'test', 'helpers', 'v3-backend-parity.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(r.status).toBe(0);
  const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    used: string[];
    shape: number[];
    maxDiff: number;
    featureCount: number;
    featureMaxDiff: number;
    featureMax: number;
  };
  expect(p.used).toEqual(['tensorflow', 'wasm']);
  expect(p.shape).toEqual([2, 10]);
  expect(p.maxDiff).toBeLessThan(1e-4);
  expect(p.featureCount).toBe(2 * 2048);
  expect(p.featureMax).toBeGreaterThan(0);
  expect(p.featureMaxDiff).toBeLessThan(1e-4 * p.featureMax);
});

tfTest('the mini network trains well above chance on tensorflow', () => {
  const out = join(work, 'mini');
  const r = trainMini(3, 'tensorflow', out);
  expect(r.stderr).toContain('MiniInception on the tensorflow backend');
  expect(r.status).toBe(0);
  const m = metricsOf(out);
  expect(m.map((e) => e.epoch)).toEqual([1, 2, 3]);
  for (const e of m) expect(Number.isFinite(e.loss)).toBe(true);
  expect(m[2]!.val_accuracy).toBeGreaterThan(0.6);
});

tfTest('a checkpoint written on tensorflow resumes on wasm, and back', () => {
  const out = join(work, 'across');
  const run = (epochs: number, backend: string) => trainMini(epochs, backend, out, ...(epochs > 2 ? ['--resume'] : []));
  const first = run(2, 'tensorflow');
  expect(first.status).toBe(0);
  const onWasm = run(3, 'wasm');
  expect(onWasm.stderr).toContain('MiniInception on the wasm backend');
  expect(onWasm.stderr).toMatch(/resuming .*: 2 epochs done, step 30/);
  expect(onWasm.status).toBe(0);
  const back = run(4, 'tensorflow');
  expect(back.stderr).toContain('MiniInception on the tensorflow backend');
  expect(back.stderr).toMatch(/resuming .*: 3 epochs done, step 45/);
  expect(back.status).toBe(0);
  const m = metricsOf(out);
  expect(m.map((e) => [e.epoch, e.step])).toEqual([
    [1, 15],
    [2, 30],
    [3, 45],
    [4, 60],
  ]);
  // Training went on from the checkpoint on each backend: accuracy holds and stays well above chance.
  for (const e of m.slice(2)) expect(e.val_accuracy).toBeGreaterThan(0.5);
});
