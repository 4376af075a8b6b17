/**
 * TensorFlow's padding as explicit ONNX `pads`. TF/Keras SAME pads so that out = ceil(in / s), putting the
 * odd extra pad at the end (ONNX's SAME_UPPER): total = max((ceil(in / s) - 1) * s + k - in, 0),
 * begin = floor(total / 2), end = total - begin. VALID pads nothing. `auto_pad` is deprecated in ONNX,
 * so the backend always emits the numbers.
 */
import type { Padding } from '../../compiler/ir/ir.js';

/** [begin, end] for one spatial axis. */
export function axisPads(input: number, kernel: number, stride: number, padding: Padding): [number, number] {
  if (padding === 'valid') return [0, 0];
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + kernel - input, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX 2-D `pads`: [top, left, bottom, right]. */
export function onnxPads(input: [number, number], kernel: [number, number], stride: [number, number], padding: Padding): [number, number, number, number] {
  const [top, bottom] = axisPads(input[0], kernel[0], stride[0], padding);
  const [left, right] = axisPads(input[1], kernel[1], stride[1], padding);
  return [top, left, bottom, right];
}
