/**
 * Shape inference, parameter and multiply-add counts for one IR node (spec/ir.md, "Shapes" and "Cost").
 * TensorFlow's conventions: SAME gives ceil(in / stride), VALID gives ceil((in - k + 1) / stride), per axis.
 * Parameters follow Keras: conv kernel + optional bias; batch norm beta trainable, gamma trainable with
 * scale, moving mean and variance non-trainable. Multiply-adds count conv and dense only.
 */
import type { Span } from '../syntax/ast.js';
import { fail } from '../diagnostics/diagnostics.js';
import type { NodeAttrs, ParamCount, Shape } from './ir.js';

export interface NodeCost {
  shape: Shape;
  params: ParamCount;
  macs: number;
}


export function showShape(s: Shape): string {
  return s.join('x');
}

/** Output length of one spatial axis. */
export function outputLength(input: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

function spatial(attrs: { kernel: [number, number]; stride: [number, number]; padding: 'same' | 'valid' }, input: Shape, op: string, span: Span): [number, number] {
  if (input.length !== 3) fail('spatial-after-flatten', span, { op, shape: showShape(input) });
  const [h, w] = input as [number, number, number];
  if (attrs.padding === 'valid' && (attrs.kernel[0] > h || attrs.kernel[1] > w)) {
    fail('kernel-larger-than-input', span, { op, kernel: showShape(attrs.kernel), input: showShape(input) });
  }
  return [outputLength(h, attrs.kernel[0], attrs.stride[0], attrs.padding), outputLength(w, attrs.kernel[1], attrs.stride[1], attrs.padding)];
}

const none: ParamCount = { trainable: 0, nonTrainable: 0 };

function bnParams(channels: number, scale: boolean): ParamCount {
  return { trainable: channels * (scale ? 2 : 1), nonTrainable: 2 * channels };
}

function safe(value: number, what: string, node: string, span: Span): number {
  if (!Number.isSafeInteger(value)) fail('shape-overflow', span, { what, node, value: value.toExponential(3) });
  return value;
}

/** The cost of a node given the shapes of its inputs. `name` is used in messages only. */
export function inferNode(attrs: NodeAttrs, inputs: Shape[], name: string, span: Span): NodeCost {
  const input = inputs[0] ?? [];
  const result = infer(attrs, inputs, input, span);
  const elements = result.shape.reduce((a, b) => a * b, 1);
  safe(elements, 'output size', name, span);
  safe(result.params.trainable + result.params.nonTrainable, 'parameter count', name, span);
  safe(result.macs, 'multiply-add count', name, span);
  return result;
}

function infer(attrs: NodeAttrs, inputs: Shape[], input: Shape, span: Span): NodeCost {
  switch (attrs.op) {
    case 'input':
      return { shape: [...attrs.shape], params: none, macs: 0 };
    case 'conv': {
      const [oh, ow] = spatial(attrs, input, 'conv', span);
      const cin = input[2]!;
      const [kh, kw] = attrs.kernel;
      const weights = kh * kw * cin * attrs.filters + (attrs.bias ? attrs.filters : 0);
      const bn = attrs.bn ? bnParams(attrs.filters, attrs.bn.scale) : none;
      return {
        shape: [oh, ow, attrs.filters],
        params: { trainable: weights + bn.trainable, nonTrainable: bn.nonTrainable },
        macs: oh * ow * kh * kw * cin * attrs.filters,
      };
    }
    case 'maxpool':
    case 'avgpool': {
      const [oh, ow] = spatial(attrs, input, attrs.op, span);
      return { shape: [oh, ow, input[2]!], params: none, macs: 0 };
    }
    case 'gap':
      if (input.length !== 3) fail('spatial-after-flatten', span, { op: 'gap', shape: showShape(input) });
      return { shape: [input[2]!], params: none, macs: 0 };
    case 'flatten':
      return { shape: [input.reduce((a, b) => a * b, 1)], params: none, macs: 0 };
    case 'dense': {
      if (input.length !== 1) fail('dense-on-spatial', span, { shape: showShape(input) });
      const n = input[0]!;
      return { shape: [attrs.units], params: { trainable: n * attrs.units + (attrs.bias ? attrs.units : 0), nonTrainable: 0 }, macs: n * attrs.units };
    }
    case 'batchnorm':
      return { shape: [...input], params: bnParams(input[input.length - 1]!, attrs.bn.scale), macs: 0 };
    case 'dropout':
    case 'activation':
    case 'softmax':
      return { shape: [...input], params: none, macs: 0 };
    case 'concat': {
      if (inputs.length === 0) fail('empty-concat', span);
      const first = inputs[0]!;
      const mismatch = inputs.some((s) => s.length !== first.length || s.slice(0, -1).some((d, i) => d !== first[i]));
      if (mismatch) fail('concat-shape-mismatch', span, { shapes: inputs.map(showShape).join(', ') });
      const channels = inputs.reduce((sum, s) => sum + s[s.length - 1]!, 0);
      return { shape: [...first.slice(0, -1), channels], params: none, macs: 0 };
    }
  }
}
