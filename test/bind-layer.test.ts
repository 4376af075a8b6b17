/**
 * bindLayer (compiler/ir/layers.ts): explicit arguments, then scoped defaults, then built-in defaults, into
 * a node's attributes. Pins the result while the binding is tuned for speed (it builds the options
 * object with a loop, not Object.fromEntries: see bench/elaborate.mjs).
 */
import type { Span } from '../compiler/syntax/ast.js';
import { bindLayer, layerSpecs, type GivenArg } from '../compiler/ir/layers.js';
import type { Value } from '../compiler/ir/values.js';

const span: Span = {
  file: 'x.incp',
  startOffset: 0,
  endOffset: 1,
  startLine: 1,
  startColumn: 1,
  endLine: 1,
  endColumn: 2,
};
const positional = (value: Value): GivenArg => ({ kind: 'PositionalArg', value, span });
const named = (name: string, value: Value): GivenArg => ({ kind: 'NamedArg', name, value, span });

describe('bindLayer', () => {
  test('conv: explicit, scoped defaults and built-in defaults', () => {
    const defaults = new Map([
      ['bias', named('bias', { t: 'bool', v: false })],
      ['bn', named('bn', { t: 'bool', v: true })],
      ['bn_scale', named('bn_scale', { t: 'bool', v: false })],
      ['act', named('act', { t: 'symbol', name: 'relu' })],
    ]);
    const args = [
      positional({ t: 'size', dims: [1, 7] }),
      positional({ t: 'int', v: 64 }),
      { kind: 'StrideArg', value: { t: 'size', dims: [2, 1] }, span } as GivenArg,
      named('padding', { t: 'symbol', name: 'valid' }),
    ];
    expect(bindLayer(layerSpecs.get('conv')!, args, defaults, span)).toEqual({
      op: 'conv',
      kernel: [1, 7],
      stride: [2, 1],
      padding: 'valid',
      filters: 64,
      bias: false,
      bn: { scale: false, epsilon: 1e-3, momentum: 0.99 },
      activation: 'relu',
    });
  });

  test('an explicit argument wins over a scoped default', () => {
    const defaults = new Map([['bias', named('bias', { t: 'bool', v: false })]]);
    const attrs = bindLayer(
      layerSpecs.get('conv')!,
      [positional({ t: 'size', dims: [3, 3] }), positional({ t: 'int', v: 8 }), named('bias', { t: 'bool', v: true })],
      defaults,
      span,
    );
    expect(attrs).toMatchObject({
      op: 'conv',
      bias: true,
      bn: null,
      activation: 'linear',
      stride: [1, 1],
      padding: 'same',
    });
  });

  test('pools and layers without options', () => {
    expect(bindLayer(layerSpecs.get('maxpool')!, [positional({ t: 'size', dims: [3, 3] })], new Map(), span)).toEqual({
      op: 'maxpool',
      kernel: [3, 3],
      stride: [1, 1],
      padding: 'same',
    });
    expect(bindLayer(layerSpecs.get('gap')!, [], new Map(), span)).toEqual({ op: 'gap' });
    expect(bindLayer(layerSpecs.get('dense')!, [positional({ t: 'int', v: 10 })], new Map(), span)).toEqual({
      op: 'dense',
      units: 10,
      bias: true,
      activation: 'linear',
    });
  });
});
