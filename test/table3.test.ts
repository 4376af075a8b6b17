/**
 * std/table3: the ladder of the paper's Table 3 (`incc summary stdlib/table3.incp --set row=N --json`),
 * with totals worked out by hand (helpers/hand-count, Keras conventions), never from incc's output.
 *
 *   rows 1-3: the same layers (a 7x7/2 first conv, the plain aux head); only the training differs
 *   row 4:    factorized_7x7 replaces the first conv by Table 1's three 3x3 convs: the main path is then
 *             std/inception_v2's InceptionV2 (tested in test/stdlib-inception-v2.test.ts)
 *   row 5:    bn_auxiliary batch-normalizes the aux head's dense 1024
 */
import { join } from 'node:path';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram, stdlibDir } from '../compiler/program/node-host.js';
import type { Summary } from '../compiler/print/summary.js';
import { incc } from './helpers/cli.js';
import {
  figure10,
  figure10Factorized,
  figure5,
  figure6,
  figure7,
  table1Stem,
  table1StemAfterPool,
  Tally,
} from './helpers/hand-count.js';

function summary(...args: string[]): Summary {
  const r = incc(['summary', ...args, '--json']);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Summary;
}

const rows = [1, 2, 3, 4, 5].map((row) => summary('stdlib/table3.incp', '--set', `row=${row}`));
const row = (n: number) => rows[n - 1]!;
const v2 = summary('stdlib/inception_v2.incp');

/** The trunk after the stem, as Table 1 has it (35x35x288 -> logits), by hand. */
function trunk(t: Tally): void {
  let c = 288;
  for (let i = 0; i < 3; i++) c = figure5(t, c, 35);
  const r1 = figure10(t, c, 35); // 35x35x288 -> 17x17x768
  c = r1.channels;
  for (const w of [128, 160, 160, 160, 192]) c = figure6(t, c, w, r1.hw);
  const r2 = figure10Factorized(t, c, r1.hw); // -> 8x8x1280
  c = r2.channels;
  for (let i = 0; i < 2; i++) c = figure7(t, c, r2.hw);
  t.dense(c, 1000); // avgpool 8x8 valid -> 1x1x2048, flatten, dense 1000 with bias
}

/**
 * Rows 1-3: 7x7/2 64 valid (299 -> 147), maxpool 3x3/2 valid (73), 3x3 80 valid (71), 3x3/2 192 valid (35), 3x3 288.
 */
function mainRows123(): Tally {
  const t = new Tally();
  t.conv(7, 7, 3, 64, 147);
  table1StemAfterPool(t);
  trunk(t);
  return t;
}

/** Rows 4-5: 3x3/2 32 valid (149), 3x3 32 valid (147), 3x3 64 same (147), then as above from the max pool. */
function mainRows45(): Tally {
  const t = new Tally();
  table1Stem(t);
  trunk(t);
  return t;
}

// The plain aux head on mixed8 (17x17x768): avgpool 5x5/3 valid -> ceil((17 - 4) / 3) = 5; conv 1x1 128
// (no bias, BN without scale); flatten 5*5*128 = 3,200; dense 1024 ReLU with bias; dropout; dense 1000
// with bias; softmax.
const auxConv = 768 * 128; // 98,304
const auxDense = 3200 * 1024; // 3,276,800
const auxLogits = 1024 * 1000 + 1000; // 1,025,000
const auxPlain = {
  trainable: auxConv + 128 + auxDense + 1024 + auxLogits, // 4,401,256
  nonTrainable: 2 * 128, // 256
};
// Row 5: the dense loses its bias (-1,024) and gains a batchnorm with scale: gamma and beta (+2,048
// trainable) and the moving mean and variance (+2,048 non-trainable).
const auxBN = {
  trainable: auxConv + 128 + auxDense + 2048 + auxLogits, // 4,402,280
  nonTrainable: 2 * 128 + 2048, // 2,304
};
// Multiply-adds: 25 * 98,304 + 3,276,800 + 1,024,000 (the same in both: batch norm is not a multiply-add).
const auxMacs = 25 * auxConv + auxDense + 1024 * 1000;

const params = (p: { trainable: number; nonTrainable: number }) => ({ total: p.trainable + p.nonTrainable, ...p });

