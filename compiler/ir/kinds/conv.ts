/**
 * `conv KxK N`: a 2-D convolution (+ bias), then batch normalization when `bn` is set, then the activation:
 * TF-slim's conv2d with a normalizer, one node so that a rewrite rule replaces it whole (spec/ir.md).
 * Kernel kh x kw x C_in x N weights; multiply-adds H'·W'·kh·kw·C_in·N.
 */
import type { Activation, AttrsOf, Padding } from '../ir.js';
import { kernelText } from '../../print/text.js';
import type { LayerKind } from './kind.js';
import { batchNormVariables, biasVariables, convOptions, convolutionAttrs, convolutionOptions } from './options.js';
import { windowOutput } from './spatial.js';

/** Weights of a full kh x kw convolution from C_in to C_out channels (the paper's arithmetic). */
export function convWeights(kernel: readonly number[], cin: number, cout: number): number {
  return kernel[0]! * kernel[1]! * cin * cout;
}

/** Multiply-adds of that convolution producing an H' x W' grid. */
export function convMacs(grid: readonly number[], kernel: readonly number[], cin: number, cout: number): number {
  return grid[0]! * grid[1]! * convWeights(kernel, cin, cout);
}

/** `valid` when the padding is, and `act=...` unless the activation is ReLU (as Inception's convolutions are). */
export function convDescriptionOptions(a: { padding: Padding; activation: Activation }): string[] {
  return [...(a.padding === 'valid' ? ['valid'] : []), ...(a.activation !== 'relu' ? [`act=${a.activation}`] : [])];
}

export const conv: LayerKind<AttrsOf<'conv'>> = {
  syntax: [
    {
      name: 'conv',
      summary: '2-D convolution, optionally with batch norm, then an activation',
      options: convOptions,
      build: (o) => ({ op: 'conv', ...convolutionAttrs(o) }),
    },
  ],
  infer(a, inputs, span) {
    const input = inputs[0] ?? [];
    const grid = windowOutput(a, input, 'conv', span);
    return { shape: [...grid, a.filters], macs: convMacs(grid, a.kernel, input[2]!, a.filters) };
  },
  variables(a, input) {
    return [
      { path: 'kernel', role: 'kernel', shape: [a.kernel[0], a.kernel[1], input[2]!, a.filters], trainable: true },
      ...biasVariables(a.bias, a.filters),
      ...(a.bn ? batchNormVariables('bn/', a.filters, a.bn) : []),
    ];
  },
  describe: (a) => ({ head: `conv ${kernelText(a)} ${a.filters}`, options: convDescriptionOptions(a) }),
  options: (a) => ({ kind: 'conv', options: convolutionOptions(a) }),
  convolution: (a) => ({ ...a, full: true }),
};
