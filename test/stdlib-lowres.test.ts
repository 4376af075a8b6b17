/**
 * std/lowres: the section-9 networks for 151x151 and 79x79 input. Grid sizes are worked out here by
 * TensorFlow's rules; parameter and multiply-add counts by hand (helpers/hand-count), anchored on the
 * published Keras Inception-v3 count (23,851,784), never on incc's output.
 */
import { referenceV3Body, same, Tally, valid } from './helpers/hand-count.js';
import { shapeOf, summaryOf } from './helpers/stdlib.js';

const v3 = summaryOf('inception_v3.incp');
const r151 = summaryOf('lowres.incp', 'InceptionV3Res151');
const r79 = summaryOf('lowres.incp', 'InceptionV3Res79');

/**
 * The reference stem, by hand, from an input of side `n`: stride of the first conv, padding of the third, whether the
 * first max pool is there.
 */
function handStem(t: Tally, n: number, o: { stride: number; thirdValid: boolean; firstPool: boolean }): number[] {
  const sizes: number[] = [];
  let g = valid(n, 3, o.stride);
  t.conv(3, 3, 3, 32, g);
  sizes.push(g);
  g = valid(g, 3);
  t.conv(3, 3, 32, 32, g);
  sizes.push(g);
  g = o.thirdValid ? valid(g, 3) : same(g);
  t.conv(3, 3, 32, 64, g);
  sizes.push(g);
  if (o.firstPool) sizes.push((g = valid(g, 3, 2)));
  g = valid(g, 1);
  t.conv(1, 1, 64, 80, g);
  sizes.push(g);
  g = valid(g, 3);
  t.conv(3, 3, 80, 192, g);
  sizes.push(g);
  sizes.push((g = valid(g, 3, 2)));
  return sizes;
}

describe('std/lowres: grid sizes stage by stage', () => {
  test('299 (reference): stride 2, max pool after the first layer', () => {
    // 299 -/2-> ceil(297/2)=149 -> 147 -> 147 (same) -pool-> ceil(145/2)=73 -> 73 (1x1) -> 71 -pool-> ceil(69/2)=35
    expect(handStem(new Tally(), 299, { stride: 2, thirdValid: false, firstPool: true })).toEqual([
      149, 147, 147, 73, 73, 71, 35,
    ]);
    expect(shapeOf(v3, 'maxpool2')).toEqual([35, 35, 192]);
  });

  test('151: stride 1, max pool after the first layer', () => {
    // 151 -> 149 -> 147 -> 147 (same) -pool-> 73 -> 73 -> 71 -pool-> 35: from the first conv on, the 299 network's grid
    expect(handStem(new Tally(), 151, { stride: 1, thirdValid: false, firstPool: true })).toEqual([
      149, 147, 147, 73, 73, 71, 35,
    ]);
    expect(r151.input).toEqual([151, 151, 3]);
    const stem = ['conv1', 'conv2', 'conv3', 'maxpool1', 'conv4', 'conv5', 'maxpool2'];
    expect(stem.map((n) => shapeOf(r151, n).slice(0, 2))).toEqual([149, 147, 147, 73, 73, 71, 35].map((g) => [g, g]));
  });

  test('79: stride 1, no max pool after the first layer, third conv unpadded', () => {
    // 79 -> 77 -> 75 -> 73 (valid) -> 73 (1x1) -> 71 -pool-> ceil(69/2) = 35
    expect(handStem(new Tally(), 79, { stride: 1, thirdValid: true, firstPool: false })).toEqual([
      77, 75, 73, 73, 71, 35,
    ]);
    // With the third conv padded as in v3, the grid would miss: 79 -> 77 -> 75 -> 75 -> 75 -> 73 -> ceil(71/2) = 36.
    expect(handStem(new Tally(), 79, { stride: 1, thirdValid: false, firstPool: false })).toEqual([
      77, 75, 75, 75, 73, 36,
    ]);
    expect(r79.input).toEqual([79, 79, 3]);
    const stem = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'maxpool1'];
    expect(stem.map((n) => shapeOf(r79, n).slice(0, 2))).toEqual([77, 75, 73, 73, 71, 35].map((g) => [g, g]));
  });

  test("from mixed0 on, every block has the 299 network's shape", () => {
    // FACTS.md: mixed0 35x35x256; mixed1, mixed2 35x35x288; mixed3-7 17x17x768; mixed8 8x8x1280; mixed9-10 8x8x2048.
    const expected: Record<string, number[]> = {
      mixed0: [35, 35, 256],
      mixed1: [35, 35, 288],
      mixed2: [35, 35, 288],
      mixed3: [17, 17, 768],
      mixed4: [17, 17, 768],
      mixed5: [17, 17, 768],
      mixed6: [17, 17, 768],
      mixed7: [17, 17, 768],
      mixed8: [8, 8, 1280],
      mixed9: [8, 8, 2048],
      mixed10: [8, 8, 2048],
    };
    for (const s of [v3, r151, r79]) {
      for (const [name, shape] of Object.entries(expected))
        expect([s.network, name, shapeOf(s, name)]).toEqual([s.network, name, shape]);
      expect(s.output).toEqual([1000]);
    }
  });
});