describe('std/table3: the ladder', () => {
  test('rows 1-3 have the same layers; only their arguments differ', () => {
    const strip = (s: Summary) => ({ ...s, args: undefined });
    expect(strip(row(2))).toEqual(strip(row(1)));
    expect(strip(row(3))).toEqual(strip(row(1)));
    expect(row(1).args).toEqual({ row: 1, classes: 1000 });
  });

  test('rows 1-3: main path and aux head by hand', () => {
    const t = mainRows123();
    for (const n of [1, 2, 3]) {
      const s = row(n);
      expect(s.main.params).toEqual({ total: t.total, trainable: t.trainable, nonTrainable: t.nonTrainable });
      expect(s.main.macs).toBe(t.macs);
      expect(s.aux).toHaveLength(1);
      expect(s.aux[0]).toMatchObject({ name: 'aux_logits', from: 'mixed8', weight: 0.4, output: [1000] });
      expect(s.aux[0]!.params).toEqual(params(auxPlain));
      expect(s.aux[0]!.macs).toBe(auxMacs);
      expect(s.params).toEqual({
        total: t.total + auxPlain.trainable + auxPlain.nonTrainable,
        trainable: t.trainable + auxPlain.trainable,
        nonTrainable: t.nonTrainable + auxPlain.nonTrainable,
      });
    }
    // The stem written out: weights 7*7*3*64 + 9*64*80 + 9*80*192 + 9*192*288 = 9,408 + 46,080 + 138,240 + 497,664.
    const stem = 9408 + 46_080 + 138_240 + 497_664;
    expect(stem).toBe(691_392);
    // Main path total: Table 1's 25,973,512 (test/stdlib-inception-v2.test.ts) with the stem's 19,104 weights
    // and 64 BN channels (3 parameters each) fewer: 25,973,512 - 19,104 - 192 = 25,954,216.
    expect(t.total).toBe(25_973_512 - (710_496 - stem) - 3 * 64);
    expect(row(1).params.total).toBe(25_954_216 + 4_401_512);
  });

  test('the 7x7/2 stem: 147x147x64, then the max pool to 73x73', () => {
    const s = row(1);
    const shape = (name: string) => s.nodes.find((n) => n.name === name)?.outputShape;
    // ceil((299 - 7 + 1) / 2) = 147; ceil((147 - 3 + 1) / 2) = 73; 71; ceil((71 - 2) / 2) = 35.
    expect(shape('conv1')).toEqual([147, 147, 64]);
    expect(shape('maxpool1')).toEqual([73, 73, 64]);
    expect(shape('conv2')).toEqual([71, 71, 80]);
    expect(shape('conv3')).toEqual([35, 35, 192]);
    expect(shape('conv4')).toEqual([35, 35, 288]);
  });

  test('row 4 = row 3 with the stem replaced (factorized_7x7): delta by hand', () => {
    // Weights: 9,408 -> 864 + 9,216 + 18,432 = 28,512: +19,104. BN channels: 64 -> 32 + 32 + 64: +64,
    // i.e. +64 trainable (beta) and +128 non-trainable.
    const d = {
      trainable: row(4).params.trainable - row(3).params.trainable,
      nonTrainable: row(4).params.nonTrainable - row(3).params.nonTrainable,
    };
    expect(d).toEqual({ trainable: 19_104 + 64, nonTrainable: 128 });
    // Multiply-adds: 147^2 * 9,408 = 203,297,472 -> 149^2 * 864 + 147^2 * (9,216 + 18,432) = 616,627,296.
    expect(row(4).macs - row(3).macs).toBe(616_627_296 - 203_297_472);
    // The aux head is untouched.
    expect(row(4).aux).toEqual(row(3).aux);
    const t = mainRows45();
    expect(row(4).main.params).toEqual({ total: t.total, trainable: t.trainable, nonTrainable: t.nonTrainable });
    expect(row(4).main.macs).toBe(t.macs);
    // The new stem's nodes: named under the replaced conv1, its output keeping the name.
    expect(
      row(4)
        .nodes.slice(0, 5)
        .map((n) => [n.name, n.op, n.outputShape]),
    ).toEqual([
      ['input', 'input', [299, 299, 3]],
      ['conv1/conv1', 'conv', [149, 149, 32]],
      ['conv1/conv2', 'conv', [147, 147, 32]],
      ['conv1', 'conv', [147, 147, 64]],
      ['maxpool1', 'maxpool', [73, 73, 64]],
    ]);
    // Their kernels, strides and paddings (the IR, through the library).
    const g = buildNetwork(loadProgram(join(stdlibDir, 'table3.incp')), { args: { row: 4 } }).graph!;
    const conv = (name: string) => {
      const a = g.nodes.find((n) => n.name === name)!.attrs;
      return a.op === 'conv' ? [a.kernel, a.stride, a.padding, a.filters, a.bias, a.bn?.scale, a.activation] : a.op;
    };
    expect(conv('conv1/conv1')).toEqual([[3, 3], [2, 2], 'valid', 32, false, false, 'relu']);
    expect(conv('conv1/conv2')).toEqual([[3, 3], [1, 1], 'valid', 32, false, false, 'relu']);
    expect(conv('conv1')).toEqual([[3, 3], [1, 1], 'same', 64, false, false, 'relu']);
  });

  test('row 5 = row 4 + BN on the aux dense 1024: delta by hand', () => {
    expect(row(5).params.trainable - row(4).params.trainable).toBe(-1024 + 1024 + 1024); // -bias +beta +gamma
    expect(row(5).params.nonTrainable - row(4).params.nonTrainable).toBe(2048); // moving mean and variance
    expect(row(5).macs).toBe(row(4).macs);
    expect(row(5).main).toEqual(row(4).main);
    expect(row(5).aux[0]!.params).toEqual(params(auxBN));
    expect(row(5).aux[0]!.macs).toBe(auxMacs);
    const aux = row(5)
      .nodes.filter((n) => n.head === 'aux_logits')
      .map((n) => [n.name, n.op, n.outputShape]);
    expect(aux).toEqual([
      ['aux_logits/avgpool1', 'avgpool', [5, 5, 768]],
      ['aux_logits/conv1', 'conv', [5, 5, 128]],
      ['aux_logits/flatten1', 'flatten', [3200]],
      ['aux_logits/dense1/dense1', 'dense', [1024]],
      ['aux_logits/dense1/batchnorm1', 'batchnorm', [1024]],
      ['aux_logits/dense1', 'activation', [1024]],
      ['aux_logits/dropout1', 'dropout', [1024]],
      ['aux_logits/logits', 'dense', [1000]],
      ['aux_logits', 'softmax', [1000]],
    ]);
    // Row 5, the paper's Inception-v3: 25,973,512 + 4,404,584 parameters.
    expect(row(5).params.total).toBe(25_973_512 + 4_404_584);
  });

  test('rows 4 and 5: the main path is std/inception_v2 InceptionV2, layer for layer', () => {
    expect(row(4).main).toEqual(v2.main);
    expect(row(5).main).toEqual(v2.main);
    expect(v2.main.params.total).toBe(25_973_512);
    // The same ops, shapes and counts in the same order; only the stem's names differ (the rule names the
    // new convs under the one it replaced; InceptionV2 numbers them conv1..conv6).
    const layers = (s: Summary) =>
      s.nodes.filter((n) => n.head === 'main').map((n) => [n.op, n.outputShape, n.params, n.macs]);
    expect(layers(row(5))).toEqual(layers(v2));
    const names = (s: Summary) => s.nodes.filter((n) => n.head === 'main').map((n) => n.name);
    const modules = (s: Summary) =>
      names(s).filter((n) => n.startsWith('mixed') || ['pool', 'logits', 'predictions'].includes(n));
    expect(modules(row(5))).toEqual(modules(v2));
    expect(names(row(5)).slice(0, 8)).toEqual([
      'input',
      'conv1/conv1',
      'conv1/conv2',
      'conv1',
      'maxpool1',
      'conv2',
      'conv3',
      'conv4',
    ]);
    expect(names(v2).slice(0, 8)).toEqual(['input', 'conv1', 'conv2', 'conv3', 'maxpool1', 'conv4', 'conv5', 'conv6']);
  });

  test('the default row is 5', () => {
    expect(summary('stdlib/table3.incp')).toEqual(row(5));
  });
});

