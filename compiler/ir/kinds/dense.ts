/** `dense N`: a fully connected layer on a vector (+ bias), then the activation. Kernel in x N; in·N multiply-adds. */
import type { Activation, AttrsOf } from '../ir.js';
import { shapeText } from '../../print/text.js';
import type { LayerKind } from './kind.js';
import { act, bias, biasVariables, positiveInt } from './options.js';
import { fail } from '../../diagnostics/diagnostics.js';

export const dense: LayerKind<AttrsOf<'dense'>> = {
  syntax: [
    {
      name: 'dense',
      summary: 'fully connected layer on a vector',
      options: [
        { name: 'units', expected: 'a positive integer', check: positiveInt, positional: (v) => v.t === 'int' },
        act,
        bias,
      ],
      build: (o) => ({
        op: 'dense',
        units: o['units'] as number,
        bias: o['bias'] as boolean,
        activation: o['act'] as Activation,
      }),
    },
  ],
  infer(a, inputs, span) {
    const input = inputs[0] ?? [];
    if (input.length !== 1) fail('dense-on-spatial', span, { shape: shapeText(input) });
    return { shape: [a.units], macs: input[0]! * a.units };
  },
  variables: (a, input) => [
    { path: 'kernel', role: 'kernel', shape: [input[0]!, a.units], trainable: true },
    ...biasVariables(a.bias, a.units),
  ],
  describe: (a) => ({ head: `dense ${a.units}`, options: a.activation !== 'linear' ? [`act=${a.activation}`] : [] }),
  options: (a) => ({ kind: 'dense', options: { units: a.units, act: a.activation, bias: a.bias } }),
};
