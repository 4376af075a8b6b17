/** transpose4 (backends/common/transpose.ts) against layouts written out by hand. */
import { transpose4 } from '../backends/common/transpose.js';

describe('transpose4', () => {
  test('NHWC [1, 2, 2, 3] to NCHW: each channel plane in turn', () => {
    // Pixel (y, x) holds channels [10(y*2+x), 10(y*2+x)+1, 10(y*2+x)+2].
    const nhwc = new Float32Array([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]);
    expect(Array.from(transpose4(nhwc, [1, 2, 2, 3], [0, 3, 1, 2]))).toEqual([
      0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32,
    ]);
  });

  test('HWIO [1, 2, 3, 2] to OIHW and back', () => {
    // w[y][x][i][o] = 100o + 10i + x (y is 0).
    const hwio = new Float32Array(12);
    for (let x = 0; x < 2; x++)
      for (let i = 0; i < 3; i++) for (let o = 0; o < 2; o++) hwio[(x * 3 + i) * 2 + o] = 100 * o + 10 * i + x;
    const oihw = transpose4(hwio, [1, 2, 3, 2], [3, 2, 0, 1]);
    expect(Array.from(oihw)).toEqual([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
    expect(Array.from(transpose4(oihw, [2, 3, 1, 2], [2, 3, 1, 0]))).toEqual(Array.from(hwio));
  });
});
