/** Axis permutations of 4-D arrays (row-major): kernel layouts (HWIO, OIHW) and feature-map layouts (NHWC, NCHW). */

/**
 * `v`, of shape `dims`, with its axes reordered: axis i of the result is axis `order[i]` of `v`
 * (HWIO [kh, kw, i, o] to OIHW is order [3, 2, 0, 1]; NHWC to NCHW is [0, 3, 1, 2]).
 */
export function transpose4(
  v: Float32Array,
  dims: readonly [number, number, number, number],
  order: readonly [number, number, number, number],
): Float32Array {
  const stride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  const [d0, d1, d2, d3] = order.map((a) => dims[a]!) as [number, number, number, number];
  const [s0, s1, s2, s3] = order.map((a) => stride[a]!) as [number, number, number, number];
  const out = new Float32Array(v.length);
  let k = 0;
  for (let a = 0; a < d0; a++)
    for (let b = 0; b < d1; b++)
      for (let c = 0; c < d2; c++) {
        const base = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < d3; d++) out[k++] = v[base + d * s3]!;
      }
  return out;
}
