/**
 * `maxpool KxK`, `avgpool KxK`: max and average pooling, channels kept. The average leaves SAME padding out
 * of the count, as TensorFlow does; with `count_include_pad=true` the padding's zeros count in the divisor
 * (every window divides by kh x kw), as PyTorch's `nn.AvgPool2d` and ONNX's AveragePool do by default
 * (torchvision's Inception-v3 pools so). No variables, no multiply-adds (spec/ir.md, "Cost").
 */
import type { AttrsOf, Padding } from '../ir.js';
import { kernelText } from '../../print/text.js';
import type { LayerKind, LayerSpec, OptionSpec } from './kind.js';
import { boolean, kernel, padding, stride } from './options.js';
import { windowOutput } from './spatial.js';

type Pool = AttrsOf<'maxpool' | 'avgpool'>;

/** `count_include_pad`: whether an average pool's divisor counts the zeros of its SAME padding. */
const countIncludePad: OptionSpec = {
  name: 'count_include_pad',
  expected: 'true or false',
  check: boolean,
  default: false,
};

function syntax(name: Pool['op'], summary: string): LayerSpec {
  return {
    name,
    summary,
    options: name === 'avgpool' ? [kernel, stride, padding, countIncludePad] : [kernel, stride, padding],
    build: (o) => {
      const window = {
        kernel: o['kernel'] as [number, number],
        stride: o['stride'] as [number, number],
        padding: o['padding'] as Padding,
      };
      return name === 'avgpool'
        ? { op: name, ...window, countIncludePad: o['count_include_pad'] as boolean }
        : { op: name, ...window };
    },
  };
}

function poolKind<P extends Pool>(name: P['op'], summary: string): LayerKind<P> {
  return {
    syntax: [syntax(name, summary)],
    infer(a, inputs, span) {
      const input = inputs[0] ?? [];
      return { shape: [...windowOutput(a, input, a.op, span), input[2]!], macs: 0 };
    },
    variables: () => [],
    describe: (a) => ({
      head: `${a.op} ${kernelText(a)}`,
      options: [
        ...(a.padding === 'valid' ? ['valid'] : []),
        ...(a.op === 'avgpool' && a.countIncludePad ? ['count_include_pad=true'] : []),
      ],
    }),
    options: (a) => ({
      kind: a.op,
      options: {
        kernel: a.kernel,
        stride: a.stride,
        padding: a.padding,
        ...(a.op === 'avgpool' ? { count_include_pad: a.countIncludePad } : {}),
      },
    }),
  };
}

export const maxpool = poolKind<AttrsOf<'maxpool'>>('maxpool', 'max pooling');
export const avgpool = poolKind<AttrsOf<'avgpool'>>(
  'avgpool',
  'average pooling (padding left out of the average, as TensorFlow does, unless count_include_pad=true)',
);
