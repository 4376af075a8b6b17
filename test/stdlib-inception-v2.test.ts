/**
 * std/inception_v2: the network of Table 1 of the paper (FACTS.md). Every expected number here is
 * worked out by hand from the table and the module descriptions, never taken from incc's output.
 */
import {
  figure10,
  figure10Factorized,
  figure5,
  figure6,
  figure7,
  same,
  table1Stem,
  Tally,
  valid,
} from './helpers/hand-count.js';
import { expectShapes, shapeOf, summaryOf } from './helpers/stdlib.js';

const s = summaryOf('inception_v2.incp');

describe('std/inception_v2: grid sizes (TensorFlow rules)', () => {
  test('the stem follows Table 1 row by row', () => {
    expect(valid(299, 3, 2)).toBe(149); // ceil((299 - 3 + 1) / 2) = ceil(148.5)
    expect(valid(149, 3)).toBe(147);
    expect(same(147)).toBe(147); // "conv padded"
    expect(valid(147, 3, 2)).toBe(73); // pool 3x3/2: ceil(145 / 2)
    expect(valid(73, 3)).toBe(71);
    expect(valid(71, 3, 2)).toBe(35); // ceil(69 / 2)
    expect(same(35)).toBe(35);

    expectShapes(s, { input: [299, 299, 3], conv1: [149, 149, 32], conv2: [147, 147, 32], conv3: [147, 147, 64] });
    expectShapes(s, { maxpool1: [73, 73, 64], conv4: [71, 71, 80], conv5: [35, 35, 192], conv6: [35, 35, 288] });
  });

  test('block outputs: 3 x Figure 5, reduction, 5 x Figure 6, reduction, 2 x Figure 7', () => {
    // Figure 5 (defaults): 1x1 64 + 3x3 64 + 3x3dbl 96 + pool proj 64 = 288
    for (const m of ['mixed0', 'mixed1', 'mixed2']) expect(shapeOf(s, m)).toEqual([35, 35, 64 + 64 + 96 + 64]);
    // Figure 10 on 35x35x288: 384 + 96 + 288 (max pool keeps the channels) = 768; ceil((35 - 2) / 2) = 17
    expect(shapeOf(s, 'mixed3')).toEqual([17, 17, 384 + 96 + 288]);
    // Figure 6: four branches of 192
    for (const m of ['mixed4', 'mixed5', 'mixed6', 'mixed7', 'mixed8'])
      expect(shapeOf(s, m)).toEqual([17, 17, 4 * 192]);
    // Figure 10 factorized on 17x17x768: 320 + 192 + 768 = 1280; ceil((17 - 2) / 2) = 8
    expect(shapeOf(s, 'mixed9')).toEqual([8, 8, 320 + 192 + 768]);
    // Figure 7: 320 + (384 + 384) + (384 + 384) + 192 = 2048
    for (const m of ['mixed10', 'mixed11']) expect(shapeOf(s, m)).toEqual([8, 8, 320 + 2 * 384 + 2 * 384 + 192]);
    expect(shapeOf(s, 'pool')).toEqual([1, 1, 2048]); // 8x8 valid: 8 - 8 + 1
    expect(shapeOf(s, 'logits')).toEqual([1000]);
    expect(s.output).toEqual([1000]);
  });
});

