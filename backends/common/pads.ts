/**
 * TensorFlow's padding, per spatial axis. TF/Keras SAME pads so that out = ceil(in / s), putting the odd
 * extra pad at the end: total = max((ceil(in / s) - 1) * s + k - in, 0), begin = floor(total / 2),
 * end = total - begin. VALID pads nothing. Used by the backends that pad explicitly (ONNX, PyTorch).
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
