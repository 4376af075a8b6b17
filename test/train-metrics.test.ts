/**
 * Training metrics beyond the epoch lines: steps.jsonl every --log-every steps, TensorBoard event files
 * with --tensorboard (tensorflow backend; TFRecord files of Event protos whose scalar tags are stored as
 * plain strings), and `incc report RUN_DIR`: a page of SVG loss and accuracy curves, no script.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argv } from './helpers/argv.js';
import { incc, repoRoot } from './helpers/cli.js';
import { tfjsNodeTest } from './helpers/components.js';
import { tempFolder } from './helpers/files.js';
import { jsonLines } from './helpers/jsonl.js';

const work = tempFolder('incc-metrics-');
const mini = join(repoRoot, 'examples', 'train', 'mini.incp');
const tfTest = tfjsNodeTest('test/train-metrics.test.ts');

tfTest('steps.jsonl every N steps, TensorBoard scalars, and the report page', () => {
  const out = join(work, 'run');
  const board = join(work, 'board');
  // 160 images at split 0.25: 120 training images, 4 steps of 32 an epoch; 2 epochs = 8 steps.
  const r = incc(argv`train ${mini} --data synthetic:160 --epochs 2 --log-every 3
    --tensorboard ${board} --out ${out} --backend tensorflow`);
  expect(r.status).toBe(0);
  const steps = jsonLines<{ epoch: number; step: number; loss: number; accuracy: number; lr: number }>(
    join(out, 'steps.jsonl'),
  );
  expect(steps.map((s) => [s.epoch, s.step])).toEqual([
    [1, 3],
    [2, 6],
  ]);
  for (const s of steps) expect(Number.isFinite(s.loss) && s.accuracy >= 0 && s.accuracy <= 1 && s.lr > 0).toBe(true);

  const events = readdirSync(board, { recursive: true })
    .map(String)
    .filter((f) => f.includes('tfevents'));
  expect(events.length).toBeGreaterThan(0);
  const bytes = Buffer.concat(events.map((f) => readFileSync(join(board, f))));
  for (const tag of ['step/loss', 'step/accuracy', 'epoch/val_accuracy'])
    expect(bytes.includes(Buffer.from(tag))).toBe(true);

  const rep = incc(['report', out]);
  expect(rep.status).toBe(0);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html.match(/<svg /g)).toHaveLength(2);
  expect(html).toContain('aria-label="Loss"');
  expect(html).toContain('aria-label="Accuracy"');
  // The step series has the two recorded steps; the epoch series two epochs; validation two points.
  const series = [...html.matchAll(/data-series="([^"]+)"[^>]*points="([^"]+)"/g)].map((m) => [
    m[1],
    m[2]!.split(' ').length,
  ]);
  expect(series).toEqual([
    ['training (steps)', 2],
    ['training (epochs)', 2],
    ['validation', 2],
    ['training (steps)', 2],
    ['training (epochs)', 2],
    ['validation', 2],
  ]);
  expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
});

test('incc report on a folder without metrics, and --tensorboard off the tensorflow backend: clear errors', () => {
  const r = incc(['report', work]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('has no metrics.jsonl or steps.jsonl');
  const w = incc(argv`train ${mini} --data synthetic:32 --epochs 1 --tensorboard ${join(work, 'b2')} --backend wasm`);
  expect(w.status).toBe(1);
  expect(w.stderr).toContain('--tensorboard needs the tensorflow backend');
  expect(existsSync(join(work, 'b2'))).toBe(false);
});
