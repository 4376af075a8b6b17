/**
 * TensorFlow's padding as explicit ONNX `pads` (backends/common/pads.ts computes them per axis): `auto_pad`
 * is deprecated in ONNX, so the backend always emits the numbers.
 */
import type { Padding } from '../../compiler/ir/ir.js';
import { axisPads } from '../common/pads.js';

export { axisPads };

/** ONNX 2-D `pads`: [top, left, bottom, right]. */
export function onnxPads(input: [number, number], kernel: [number, number], stride: [number, number], padding: Padding): [number, number, number, number] {
  const [top, bottom] = axisPads(input[0], kernel[0], stride[0], padding);
  const [left, right] = axisPads(input[1], kernel[1], stride[1], padding);
  return [top, left, bottom, right];
}
