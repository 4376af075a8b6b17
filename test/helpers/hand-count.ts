/**
 * Counting by hand, for the stdlib tests: a tally of weights, batch-norm channels and multiply-adds
 * that the tests fill layer by layer from the papers and the reference implementations (written out in
 * each test), never from incc's output. Nothing here imports the compiler.
 *
 * Conventions (Keras, as FACTS.md states): a conv has kh*kw*cin*cout weights (+ cout with a bias);
 * its batch norm has beta trainable, gamma trainable only with scale, and a moving mean and variance
 * (2 per channel, non-trainable). A dense layer has nin*nout weights + nout biases. Multiply-adds
 * count conv (weights without bias x output positions) and dense (nin*nout) only.
 */

/** TensorFlow's SAME: ceil(in / stride). */
export const same = (input: number, stride = 1): number => Math.ceil(input / stride);
/** TensorFlow's VALID: ceil((in - k + 1) / stride). */
export const valid = (input: number, k: number, stride = 1): number => Math.ceil((input - k + 1) / stride);

export class Tally {
  /** Conv kernels, conv biases, dense weights and biases: all trainable. */
  weights = 0;
  /** Channels of batch norm layers. */
  bnChannels = 0;
  macs = 0;

  constructor(readonly bnScale = false) {}

  /** A conv on an hw x hw output grid (pass [h, w] for a non-square one). Returns cout. */
  conv(
    kh: number,
    kw: number,
    cin: number,
    cout: number,
    out: number | [number, number],
    o: { bias?: boolean; bn?: boolean } = {},
  ): number {
    const [h, w] = typeof out === 'number' ? [out, out] : out;
    const kernel = kh * kw * cin * cout;
    this.weights += kernel + (o.bias ? cout : 0);
    if (o.bn ?? true) this.bnChannels += cout;
    this.macs += kernel * h * w;
    return cout;
  }

  dense(nin: number, nout: number, bias = true): number {
    this.weights += nin * nout + (bias ? nout : 0);
    this.macs += nin * nout;
    return nout;
  }

  get trainable(): number {
    return this.weights + this.bnChannels * (this.bnScale ? 2 : 1);
  }

  get nonTrainable(): number {
    return 2 * this.bnChannels;
  }

  get total(): number {
    return this.trainable + this.nonTrainable;
  }
}

// ---- the modules of "Rethinking the Inception Architecture", as FACTS.md describes them --------------
// Each takes the input channels and grid side and returns the output channels. Every conv: no bias, BN.

/**
 * Table 1's stem on 299x299x3, to 35x35x288: 3x3/2 32 valid (149), 3x3 32 valid (147), 3x3 64 SAME (147), maxpool
 * 3x3/2 valid (73), then table1StemAfterPool. Returns the channels.
 */
export function table1Stem(t: Tally): number {
  t.conv(3, 3, 3, 32, 149);
  t.conv(3, 3, 32, 32, 147);
  t.conv(3, 3, 32, 64, 147);
  return table1StemAfterPool(t);
}

/** Table 1's stem after its max pool (73x73x64): 3x3 80 valid (71), 3x3/2 192 valid (35), 3x3 288 SAME (35). */
export function table1StemAfterPool(t: Tally): number {
  t.conv(3, 3, 64, 80, 71);
  t.conv(3, 3, 80, 192, 35);
  return t.conv(3, 3, 192, 288, 35);
}

/**
 * Figure 5 (35x35): 1x1 64 | 1x1 48 -> kxk 64 | 1x1 64 -> 3x3 96 -> 3x3 96 | avgpool -> 1x1 pool_proj. The figure's
 * k is 3 (its 5x5 factorized); the reference's mixed0-2 (Keras InceptionA, referenceA) keep a real 5x5.
 */
export function figure5(t: Tally, cin: number, hw: number, poolProj = 64, k = 3): number {
  const b1 = t.conv(1, 1, cin, 64, hw);
  t.conv(1, 1, cin, 48, hw);
  const bk = t.conv(k, k, 48, 64, hw);
  t.conv(1, 1, cin, 64, hw);
  t.conv(3, 3, 64, 96, hw);
  const b3dbl = t.conv(3, 3, 96, 96, hw);
  const pool = t.conv(1, 1, cin, poolProj, hw);
  return b1 + bk + b3dbl + pool;
}

