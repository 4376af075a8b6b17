/**
 * std/googlenet: GoogLeNet (Szegedy et al. 2015, Table 1), the paper's form and torchvision's
 * batch-normalized one. Expected numbers are worked out by hand here, and checked against
 * torchvision's published count (6,624,904 parameters, BN gamma + beta, "5x5" branch with a 3x3 kernel)
 * and its published cost (1.50 GFLOPS, which torchvision counts as multiply-adds).
 */
import { same, Tally, valid } from './helpers/hand-count.js';
import { expectShapes, summaryOf } from './helpers/stdlib.js';

/** GoogLeNet Table 1's columns: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
const table: [string, number, number, number, number, number, number][] = [
  ['inception3a', 64, 96, 128, 16, 32, 32],
  ['inception3b', 128, 128, 192, 32, 96, 64],
  ['inception4a', 192, 96, 208, 16, 48, 64],
  ['inception4b', 160, 112, 224, 24, 64, 64],
  ['inception4c', 128, 128, 256, 24, 64, 64],
  ['inception4d', 112, 144, 288, 32, 64, 64],
  ['inception4e', 256, 160, 320, 32, 128, 128],
  ['inception5a', 256, 160, 320, 32, 128, 128],
  ['inception5b', 384, 192, 384, 48, 128, 128],
];

/** The whole network by hand; returns the tally and the channels after each module. */
function handGoogLeNet(o: { k5: number; bn: boolean; scale: boolean; aux?: boolean }): {
  t: Tally;
  channels: Record<string, number>;
} {
  const t = new Tally(o.scale);
  const conv = (k: number, cin: number, cout: number, hw: number) =>
    t.conv(k, k, cin, cout, hw, { bias: !o.bn, bn: o.bn });
  const aux = (cin: number) => {
    // avgpool 5x5/3 valid on 14: ceil(10/3) = 4; 1x1 conv 128 on 4x4; flatten 4*4*128 = 2048; fc 1024; fc classes
    conv(1, cin, 128, 4);
    t.dense(4 * 4 * 128, 1024);
    t.dense(1024, 1000);
  };
  const channels: Record<string, number> = {};
  conv(7, 3, 64, 112);
  conv(1, 64, 64, 56);
  let c = conv(3, 64, 192, 56);
  for (const [name, b1, r3, b3, r5, b5, pp] of table) {
    const hw = name.startsWith('inception3') ? 28 : name.startsWith('inception4') ? 14 : 7;
    conv(1, c, b1, hw);
    conv(1, c, r3, hw);
    conv(3, r3, b3, hw);
    conv(1, c, r5, hw);
    conv(o.k5, r5, b5, hw);
    conv(1, c, pp, hw);
    c = channels[name] = b1 + b3 + b5 + pp;
    if (o.aux && (name === 'inception4a' || name === 'inception4d')) aux(c);
  }
  t.dense(1024, 1000);
  return { t, channels };
}

describe('std/googlenet: shapes', () => {
  const s = summaryOf('googlenet.incp');

  test('the grid: 224 -> 112 -> 56 -> 28 -> 14 -> 7 -> 1 (TensorFlow SAME, as the paper)', () => {
    expect(same(224, 2)).toBe(112);
    expect(same(112, 2)).toBe(56);
    expect(same(56, 2)).toBe(28);
    expect(same(28, 2)).toBe(14);
    expect(same(14, 2)).toBe(7);
    expect(valid(7, 7)).toBe(1);
    expectShapes(s, { conv1: [112, 112, 64], pool1: [56, 56, 64], conv2: [56, 56, 64], conv3: [56, 56, 192] });
    expectShapes(s, { pool2: [28, 28, 192], pool3: [14, 14, 480], pool4: [7, 7, 832], pool5: [1, 1, 1024] });
    expect(s.output).toEqual([1000]);
  });

  test("module outputs: #1x1 + #3x3 + #5x5 + pool proj (Table 1's output sizes)", () => {
    const outputs: Record<string, number[]> = {
      inception3a: [28, 28, 64 + 128 + 32 + 32], // 256
      inception3b: [28, 28, 128 + 192 + 96 + 64], // 480
      inception4a: [14, 14, 192 + 208 + 48 + 64], // 512
      inception4b: [14, 14, 160 + 224 + 64 + 64], // 512
      inception4c: [14, 14, 128 + 256 + 64 + 64], // 512
      inception4d: [14, 14, 112 + 288 + 64 + 64], // 528
      inception4e: [14, 14, 256 + 320 + 128 + 128], // 832
      inception5a: [7, 7, 256 + 320 + 128 + 128], // 832
      inception5b: [7, 7, 384 + 384 + 128 + 128], // 1024
    };
    expectShapes(s, outputs);
    expect(Object.values(outputs).map((o) => o[2])).toEqual([256, 480, 512, 512, 512, 528, 832, 832, 1024]);
  });
});

