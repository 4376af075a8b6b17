/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * train.py under torchrun on the CPU: `torchrun --standalone --nproc_per_node=2` (gloo,
 * DistributedDataParallel, DistributedSampler) trains examples/train/mini.incp, compiled by incc, on
 * generated images for a few steps; both ranks end with the same weights, the loss falls, a checkpoint
 * resumes at the step it was written, and the final ONNX export runs in onnxruntime, agreeing with incc's own
 * ONNX export of the trained weights (weights.safetensors back into incc, `--target onnx --weights`); and
 * `--target tfjs --weights` takes the same weights.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../backends/tfjs/checkpoint.js';
import { readWeightsFile } from '../cli/weights-file.js';
import { matchCheckpoint } from '../backends/tfjs/checkpoint.js';
import { argv } from './helpers/argv.js';
import { incc } from './helpers/cli.js';
import { jsonLines } from './helpers/jsonl.js';
import { maxAbsDiff } from './helpers/arrays.js';
import { graphOf, randomInput } from './helpers/graphs.js';
import { runOrt } from './helpers/onnx.js';
import { runPython, testWith, venvPython } from './helpers/python.js';

const pythonTest = testWith(venvPython, 'the Python environment (torch, safetensors)');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-pt-train-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Metric {
  step: number;
  loss: number;
  lr: number;
}

const metrics = (out: string) => jsonLines<Metric>(join(out, 'metrics.jsonl'));
/** `incc compile examples/train/mini.incp --target TARGET ARGS...`. */
const compileMini = (target: string, ...args: string[]) =>
  incc(['compile', 'examples/train/mini.incp', '--target', target, ...args]);

function torchrun(folder: string, args: string[]): string {
  const torchrunPath = join(venvPython!, '..', 'torchrun');
  const r = runPython(torchrunPath, ['--standalone', '--nproc_per_node=2', join(folder, 'train.py'), ...args], {
    cwd: dir,
    env: { OMP_NUM_THREADS: '1' },
  });
  return r.stdout;
}

describe('train.py with torchrun --nproc_per_node=2 (gloo, CPU)', () => {
  pythonTest(
    'identical weights on both ranks, a falling loss, resume at the right step, an ONNX export that runs',
    async () => {
      const folder = join(dir, 'mini');
      const out = join(dir, 'run');
      const c = compileMini('pytorch', '--out', folder);
      expect(c.status).toBe(0);
      const common = argv`--synthetic 256 --batch-size 16 --out ${out} --log-every 1 --save-every-rank`;

      // 4 steps, then a checkpoint; then resume up to step 10.
      const first = torchrun(folder, [...common, '--max-steps', '4', '--no-export']);
      expect(first).toContain('training on 2 process(es), cpu');
      expect(metrics(out).map((m) => m.step)).toEqual([1, 2, 3, 4]);
      const second = torchrun(folder, [...common, '--max-steps', '10', '--resume']);
      expect(second).toMatch(/resumed from .*checkpoint\.pt at step 4 \(epoch 1\)/);
      const m = metrics(out);
      expect(m.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(second).toContain('done: 10 steps');

      // Both ranks: byte-identical weights (parameters by DDP's all-reduce; buffers as rank 0 holds them).
      const r0 = readFileSync(join(out, 'weights.rank0.safetensors'));
      const r1 = readFileSync(join(out, 'weights.rank1.safetensors'));
      expect(r0.equals(r1)).toBe(true);
      // The loss falls: the last three steps' mean below the first three's.
      const mean = (xs: Metric[]): number => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
      expect(mean(m.slice(-3))).toBeLessThan(mean(m.slice(0, 3)) - 0.1);
      // 8 steps an epoch (256 images / (16 x 2)): the learning rate stays 0.045 in the first 2 epochs.
      expect(m.every((x) => x.lr === 0.045)).toBe(true);

      // The ONNX export of train.py runs in onnxruntime, and agrees with incc's export of the trained weights.
      expect(existsSync(join(out, 'model.onnx'))).toBe(true);
      const x = randomInput(2 * 3 * 32 * 32, 4);
      const theirs = await runOrt(readFileSync(join(out, 'model.onnx')), x, [2, 3, 32, 32]);
      const ours = join(dir, 'back.onnx');
      const weights = join(out, 'weights.safetensors');
      const back = compileMini('onnx', '--weights', weights, '--out', ours);
      expect(back.stderr).toBe('');
      expect(back.stdout).toContain(`weights from ${weights}`);
      const mine = await runOrt(readFileSync(ours), x, [2, 3, 32, 32]);
      expect(theirs[0]!.dims).toEqual([2, 4]);
      for (let i = 0; i < 2; i++)
        expect(Math.abs(theirs[0]!.data.slice(4 * i, 4 * i + 4).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
      expect(maxAbsDiff(theirs[0]!.data, mine[0]!.data)).toBeLessThan(1e-4);

      // And into a tfjs checkpoint: the same values as the safetensors file holds.
      const tfjsOut = join(dir, 'tfjs');
      const t = compileMini('tfjs', '--weights', weights, '--out', tfjsOut);
      expect(t.stderr).toBe('');
      expect(t.status).toBe(0);
      const g = graphOf(readFileSync('examples/train/mini.incp', 'utf8'));
      const fromTfjs = matchCheckpoint(g, readCheckpoint(join(tfjsOut, 'model.json')), 'tfjs');
      const fromTorch = readWeightsFile(g, weights);
      for (const [name, v] of fromTorch) expect(maxAbsDiff(fromTfjs.get(name)!, v)).toBe(0);
    },
    900_000,
  );
});
