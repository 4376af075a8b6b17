/**
 * Inception-v3 trains on the tensorflow backend at the size the paper trains it: two steps at batch 16
 * with the aux head on (10 classes, synthetic 299x299 images): the loss is finite and the weights move
 * away from their initial values (`incc compile --seed 1`, the seed training starts from). Its peak
 * memory (about 4.6 GB with the fused training forward of backends/tfjs/train/fused.ts, 11 GB before it;
 * incc summary estimates 4.6 GB) is printed.
 *
 * test/heavy/ runs alone, after the other tests (`npm test`: a second Jest run with -i), so that no other
 * test worker shares the machine's memory with it. With CI=true it fails when tfjs-node is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readModelWeights } from '../../backends/tfjs/train/checkpoint.js';
import { cliPath, incc, repoRoot } from '../helpers/cli.js';
import { tfjsNodeTest } from '../helpers/components.js';
import { tempFolder } from '../helpers/files.js';
import { jsonLines } from '../helpers/jsonl.js';

const work = tempFolder('incc-v3-');
const tfTest = tfjsNodeTest('test/heavy/train-tensorflow-v3.test.ts');
const v3 = ['stdlib/inception_v3.incp', '--set', 'classes=10', '--set', 'aux_head=true'];

tfTest('Inception-v3, aux head on: two training steps at batch 16 (loss finite, weights change)', () => {
  const out = join(work, 'run');
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'test', 'helpers', 'peak-rss.mjs'),
      cliPath,
      'train',
      ...v3,
      '--data',
      'synthetic:40',
      '--batch-size',
      '16',
      '--epochs',
      '1',
      '--steps-per-epoch',
      '2',
      '--backend',
      'tensorflow',
      '--out',
      out,
    ],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  const peak = /peak-rss-kb (\d+)/.exec(r.stderr);
  process.stderr.write(
    `test/heavy/train-tensorflow-v3.test.ts: peak RSS ${peak ? (Number(peak[1]) / 1e6).toFixed(1) : '?'} GB\n`,
  );
  expect(r.stderr).toContain('InceptionV3 on the tensorflow backend');
  expect(r.stderr).toMatch(/2\/2 /);
  expect(r.status).toBe(0);
  const metrics = jsonLines<{ step: number; loss: number }>(join(out, 'metrics.jsonl'));
  expect(metrics).toHaveLength(1);
  expect(metrics[0]!.step).toBe(2);
  expect(Number.isFinite(metrics[0]!.loss)).toBe(true);

  const initial = join(work, 'initial');
  expect(incc(['compile', ...v3, '--target', 'tfjs', '--seed', '1', '--out', initial]).status).toBe(0);
  const before = readModelWeights(initial);
  const after = readModelWeights(out);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  // Every trainable kernel moved (the aux head's too); moving statistics moved as well.
  const kernels = [...before.keys()].filter((k) => /kernel$/.test(k));
  expect(kernels.length).toBe(94 + 3 + 1); // 94 convolutions, the aux head's 3, the classifier
  const changed = (k: string) => before.get(k)!.values.some((v, i) => Math.abs(v - after.get(k)!.values[i]!) > 1e-7);
  expect(kernels.filter((k) => !changed(k))).toEqual([]);
  expect(kernels.filter((k) => k.includes('aux')).length).toBe(3);
});
