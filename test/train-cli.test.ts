/**
 * `incc train` end to end, as a user runs it (dist/cli/incc.js):
 * - examples/train/mini.incp (a mini-Inception on 32x32 inputs, with an aux head) trains on `synthetic`
 *   with a fixed seed: one epoch, then --resume for a second; the epoch counter, the step and the
 *   learning-rate schedule continue, and the validation accuracy ends well above chance (25%);
 * - the checkpoint reloads with stock tfjs (tf.loadLayersModel over tf.io.fromMemory, no incc code) and
 *   classifies the validation images as well as training said;
 * - Ctrl-C stops after saving the state mid-epoch (exit 130), and --resume picks up from that step;
 * - bad data and a bad training setting are clear errors (exit 1) naming the file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import pngjs from 'pngjs';
import { syntheticDataset } from '../backends/common/data.js';
import { argv } from './helpers/argv.js';
import { cliPath, incc, repoRoot, plainEnv, runRecordingLoads } from './helpers/cli.js';
import { jsonLines } from './helpers/jsonl.js';
import { joinedRegExp } from './helpers/regexp.js';

tf.enableProdMode();

const work = mkdtempSync(join(tmpdir(), 'incc-train-'));
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await tf.setBackend('cpu');
});

const miniPath = join(repoRoot, 'examples', 'train', 'mini.incp');
const mini = readFileSync(miniPath, 'utf8');
/** mini.incp with a schedule that decays every epoch, so a resumed run shows it continuing. */
const fastDecay = join(work, 'mini-fast-decay.incp');
const fastDecayText = mini.replace(
  /schedule = exponential\(rate ?= ?0\.94, every ?= ?2\)/,
  'schedule = exponential(rate=0.5, every=1)',
);
if (fastDecayText === mini) throw new Error('examples/train/mini.incp no longer has the schedule this test rewrites');
writeFileSync(fastDecay, fastDecayText);

interface Metrics {
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  val_accuracy: number;
}
const metricsOf = (dir: string) => jsonLines<Metrics>(join(dir, 'metrics.jsonl'));
const stateOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'train-state.json'), 'utf8')) as {
    epoch: number;
    stepInEpoch: number;
    globalStep: number;
  };

const COUNT = 640; // 480 training images (15 steps of 32), 160 validation
const out = join(work, 'run');

describe('incc train on synthetic data', () => {
  test('one epoch, then --resume for a second: the counters and the schedule go on; accuracy well above chance', () => {
    /** Trains fastDecay for `epochs` epochs (in all) into `out`. */
    const train = (epochs: number, ...extra: string[]) =>
      incc(argv`train ${fastDecay} --data synthetic:${COUNT} --epochs ${epochs} --seed 3 --out ${out} ${extra}`);
    const first = train(1);
    expect(first.stderr).toMatch(/incc train: MiniInception on the (wasm|cpu|tensorflow) backend/);
    // The advice to install TensorFlow for Node is given on the pure-JS backends only.
    if (/on the tensorflow backend/.test(first.stderr))
      expect(first.stderr).not.toContain('install TensorFlow for Node');
    else expect(first.stderr).toContain('install TensorFlow for Node');
    expect(first.stderr).toMatch(/epoch 1\/1 .*loss .*acc .*img\/s/);
    expect(first.status).toBe(0);
    for (const f of ['model.json', 'group1-shard1of1.bin', 'train-state.json', 'train-state.bin', 'metrics.jsonl'])
      expect(existsSync(join(out, f))).toBe(true);
    expect(stateOf(out)).toMatchObject({ epoch: 1, stepInEpoch: 0, globalStep: 15 });

    const second = train(2, '--resume');
    expect(second.stderr).toContain('resuming');
    expect(second.stderr).toContain('1 epoch done, step 15');
    expect(second.status).toBe(0);
    const m = metricsOf(out);
    expect(m.map((x) => [x.epoch, x.step])).toEqual([
      [1, 15],
      [2, 30],
    ]);
    // rate 0.5 every epoch: 0.045 in epoch 1, 0.0225 in epoch 2 (a fresh start would say 0.045).
    expect(m[0]!.lr).toBeCloseTo(0.045, 10);
    expect(m[1]!.lr).toBeCloseTo(0.0225, 10);
    expect(m[1]!.loss).toBeLessThan(m[0]!.loss);
    expect(m[1]!.val_accuracy).toBeGreaterThan(0.6); // chance: 0.25
    expect(stateOf(out)).toMatchObject({ epoch: 2, stepInEpoch: 0, globalStep: 30 });

    // Asking for epochs already done trains nothing.
    const again = train(2, '--resume');
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('already trained 2 epochs');
  });

  test('the checkpoint reloads with stock tfjs and classifies the validation images', async () => {
    // Stock tfjs's wasm backend runs the 160 images in a moment (its cpu backend takes seconds).
    expect(await tf.setBackend('wasm')).toBe(true);
    // Stock tfjs only: the files read by hand, tf.io.fromMemory, tf.loadLayersModel.
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const bin = readFileSync(join(out, json.weightsManifest[0].paths[0]));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    expect(model.inputs[0]!.shape).toEqual([null, 32, 32, 3]);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 4],
      [null, 4],
    ]);
    const data = syntheticDataset([32, 32, 3], 4, { count: COUNT, seed: 3, validationSplit: 0.25 });
    const v = data.validation;
    const x = tf.tensor4d(
      Float32Array.from(v.images!, (p) => p / 127.5 - 1),
      [v.count, 32, 32, 3],
    );
    const [probs] = model.predict(x) as tf.Tensor[];
    // The exported model keeps its softmax: rows sum to 1.
    const sums = tf.sum(probs!, -1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 4);
    const predicted = tf.argMax(probs!, -1).dataSync();
    const correct = Array.from(predicted).filter((p, i) => p === v.labels[i]).length / v.count;
    expect(correct).toBeCloseTo(metricsOf(out)[1]!.val_accuracy, 1);
  });

  test('Ctrl-C saves the state mid-epoch (exit 130); --resume continues from that step', async () => {
    const dir = join(work, 'interrupted');
    const args = argv`train ${miniPath} --data synthetic:640 --epochs 1 --out ${dir}`;
    const child = spawn(process.execPath, [cliPath, ...args], { env: plainEnv() });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /epoch 1\/1 \[/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('stopping after this step and saving');
    expect(code).toBe(130);
    const s = stateOf(dir);
    expect(s.epoch).toBe(0);
    expect(s.stepInEpoch).toBeGreaterThan(0);
    expect(s.stepInEpoch).toBeLessThan(15);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const resumed = incc([...args, '--resume']);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`(${s.stepInEpoch} into epoch 1)`);
    expect(stateOf(dir)).toMatchObject({ epoch: 1, stepInEpoch: 0, globalStep: 15 });
  });
});

