/**
 * `maxpool KxK`, `avgpool KxK`: max and average pooling, channels kept. The average leaves SAME padding out
 * of the count, as TensorFlow does. No variables, no multiply-adds (spec/ir.md, "Cost").
 */
import type { AttrsOf, Padding } from '../ir.js';
import { kernelText } from '../../print/text.js';
import type { LayerKind, LayerSpec } from './kind.js';
import { kernel, padding, stride } from './options.js';
import { windowOutput } from './spatial.js';

type Pool = AttrsOf<'maxpool' | 'avgpool'>;

function syntax(name: Pool['op'], summary: string): LayerSpec {
  return {
    name,
    summary,
    options: [kernel, stride, padding],
    build: (o) => ({
      op: name,
      kernel: o['kernel'] as [number, number],
      stride: o['stride'] as [number, number],
      padding: o['padding'] as Padding,
    }),
  };
}

function poolKind(name: Pool['op'], summary: string): LayerKind<Pool> {
  return {
    syntax: [syntax(name, summary)],
    infer(a, inputs, span) {
      const input = inputs[0] ?? [];
      return { shape: [...windowOutput(a, input, a.op, span), input[2]!], macs: 0 };
    },
    variables: () => [],
    describe: (a) => ({ head: `${a.op} ${kernelText(a)}`, options: a.padding === 'valid' ? ['valid'] : [] }),
    options: (a) => ({ kind: a.op, options: { kernel: a.kernel, stride: a.stride, padding: a.padding } }),
  };
}

export const maxpool = poolKind('maxpool', 'max pooling');
export const avgpool = poolKind('avgpool', 'average pooling (padding excluded from the average, as TensorFlow does)');
