/**
 * The training recipe (compiler/ir/recipe.ts) and `incc train`'s loss (backends/tfjs/train/): the settings resolved
 * over the paper's
 * defaults and checked; the label-smoothed loss, the learning-rate schedule, gradient clipping and the
 * aux loss weight on worked examples computed by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { DiagnosticError } from '../compiler/diagnostics/diagnostics.js';
import type { TrainingSetting } from '../compiler/ir/ir.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram, loadProgramFromText } from '../compiler/program/node-host.js';
import {
  clipGradients,
  globalNorm,
  smoothedCrossEntropy,
  smoothedTargets,
  trainingLoss,
} from '../backends/tfjs/train/loss.js';
import { learningRateAt, PAPER_DEFAULTS, resolveRecipe } from '../compiler/ir/recipe.js';
import { repoRoot } from './helpers/cli.js';
import { join } from 'node:path';

tf.enableProdMode();

const span = {
  file: 'x.incp',
  startOffset: 40,
  endOffset: 65,
  startLine: 3,
  startColumn: 5,
  endLine: 3,
  endColumn: 30,
};
const setting = (key: string, value: unknown): TrainingSetting => ({ key, value, span }) as unknown as TrainingSetting;
const recipeOf = (...settings: TrainingSetting[]) => resolveRecipe({ training: settings, aux: [] });

function diagnosticOf(f: () => unknown): { code: string; message: string; span?: unknown } {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostic as never;
    throw e;
  }
  throw new Error('no diagnostic');
}

describe("the recipe: the paper's defaults, the network's settings, the checks", () => {
  test("no train section: the paper's recipe", () => {
    const r = recipeOf();
    expect(r.optimizer).toEqual({
      name: 'rmsprop',
      lr: 0.045,
      decay: 0.9,
      momentum: 0.9,
      epsilon: 1.0,
      initialMeanSquare: 1,
    });
    expect(r.schedule).toEqual({ name: 'exponential', rate: 0.94, every: 2, staircase: true });
    expect(r.clip).toEqual({ mode: 'global_norm', value: 2.0 });
    expect(r.labelSmoothing).toBe(0.1);
    expect(r.batchSize).toBe(32);
    expect(r.epochs).toBe(100);
  });

  test('stdlib/table3.incp: row 1 trains with momentum and no smoothing, row 5 with the full recipe', () => {
    const program = loadProgram(join(repoRoot, 'stdlib', 'table3.incp'));
    const row = (n: number) => resolveRecipe(buildNetwork(program, { args: { row: n } }).graph!);
    const r1 = row(1);
    expect(r1.optimizer).toEqual({ name: 'momentum', lr: 0.045, momentum: 0.9, nesterov: false });
    expect(r1.source['label_smoothing']).toBe('default');
    const r5 = row(5);
    expect(r5.optimizer.name).toBe('rmsprop');
    expect(r5.clip).toEqual({ mode: 'global_norm', value: 2 });
    expect(r5.labelSmoothing).toBe(0.1);
    expect(r5.auxWeights).toEqual([0.4]);
  });

  test('the forms of each setting', () => {
    expect(recipeOf(setting('clip', 2.5)).clip).toEqual({ mode: 'global_norm', value: 2.5 });
    expect(recipeOf(setting('clip', { name: 'clip_norm', args: [1] })).clip).toEqual({ mode: 'clip_norm', value: 1 });
    expect(recipeOf(setting('clip', 'none')).clip).toEqual({ mode: 'none' });
    expect(recipeOf(setting('clip', false)).clip).toEqual({ mode: 'none' });
    expect(recipeOf(setting('schedule', 'constant')).schedule).toEqual({ name: 'constant' });
    expect(
      recipeOf(setting('schedule', { name: 'exponential', args: [], rate: 0.5, every_epochs: 3 })).schedule,
    ).toEqual({ name: 'exponential', rate: 0.5, every: 3, staircase: true });
    expect(
      recipeOf(setting('optimizer', { name: 'rmsprop', args: [], lr: 0.01, momentum: 0 })).optimizer,
    ).toMatchObject({ lr: 0.01, momentum: 0, decay: 0.9, epsilon: 1 });
    expect(recipeOf(setting('optimizer', 'adam')).optimizer).toMatchObject({ name: 'adam', lr: 0.001 });
    expect(recipeOf(setting('ema', true)).ema).toEqual({ decay: 0.9999 });
    const aux = resolveRecipe({
      training: [setting('aux_weight', 0.3)],
      aux: [{ weight: 0.4 }, { weight: 1 }] as never,
    });
    expect(aux.auxWeights).toEqual([0.3, 0.3]);
    expect(resolveRecipe({ training: [], aux: [{ weight: 0.25 }] as never }).auxWeights).toEqual([0.25]);
  });

  test('command-line overrides win', () => {
    const r = resolveRecipe(
      { training: [setting('epochs', 10), setting('batch_size', 64)], aux: [] },
      { epochs: 3, batchSize: 8, seed: 7 },
    );
    expect([r.epochs, r.batchSize, r.seed]).toEqual([3, 8, 7]);
    expect(r.source['epochs']).toBe('command line');
  });

  test('an unknown optimizer is an error at the setting, with a suggestion', () => {
    const d = diagnosticOf(() => recipeOf(setting('optimizer', { name: 'rmsprob', args: [], lr: 0.1 })));
    expect(d.code).toBe('value-out-of-range');
    expect(d.message).toContain('`rmsprob`');
    expect(d.message).toContain('did you mean `rmsprop`');
    expect(d.span).toEqual(span);
  });

  test.each([
    [
      'optimizer = rmsprop(decy = 0.9)',
      setting('optimizer', { name: 'rmsprop', args: [], decy: 0.9 }),
      'unknown-parameter',
    ],
    ['optimizer = rmsprop(lr = -1)', setting('optimizer', { name: 'rmsprop', args: [], lr: -1 }), 'value-out-of-range'],
    ['optimizer = 12', setting('optimizer', 12), 'setting-type-mismatch'],
    ['schedule = cosine()', setting('schedule', { name: 'cosine', args: [] }), 'value-out-of-range'],
    ['clip = global_norm()', setting('clip', { name: 'global_norm', args: [] }), 'missing-argument'],
    ['clip = -2', setting('clip', -2), 'value-out-of-range'],
    ['label_smoothing = 1.5', setting('label_smoothing', 1.5), 'value-out-of-range'],
    ['batch_size = 0.5', setting('batch_size', 0.5), 'setting-type-mismatch'],
    ['validation_split = "half"', setting('validation_split', 'half'), 'setting-type-mismatch'],
  ])('%s is %s', (_label, s, code) => {
    const d = diagnosticOf(() => recipeOf(s as TrainingSetting));
    expect(d.code).toBe(code);
    expect(d.span).toEqual(span);
  });

  test('a bad setting in a file reports the file, line and column', () => {
    const program = loadProgramFromText(
      'network N {\n input 8x8x3\n gap\n dense 2\n train {\n  optimizer = adamw(lr = 0.1)\n }\n}\n',
      join(repoRoot, 'bad.incp'),
    );
    // Elaboration checks the recipe (compiler/ir/recipe.ts): the network does not build.
    const built = buildNetwork(program);
    expect(built.graph).toBeUndefined();
    expect(built.diagnostics.map((d) => d.code)).toEqual(['value-out-of-range']);
    expect(built.diagnostics[0]!.span).toMatchObject({ file: 'bad.incp', startLine: 6, startColumn: 3 });
  });
});

describe('the learning-rate schedule', () => {
  const r = { optimizer: { ...PAPER_DEFAULTS.optimizer }, schedule: PAPER_DEFAULTS.schedule };
  test('0.045, x0.94 every 2 epochs, staircase', () => {
    const steps = 100;
    expect(learningRateAt(r, 0, steps)).toBeCloseTo(0.045, 12);
    expect(learningRateAt(r, 199, steps)).toBeCloseTo(0.045, 12);
    expect(learningRateAt(r, 200, steps)).toBeCloseTo(0.0423, 12);
    expect(learningRateAt(r, 399, steps)).toBeCloseTo(0.0423, 12);
    expect(learningRateAt(r, 400, steps)).toBeCloseTo(0.039762, 12);
    expect(learningRateAt(r, 100 * 100, steps)).toBeCloseTo(0.045 * Math.pow(0.94, 50), 12); // epoch 100: 0.00204
  });
  test('smooth and constant', () => {
    expect(
      learningRateAt({ ...r, schedule: { name: 'exponential', rate: 0.94, every: 2, staircase: false } }, 100, 100),
    ).toBeCloseTo(0.045 * Math.sqrt(0.94), 12);
    expect(learningRateAt({ ...r, schedule: { name: 'constant' } }, 12345, 100)).toBe(0.045);
  });
});

describe('the loss', () => {
  test('label smoothing: q = (1 - eps) onehot + eps / K', () => {
    const q = smoothedTargets(tf.tensor1d([2], 'int32'), 4, 0.1).arraySync();
    expect(q[0]![0]).toBeCloseTo(0.025, 7);
    expect(q[0]![2]).toBeCloseTo(0.925, 7);
  });

  test('worked example: logits [2, 1, 0], label 0, eps 0.1', () => {
    // q = [0.9 + 0.1/3, 0.1/3, 0.1/3] = [0.933333, 0.033333, 0.033333]
    // log softmax = z - log(e^2 + e^1 + e^0) = z - log(11.107337) = z - 2.407606 = [-0.407606, -1.407606, -2.407606]
    // loss = 0.933333 * 0.407606 + 0.033333 * 1.407606 + 0.033333 * 2.407606 = 0.380432 + 0.046920 + 0.080254 =
    // 0.507606
    const loss = smoothedCrossEntropy(tf.tensor1d([0], 'int32'), tf.tensor2d([[2, 1, 0]]), 0.1).dataSync()[0]!;
    expect(loss).toBeCloseTo(0.507606, 5);
    // tfjs's own smoothed cross-entropy agrees.
    const ref = tf.losses
      .softmaxCrossEntropy(tf.tensor2d([[1, 0, 0]]), tf.tensor2d([[2, 1, 0]]), undefined, 0.1)
      .dataSync()[0]!;
    expect(loss).toBeCloseTo(ref, 5);
    // eps = 0: plain cross-entropy, -log softmax(z)_0 = 0.407606.
    expect(smoothedCrossEntropy(tf.tensor1d([0], 'int32'), tf.tensor2d([[2, 1, 0]]), 0).dataSync()[0]).toBeCloseTo(
      0.407606,
      5,
    );
  });

  test('the batch mean', () => {
    const l = smoothedCrossEntropy(
      tf.tensor1d([0, 1], 'int32'),
      tf.tensor2d([
        [2, 1, 0],
        [0, 0, 0],
      ]),
      0,
    ).dataSync()[0]!;
    expect(l).toBeCloseTo((0.407606 + Math.log(3)) / 2, 5);
  });

  test('aux loss weight: total = main + 0.4 aux', () => {
    // K = 2, label 0, no smoothing. main logits [0, 0]: loss ln 2 = 0.693147.
    // aux logits [0, ln 3]: softmax [0.25, 0.75], loss ln 4 = 1.386294. total = 0.693147 + 0.4 * 1.386294 = 1.247665.
    const parts = trainingLoss(
      tf.tensor1d([0], 'int32'),
      tf.tensor2d([[0, 0]]),
      [tf.tensor2d([[0, Math.log(3)]])],
      0,
      [0.4],
    );
    expect(parts.main.dataSync()[0]).toBeCloseTo(0.693147, 5);
    expect(parts.aux[0]!.dataSync()[0]).toBeCloseTo(1.386294, 5);
    expect(parts.total.dataSync()[0]).toBeCloseTo(1.247665, 5);
    expect(
      trainingLoss(
        tf.tensor1d([0], 'int32'),
        tf.tensor2d([[0, 0]]),
        [tf.tensor2d([[0, Math.log(3)]])],
        0,
        [0],
      ).total.dataSync()[0],
    ).toBeCloseTo(0.693147, 5);
  });
});

describe('gradient clipping', () => {
  // Two gradients of norms 3 and 4: the global norm is 5.
  const grads = (): tf.NamedTensorMap => ({ a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) });
  const norm = (t: tf.Tensor): number => Math.sqrt(tf.sum(tf.square(t)).dataSync()[0]!);

  test('by the global norm: every gradient scaled by 2 / 5, the global norm bounded by 2', () => {
    const { grads: g, norm: before } = clipGradients(grads(), { mode: 'global_norm', value: 2 });
    expect(before.dataSync()[0]).toBeCloseTo(5, 6);
    expect(globalNorm([g['a']!, g['b']!]).dataSync()[0]).toBeCloseTo(2, 6);
    expect(Array.from(g['a']!.dataSync())).toEqual([expect.closeTo(1.2, 6), 0]);
    expect(Array.from(g['b']!.dataSync())).toEqual([0, expect.closeTo(1.6, 6)]);
  });

  test('under the threshold nothing changes', () => {
    const { grads: g } = clipGradients(grads(), { mode: 'global_norm', value: 10 });
    expect(Array.from(g['b']!.dataSync())).toEqual([0, 4]);
  });

  test('per tensor (Keras clipnorm): each gradient bounded by 2 on its own', () => {
    const { grads: g } = clipGradients(grads(), { mode: 'clip_norm', value: 2 });
    expect(norm(g['a']!)).toBeCloseTo(2, 6);
    expect(norm(g['b']!)).toBeCloseTo(2, 6);
    expect(globalNorm([g['a']!, g['b']!]).dataSync()[0]).toBeCloseTo(Math.SQRT2 * 2, 6);
  });

  test('random gradients: the global norm after clipping is min(norm, clip)', () => {
    for (const scale of [0.1, 1, 10]) {
      const g = {
        x: tf.mul(tf.randomNormal([5, 7], 0, 1, 'float32', 3), scale),
        y: tf.mul(tf.randomNormal([11], 0, 1, 'float32', 4), scale),
      };
      const before = globalNorm([g.x, g.y]).dataSync()[0]!;
      const { grads: c } = clipGradients(g, { mode: 'global_norm', value: 2 });
      expect(globalNorm([c['x']!, c['y']!]).dataSync()[0]).toBeCloseTo(Math.min(before, 2), 4);
    }
  });

  test('none: unchanged', () => {
    const { grads: g } = clipGradients(grads(), { mode: 'none' });
    expect(norm(g['b']!)).toBeCloseTo(4, 6);
  });
});