describe('incc train errors', () => {
  test('a bad training setting: file, line, column, exit 1, before any training', () => {
    const bad = join(work, 'bad-optimizer.incp');
    writeFileSync(bad, mini.replace('optimizer = rmsprop(', 'optimizer = rmsprob('));
    const r = incc(['train', bad, '--data', 'synthetic']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      joinedRegExp(
        /bad-optimizer\.incp:\d+:\d+: error value-out-of-range: /,
        /the optimizer must be one of rmsprop, momentum, sgd or adam \(did you mean `rmsprop`\?\), not `rmsprob`/,
      ),
    );
    expect(r.stderr).not.toContain('incc train: MiniInception');
  });

  test('--help, usage errors and a bad setting load no tfjs (the light path)', () => {
    const bad = join(work, 'bad-light.incp');
    writeFileSync(bad, mini.replace('label_smoothing = 0.1', 'label_smoothing = 2'));
    for (const [args, status] of [
      [['train', '--help'], 0],
      [['train', bad], 2],
      [['train', bad, '--data', 'synthetic'], 1],
    ] as const) {
      const { status: exit, loaded } = runRecordingLoads(cliPath, args, repoRoot);
      expect(exit).toBe(status);
      // The hook sees what loads: the CLI's files (a few for --help, which loads no command's code; more for a run).
      expect(loaded.length).toBeGreaterThan(args[1] === '--help' ? 4 : 10);
      expect(loaded.filter((u) => /node_modules\/(@tensorflow|pngjs|jpeg-js)/.test(u))).toEqual([]);
    }
  });

  test('a grayscale image for a 3-channel network: the file named, exit 1', () => {
    const dir = join(work, 'gray-data');
    for (const c of ['a', 'b', 'c', 'd']) mkdirSync(join(dir, c), { recursive: true });
    // A 1x1 8-bit grayscale PNG and a 1x1 RGB one (made with the pngjs the trainer uses).
    const png = (colorType: 0 | 2): Buffer => {
      const p = new pngjs.PNG({ width: 1, height: 1 });
      p.data = Buffer.from([100, 100, 100, 255]);
      return pngjs.PNG.sync.write(p, { colorType } as never);
    };
    for (const c of ['a', 'b', 'c']) writeFileSync(join(dir, c, 'rgb.png'), png(2));
    writeFileSync(join(dir, 'd', 'gray.png'), png(0));
    const r = incc(['train', miniPath, '--data', dir]);
    expect(r.stderr).toContain(
      `${join(dir, 'd', 'gray.png')}: is a grayscale image, but the network takes 3-channel (RGB) input`,
    );
    expect(r.status).toBe(1);
  });

  test('usage errors', () => {
    expect(incc(['train', miniPath]).status).toBe(2);
    expect(incc(argv`train ${miniPath} --data synthetic --resume`).status).toBe(2);
    expect(incc(argv`train ${miniPath} --data synthetic --epochs many`).status).toBe(2);
    const noCheckpoint = incc(argv`train ${miniPath} --data synthetic:64 --resume --out ${join(work, 'nothing-here')}`);
    expect(noCheckpoint.status).toBe(1);
    expect(noCheckpoint.stderr).toContain('has no checkpoint to resume');
  });
});