describe('std/table3: training settings differ by row (library API)', () => {
  const program = loadProgram(join(stdlibDir, 'table3.incp'));
  const training = (n: number) => {
    const r = buildNetwork(program, { args: { row: n } });
    if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
    return Object.fromEntries(r.graph.training.map((t) => [t.key, t.value]));
  };
  // Section 8: batch 32, 100 epochs, learning rate 0.045 decayed every two epochs by 0.94, clipping at 2.0.
  const common = {
    batch_size: 32,
    epochs: 100,
    schedule: { name: 'exponential', args: [], rate: 0.94, every: 2 },
    clip: { name: 'global_norm', args: [2] },
  };

  test('row 1: SGD with momentum', () => {
    expect(training(1)).toEqual({ ...common, optimizer: { name: 'momentum', args: [], lr: 0.045, momentum: 0.9 } });
  });

  test('row 2: RMSProp, decay 0.9, epsilon 1.0', () => {
    expect(training(2)).toEqual({
      ...common,
      optimizer: { name: 'rmsprop', args: [], lr: 0.045, decay: 0.9, epsilon: 1 },
    });
  });

  test('rows 3-5: + label smoothing 0.1', () => {
    const rmsprop = { name: 'rmsprop', args: [], lr: 0.045, decay: 0.9, epsilon: 1 };
    for (const n of [3, 4, 5]) expect(training(n)).toEqual({ ...common, optimizer: rmsprop, label_smoothing: 0.1 });
  });

  test('the rules each row applies', () => {
    const applied = (n: number) =>
      buildNetwork(program, { args: { row: n } }).applications.map(
        (a) => `${a.rule} at ${a.before.map((b) => b.name).join(', ')}`,
      );
    expect(applied(3)).toEqual([]);
    expect(applied(4)).toEqual(['factorized_7x7 at conv1']);
    expect(applied(5)).toEqual(['factorized_7x7 at conv1', 'bn_auxiliary at aux_logits/dense1']);
  });
});
