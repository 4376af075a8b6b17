/**
 * `sepconv KxK N`: a depthwise-separable convolution, as Keras's SeparableConv2D (depth multiplier 1): a
 * kh x kw depthwise convolution of each input channel on its own (with the stride and padding), then a 1x1
 * pointwise convolution to N channels (+ bias), then batch normalization when `bn` is set, then the
 * activation: the options and their order are `conv`'s, and batch norm and the activation come after the
 * pointwise step only (Xception's convention: nothing between the two steps).
 *
 * Variables (Keras names): depthwise_kernel [kh, kw, C_in, 1], pointwise_kernel [1, 1, C_in, N], bias [N];
 * parameters kh·kw·C_in + C_in·N (+ N), multiply-adds H'·W'·kh·kw·C_in + H'·W'·C_in·N.
 */
import type { AttrsOf } from '../ir.js';
import { kernelText } from '../../print/text.js';
import { convDescriptionOptions, convMacs } from './conv.js';
import type { LayerKind } from './kind.js';
import { batchNormVariables, biasVariables, convOptions, convolutionAttrs, convolutionOptions } from './options.js';
import { windowOutput } from './spatial.js';

export const sepconv: LayerKind<AttrsOf<'sepconv'>> = {
  syntax: [
    {
      name: 'sepconv',
      summary:
        'depthwise-separable convolution (depthwise KxK, then 1x1 to the filters), optionally with batch ' +
        'norm, then an activation',
      options: convOptions,
      build: (o) => ({ op: 'sepconv', ...convolutionAttrs(o) }),
    },
  ],
  infer(a, inputs, span) {
    const input = inputs[0] ?? [];
    const grid = windowOutput(a, input, 'sepconv', span);
    const cin = input[2]!;
    // The depthwise step is one kh x kw filter per channel: a full convolution from 1 channel to 1, C_in times.
    return {
      shape: [...grid, a.filters],
      macs: cin * convMacs(grid, a.kernel, 1, 1) + convMacs(grid, [1, 1], cin, a.filters),
    };
  },
  variables(a, input) {
    const cin = input[2]!;
    return [
      {
        path: 'depthwise_kernel',
        role: 'depthwise_kernel',
        shape: [a.kernel[0], a.kernel[1], cin, 1],
        trainable: true,
      },
      { path: 'pointwise_kernel', role: 'pointwise_kernel', shape: [1, 1, cin, a.filters], trainable: true },
      ...biasVariables(a.bias, a.filters),
      ...(a.bn ? batchNormVariables('bn/', a.filters, a.bn) : []),
    ];
  },
  describe: (a) => ({ head: `sepconv ${kernelText(a)} ${a.filters}`, options: convDescriptionOptions(a) }),
  options: (a) => ({ kind: 'sepconv', options: convolutionOptions(a) }),
  convolution: (a) => ({ ...a, full: false }),
};