describe('std/inception_v2: parameters and multiply-adds', () => {
  test('closed forms, written out (Keras convention: weights + beta trainable; 2 x channels non-trainable)', () => {
    // Conv weights, no biases.
    const stem =
      3 * 3 * 3 * 32 + 3 * 3 * 32 * 32 + 3 * 3 * 32 * 64 + 3 * 3 * 64 * 80 + 3 * 3 * 80 * 192 + 3 * 3 * 192 * 288;
    expect(stem).toBe(710_496);
    // Figure 5 on 288 channels: 1x1s 288 x (64 + 48 + 64 + 64), then 3x3 48->64, 64->96, 96->96
    const fig5 = 288 * (64 + 48 + 64 + 64) + 9 * 48 * 64 + 9 * 64 * 96 + 9 * 96 * 96;
    expect(fig5).toBe(235_008);
    // Figure 10 on 288: 3x3/2 288->384, 1x1 288->64, 3x3 64->96, 3x3/2 96->96
    const fig10 = 9 * 288 * 384 + 288 * 64 + 9 * 64 * 96 + 9 * 96 * 96;
    expect(fig10).toBe(1_152_000);
    // Figure 6 on 768 with width c: two 1x1 768->192 (branch1x1, pool), two 1x1 768->c; the 7x7 branch
    // has one 7-tap c->c and one c->192, the double 7x7 branch three c->c and one c->192, so four 7-tap
    // c->c (7 c^2 each) and two 7-tap c->192: 2*768*192 + 2*768*c + 4*7*c*c + 2*7*c*192
    const fig6 = (c: number) => 2 * 768 * 192 + 2 * 768 * c + 4 * 7 * c * c + 2 * 7 * c * 192;
    const fig6s = fig6(128) + fig6(160) + fig6(160) + fig6(160) + fig6(192);
    expect(fig6(128)).toBe(1_294_336);
    expect(fig6s).toBe(8_495_104);
    // Figure 10 factorized on 768: 1x1 768->192, 3x3/2 192->320, 1x1 768->192, 1x7 and 7x1 192->192, 3x3/2 192->192
    const fig10f = 768 * 192 + 9 * 192 * 320 + 768 * 192 + 2 * 7 * 192 * 192 + 9 * 192 * 192;
    expect(fig10f).toBe(1_695_744);
    // Figure 7 on cin: 1x1s cin x (320 + 384 + 448 + 192), four 3-tap 384->384, 3x3 448->384
    const fig7 = (cin: number) => cin * (320 + 384 + 448 + 192) + 4 * 3 * 384 * 384 + 9 * 448 * 384;
    expect(fig7(1280) + fig7(2048)).toBe(11_108_352);
    const dense = 2048 * 1000 + 1000;

    const weights = stem + 3 * fig5 + fig10 + fig6s + fig10f + fig7(1280) + fig7(2048) + dense;
    expect(weights).toBe(25_915_720);
    // Batch-norm channels: the output channels of every conv.
    const bn =
      32 +
      32 +
      64 +
      80 +
      192 +
      288 + // stem: 688
      3 * (64 + 48 + 64 + 64 + 96 + 96 + 64) + // Figure 5: 3 x 496
      (384 + 64 + 96 + 96) + // Figure 10: 640
      5 * (192 + 192 + 192 + 192) +
      6 * (128 + 160 + 160 + 160 + 192) + // Figure 6: 768 + 6c each
      (192 + 320 + 192 + 192 + 192 + 192) + // Figure 10 factorized: 1280
      2 * (320 + 384 + 384 + 384 + 448 + 384 + 384 + 384 + 192); // Figure 7: 2 x 3264
    expect(bn).toBe(19_264);

    expect(s.params.trainable).toBe(weights + bn); // 25,934,984
    expect(s.params.nonTrainable).toBe(2 * bn); // 38,528
    expect(s.params.total).toBe(weights + 3 * bn); // 25,973,512
  });

  test('layer by layer, with multiply-adds', () => {
    const t = new Tally();
    let c = table1Stem(t);
    for (let i = 0; i < 3; i++) c = figure5(t, c, 35);
    expect(c).toBe(288);
    const r1 = figure10(t, c, 35);
    expect(r1).toEqual({ channels: 768, hw: 17 });
    c = r1.channels;
    for (const w of [128, 160, 160, 160, 192]) c = figure6(t, c, w, 17);
    const r2 = figure10Factorized(t, c, 17);
    expect(r2).toEqual({ channels: 1280, hw: 8 });
    c = r2.channels;
    for (let i = 0; i < 2; i++) c = figure7(t, c, 8);
    expect(c).toBe(2048);
    t.dense(2048, 1000);

    expect(s.params).toEqual({ total: t.total, trainable: t.trainable, nonTrainable: t.nonTrainable });
    expect(t.total).toBe(25_973_512);
    expect(s.macs).toBe(t.macs);
    // The stem alone: 149^2*864 + 147^2*(9216 + 18432) + 71^2*46080 + 35^2*(138240 + 497664)
    const stemMacs = 149 * 149 * 864 + 147 * 147 * (9216 + 18432) + 71 * 71 * 46080 + 35 * 35 * (138240 + 497664);
    expect(s.nodes.filter((n) => /^conv\d$/.test(n.name)).reduce((a, n) => a + n.macs, 0)).toBe(stemMacs);
  });

  test('the BN-auxiliary head on the last 17x17 module', () => {
    const withAux = summaryOf('inception_v2.incp', undefined, { aux_head: true });
    // avgpool 5x5/3 valid: ceil((17 - 4) / 3) = 5; 1x1 conv 768->128 (BN); 5x5 valid conv 128->768 (BN) -> 1x1;
    // 1x1 conv 768->1000 with bias, no BN.
    const weights = 768 * 128 + 25 * 128 * 768 + 768 * 1000 + 1000;
    const bn = 128 + 768;
    expect(withAux.aux).toHaveLength(1);
    expect(withAux.aux[0]!.from).toBe('mixed8');
    expect(withAux.aux[0]!.output).toEqual([1000]);
    expect(withAux.aux[0]!.params).toEqual({ total: weights + 3 * bn, trainable: weights + bn, nonTrainable: 2 * bn });
    // Cross-check with torchvision's published counts: its aux head is 27,161,264 - 23,834,568 =
    // 3,326,696 parameters with gamma and beta (2 per channel); Keras counts 3 per channel.
    expect(weights + 3 * bn).toBe(27_161_264 - 23_834_568 + bn);
    expect(withAux.params.total).toBe(s.params.total + weights + 3 * bn);
  });
});
