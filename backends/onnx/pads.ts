/**
 * TensorFlow's padding as explicit ONNX `pads` ([top, left, bottom, right]). The pads per axis are the IR's
 * (compiler/ir/kinds/spatial.ts: SAME puts the odd extra pad at the end, ONNX's SAME_UPPER); `auto_pad`
 * is deprecated in ONNX, so the backend always emits the numbers.
 */
import type { Padding } from '../../compiler/ir/ir.js';
import { axisPads } from '../../compiler/ir/kinds/spatial.js';

export { axisPads };

/** ONNX 2-D `pads`: [top, left, bottom, right]. */
export function onnxPads(
  input: [number, number],
  kernel: [number, number],
  stride: [number, number],
  padding: Padding,
): [number, number, number, number] {
  const [top, bottom] = axisPads(input[0], kernel[0], stride[0], padding);
  const [left, right] = axisPads(input[1], kernel[1], stride[1], padding);
  return [top, left, bottom, right];
}
