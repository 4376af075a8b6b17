/**
 * The spatial arithmetic of windowed layers (convolutions and pools), TensorFlow's conventions per axis:
 * SAME gives ceil(in / stride) and pads so, the odd extra pad at the end; VALID gives
 * ceil((in - k + 1) / stride) and pads nothing. Backends read the pads from here (the ONNX `pads`).
 */
import type { Span } from '../../syntax/ast.js';
import { fail } from '../../diagnostics/diagnostics.js';
import type { NodeAttrs, Padding, Shape } from '../ir.js';
import { shapeText } from '../../print/text.js';

/** Output length of one spatial axis. */
export function outputLength(input: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

/**
 * [begin, end] padding of one axis: total = max((out - 1) * stride + kernel - in, 0) for SAME,
 * begin = floor(total / 2), end = total - begin (ONNX's SAME_UPPER); VALID pads nothing.
 */
export function axisPads(input: number, kernel: number, stride: number, padding: Padding): [number, number] {
  if (padding === 'valid') return [0, 0];
  const total = Math.max((outputLength(input, kernel, stride, padding) - 1) * stride + kernel - input, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

export interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/** The output grid [H', W'] of a windowed layer on `input`; a map is required, and VALID needs the kernel to fit. */
export function windowOutput(w: Window, input: Shape, op: string, span: Span): [number, number] {
  if (input.length !== 3) fail('spatial-after-flatten', span, { op, shape: shapeText(input) });
  const [h, wd] = input as [number, number, number];
  if (w.padding === 'valid' && (w.kernel[0] > h || w.kernel[1] > wd)) {
    fail('kernel-larger-than-input', span, { op, kernel: shapeText(w.kernel), input: shapeText(input) });
  }
  return [outputLength(h, w.kernel[0], w.stride[0], w.padding), outputLength(wd, w.kernel[1], w.stride[1], w.padding)];
}

/** [[top, bottom], [left, right]]: the padding of a windowed layer on `input` ([H, W, C]), per axis as axisPads. */
export function windowPads(w: Window, input: Shape): [[number, number], [number, number]] {
  return [
    axisPads(input[0]!, w.kernel[0], w.stride[0], w.padding),
    axisPads(input[1]!, w.kernel[1], w.stride[1], w.padding),
  ];
}

/** Whether an average pool divides by zeros of its padding: `count_include_pad` on a window that pads. */
export function countsPadding(a: NodeAttrs, input: Shape): boolean {
  return (
    a.op === 'avgpool' &&
    a.countIncludePad &&
    windowPads(a, input)
      .flat()
      .some((p) => p > 0)
  );
}