describe('std/lowres: parameters and multiply-adds', () => {
  function hand(n: number, o: { stride: number; thirdValid: boolean; firstPool: boolean }): Tally {
    const t = new Tally();
    handStem(t, n, o);
    referenceV3Body(t);
    return t;
  }
  const h299 = hand(299, { stride: 2, thirdValid: false, firstPool: true });
  const h151 = hand(151, { stride: 1, thirdValid: false, firstPool: true });
  const h79 = hand(79, { stride: 1, thirdValid: true, firstPool: false });

  test('the hand model reproduces the published Keras Inception-v3 count', () => {
    expect([h299.total, h299.trainable, h299.nonTrainable]).toEqual([23_851_784, 23_817_352, 34_432]);
    expect(h299.bnChannels).toBe(17_216);
    expect(Math.round(h299.macs / 1e7) / 100).toBe(5.71); // "about 5.71 G multiply-adds"
  });

  test('the same parameters as Inception-v3, exactly', () => {
    // Conv weights depend on kernel and channels only; stride, padding and pooling have no parameters,
    // and the global average pool hands the dense layer 2048 features whatever the grid. So the
    // difference from v3 is 0 (the paper: "almost identical computational cost" -- and identical weights).
    for (const [s, h] of [
      [r151, h151],
      [r79, h79],
    ] as const) {
      expect(h.total).toBe(h299.total);
      expect(s.params).toEqual({ total: 23_851_784, trainable: 23_817_352, nonTrainable: 34_432 });
      expect(s.params).toEqual(v3.params);
    }
  });

  test('multiply-adds: the 151 network equals v3, the 79 network saves only in its first three convs', () => {
    expect(r151.macs).toBe(h151.macs);
    expect(h151.macs).toBe(h299.macs); // every conv output from conv1 on has the v3 grid
    expect(r79.macs).toBe(h79.macs);
    expect(v3.macs).toBe(h299.macs);
    // The first three convs (864, 9216, 18432 weights) run on 149, 147, 147 in v3 and on 77, 75, 73 here;
    // conv4 and conv5 run on 73 and 71 in both.
    const saved = 864 * (149 * 149 - 77 * 77) + 9216 * (147 * 147 - 75 * 75) + 18432 * (147 * 147 - 73 * 73);
    expect(saved).toBe(461_440_512);
    expect(h299.macs - h79.macs).toBe(saved);
    expect(v3.macs - r79.macs).toBe(saved);
  });

  test('the aux head fits the low-resolution networks as it fits v3', () => {
    for (const network of ['InceptionV3Res151', 'InceptionV3Res79']) {
      const s = summaryOf('lowres.incp', network, { aux_head: true });
      // 17x17x768 -> avgpool 5x5/3 -> 5x5 -> 1x1 conv 128 -> 5x5 valid conv 768 -> 1x1 -> 1x1 conv 1000 (bias)
      const weights = 768 * 128 + 25 * 128 * 768 + 768 * 1000 + 1000;
      expect(s.aux[0]!.params.total).toBe(weights + 3 * (128 + 768));
      expect(s.aux[0]!.output).toEqual([1000]);
    }
  });
});
