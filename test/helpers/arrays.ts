/** Float arrays in the backend tests: NHWC to NCHW, and how far two outputs are apart. */
import { transpose4 } from '../../backends/common/transpose.js';

/** NHWC -> NCHW for a batch of [h, w, c] maps. */
export function toNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  return transpose4(x, [n, h, w, c], [0, 3, 1, 2]);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