/** The reference's mixed0-2 (Keras InceptionA): as Figure 5 but a real 5x5 in the second branch. */
export const referenceA = (t: Tally, cin: number, hw: number, poolProj: number): number =>
  figure5(t, cin, hw, poolProj, 5);

/** Figure 10 / mixed3 (35 -> 17): 3x3/2 valid 384 | 1x1 64 -> 3x3 96 -> 3x3/2 valid 96 | maxpool 3x3/2. */
export function figure10(t: Tally, cin: number, hw: number): { channels: number; hw: number } {
  const out = valid(hw, 3, 2);
  const b3 = t.conv(3, 3, cin, 384, out);
  t.conv(1, 1, cin, 64, hw);
  t.conv(3, 3, 64, 96, hw);
  const b3dbl = t.conv(3, 3, 96, 96, out);
  return { channels: b3 + b3dbl + cin, hw: out };
}

/**
 * Figure 6 (17x17, n = 7): 1x1 192 | 1x1 c -> 1x7 c -> 7x1 192 | 1x1 c -> 7x1 c -> 1x7 c -> 7x1 c -> 1x7 192 | avgpool
 * -> 1x1 192.
 */
export function figure6(t: Tally, cin: number, c: number, hw: number): number {
  const b1 = t.conv(1, 1, cin, 192, hw);
  t.conv(1, 1, cin, c, hw);
  t.conv(1, 7, c, c, hw);
  const b7 = t.conv(7, 1, c, 192, hw);
  t.conv(1, 1, cin, c, hw);
  t.conv(7, 1, c, c, hw);
  t.conv(1, 7, c, c, hw);
  t.conv(7, 1, c, c, hw);
  const b7dbl = t.conv(1, 7, c, 192, hw);
  const pool = t.conv(1, 1, cin, 192, hw);
  return b1 + b7 + b7dbl + pool;
}

/** mixed8 (17 -> 8): 1x1 192 -> 3x3/2 valid 320 | 1x1 192 -> 1x7 192 -> 7x1 192 -> 3x3/2 valid 192 | maxpool 3x3/2. */
export function figure10Factorized(t: Tally, cin: number, hw: number): { channels: number; hw: number } {
  const out = valid(hw, 3, 2);
  t.conv(1, 1, cin, 192, hw);
  const b3 = t.conv(3, 3, 192, 320, out);
  t.conv(1, 1, cin, 192, hw);
  t.conv(1, 7, 192, 192, hw);
  t.conv(7, 1, 192, 192, hw);
  const b7 = t.conv(3, 3, 192, 192, out);
  return { channels: b3 + b7 + cin, hw: out };
}

/**
 * Figure 7 (8x8): 1x1 320 | 1x1 384 -> (1x3 384 || 3x1 384) | 1x1 448 -> 3x3 384 -> (1x3 384 || 3x1 384) | avgpool ->
 * 1x1 192.
 */
export function figure7(t: Tally, cin: number, hw: number): number {
  const b1 = t.conv(1, 1, cin, 320, hw);
  t.conv(1, 1, cin, 384, hw);
  const b3 = t.conv(1, 3, 384, 384, hw) + t.conv(3, 1, 384, 384, hw);
  t.conv(1, 1, cin, 448, hw);
  t.conv(3, 3, 448, 384, hw);
  const b3dbl = t.conv(1, 3, 384, 384, hw) + t.conv(3, 1, 384, 384, hw);
  const pool = t.conv(1, 1, cin, 192, hw);
  return b1 + b3 + b3dbl + pool;
}

/**
 * The reference Inception-v3 from the 35x35x192 grid before mixed0 to the logits (FACTS.md, "The
 * reference implementation"): mixed0 .. mixed10, global average pool, dense with bias.
 */
export function referenceV3Body(t: Tally, classes = 1000): number {
  let c = 192;
  for (const p of [32, 64, 64]) c = referenceA(t, c, 35, p);
  const r1 = figure10(t, c, 35);
  c = r1.channels;
  for (const w of [128, 160, 160, 192]) c = figure6(t, c, w, r1.hw);
  const r2 = figure10Factorized(t, c, r1.hw);
  c = r2.channels;
  for (let i = 0; i < 2; i++) c = figure7(t, c, r2.hw);
  return t.dense(c, classes);
}