describe("std/googlenet: torchvision's batch-normalized GoogLeNet", () => {
  const s = summaryOf('googlenet.incp', undefined, { batch_norm: true, bn_scale: true, b5_kernel: 3 });

  test('conv weights and BN channels, written out', () => {
    // Conv weights (no biases), "5x5" branch with a 3x3 kernel as torchvision builds it, module by module:
    // cin x (#1x1 + #3x3 reduce + #5x5 reduce + pool proj) + 9 x #3x3reduce x #3x3 + 9 x #5x5reduce x #5x5,
    // cin being conv3's 192 channels for 3a, then the output of the module before (Table 1).
    const stem = 7 * 7 * 3 * 64 + 64 * 64 + 9 * 64 * 192; // 9408 + 4096 + 110592
    const cin = [192, 256, 480, 512, 512, 512, 528, 832, 832];
    const perModule = table.map(
      ([, b1, r3, b3, r5, b5, pp], i) => cin[i]! * (b1 + r3 + r5 + pp) + 9 * (r3 * b3 + r5 * b5),
    );
    // 3a: 192 x 208 + 9 x (96 x 128 + 16 x 32) = 39,936 + 115,200; 5b: 832 x 752 + 9 x (192 x 384 + 48 x 128) =
    // 625,664 + 718,848.
    expect(perModule).toEqual([155_136, 338_944, 363_264, 423_936, 484_864, 571_904, 801_792, 976_896, 1_344_512]);
    const modules = perModule.reduce((a, b) => a + b, 0);
    expect(stem + modules).toBe(5_585_344);
    // BN channels: every conv's outputs; a module's are the sum of its six columns.
    const bn = 64 + 64 + 192 + table.reduce((sum, [, ...columns]) => sum + columns.reduce((a, b) => a + b, 0), 0);
    expect(bn).toBe(7_280);
    const fc = 1024 * 1000 + 1000;
    // torchvision counts gamma and beta: its published 6,624,904.
    expect(stem + modules + 2 * bn + fc).toBe(6_624_904);
    // Keras convention with bn_scale: trainable = torchvision's count; moving mean and variance non-trainable.
    expect(s.params.trainable).toBe(6_624_904);
    expect(s.params.nonTrainable).toBe(2 * bn);
    expect(s.params.total).toBe(6_624_904 + 2 * 7_280);
  });

  test('layer by layer, with multiply-adds (torchvision: 1.50 GFLOPS)', () => {
    const { t } = handGoogLeNet({ k5: 3, bn: true, scale: true });
    expect(s.params).toEqual({ total: t.total, trainable: t.trainable, nonTrainable: t.nonTrainable });
    expect(s.macs).toBe(t.macs);
    expect(Math.round(t.macs / 1e7) / 100).toBe(1.5);
  });

  test('without bn_scale, gamma is not learned: 7,280 fewer trainable', () => {
    const noScale = summaryOf('googlenet.incp', undefined, { batch_norm: true, b5_kernel: 3 });
    expect(noScale.params.trainable).toBe(6_624_904 - 7_280);
    expect(noScale.params.nonTrainable).toBe(2 * 7_280);
  });

  test('aux heads (torchvision InceptionAux: 1x1 conv 128 + BN, fc 2048 -> 1024, fc 1024 -> 1000)', () => {
    const withAux = summaryOf('googlenet.incp', undefined, {
      batch_norm: true,
      bn_scale: true,
      b5_kernel: 3,
      aux_heads: true,
    });
    // aux1 on 4a (512 channels), aux2 on 4d (528): conv cin*128 + gamma, beta (2*128), fc 2048*1024 + 1024, fc
    // 1024*1000 + 1000
    const head = (cin: number) => cin * 128 + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000;
    expect(head(512) + head(528)).toBe(6_379_984);
    expect(withAux.params.trainable).toBe(6_624_904 + head(512) + head(528)); // 13,004,888
    expect(withAux.aux.map((a) => [a.name, a.from, a.weight, a.output])).toEqual([
      ['aux1', 'inception4a', 0.3, [1000]],
      ['aux2', 'inception4d', 0.3, [1000]],
    ]);
    const { t } = handGoogLeNet({ k5: 3, bn: true, scale: true, aux: true });
    expect(withAux.params.total).toBe(t.total);
    expect(withAux.macs).toBe(t.macs);
  });
});

describe("std/googlenet: the paper's GoogLeNet (bias, no batch norm, 5x5)", () => {
  const s = summaryOf('googlenet.incp');

  test('parameters: the torchvision count with 5x5 kernels and biases instead of batch norm', () => {
    // Going from 3x3 to 5x5 adds 16 x #5x5reduce x #5x5 per module:
    const extra5x5 = 16 * (16 * 32 + 32 * 96 + 16 * 48 + 24 * 64 + 24 * 64 + 32 * 64 + 32 * 128 + 32 * 128 + 48 * 128);
    expect(extra5x5).toBe(380_928); // 16 x 23,808
    // Biases replace batch norm: one per conv output channel (7,280 of them), where torchvision counts two.
    expect(s.params.total).toBe(6_624_904 + extra5x5 - 7_280); // 6,998,552
    expect(s.params.nonTrainable).toBe(0);
    const { t } = handGoogLeNet({ k5: 5, bn: false, scale: false });
    expect(s.params.total).toBe(t.total);
    expect(s.macs).toBe(t.macs);
    // The paper quotes "1.5 billion multiply-adds at inference time": 1.58 G by this count.
    expect(t.macs).toBeGreaterThan(1.5e9);
    expect(t.macs).toBeLessThan(1.6e9);
  });

  test('the head: 7x7 average pool, dropout 0.4, linear, softmax', () => {
    const ops = s.nodes.slice(-5).map((n) => [n.op, n.outputShape]);
    expect(ops).toEqual([
      ['avgpool', [1, 1, 1024]],
      ['flatten', [1024]],
      ['dropout', [1024]],
      ['dense', [1000]],
      ['softmax', [1000]],
    ]);
  });
});
