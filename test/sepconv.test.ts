/**
 * The depthwise-separable convolution `sepconv KxK N` (compiler/ir/kinds/sepconv.ts), end to end short of
 * numerical parity (test/onnx-parity.test.ts): counts computed by hand with Keras's SeparableConv2D
 * arithmetic (depthwise kh*kw*C_in, pointwise C_in*N, bias N), its variables, its line in the summary and
 * the graph, its `--emit` round trip, the lint rules that see it and those that deliberately do not, and its
 * ONNX form (a depthwise Conv with group = C_in, then a 1x1 Conv).
 */
import { weightSpecs } from '../backends/common/weights.js';
import { lowerToOnnx } from '../backends/onnx/lower.js';
import { opLine } from '../backends/graph/labels.js';
import { planLayers } from '../backends/tfjs/plan.js';
import { summaryTable } from '../compiler/print/summary.js';
import { emitNetwork } from '../compiler/print/emit.js';
import { graphOf } from './helpers/graphs.js';
import { firstIRDifference } from './helpers/ir-compare.js';
import { findings, lintText } from './helpers/lint.js';

const text = `
network Sep {
  input 10x10x8
  a: sepconv 3x3 16 act=relu
  b: sepconv 5x5/2 32 valid bias=false bn=true bn_scale=false act=relu
  gap
  logits: dense 10
}`;

const node = (name: string) => graphOf(text).nodes.find((n) => n.name === name)!;

describe('sepconv: shapes and counts, by hand', () => {
  test('sepconv 3x3 16 on 10x10x8, SAME: 10x10x16', () => {
    const a = node('a');
    expect(a.shape).toEqual([10, 10, 16]);
    // depthwise 3*3*8 = 72, pointwise 8*16 = 128, bias 16: 216 (Keras's SeparableConv2D(16, 3) on 8 channels).
    expect(a.params).toEqual({ trainable: 216, nonTrainable: 0 });
    // 100 positions: depthwise 100*9*8 = 7,200, pointwise 100*8*16 = 12,800.
    expect(a.macs).toBe(20_000);
  });

  test('sepconv 5x5/2 32 VALID on 10x10x16, batch norm without scale: 3x3x32', () => {
    const b = node('b');
    // ceil((10 - 5 + 1) / 2) = 3 per axis.
    expect(b.shape).toEqual([3, 3, 32]);
    // depthwise 5*5*16 = 400, pointwise 16*32 = 512, no bias; batch norm: beta 32 trainable, moving mean and
    // variance 64 non-trainable.
    expect(b.params).toEqual({ trainable: 400 + 512 + 32, nonTrainable: 64 });
    // 9 positions: depthwise 9*25*16 = 3,600, pointwise 9*16*32 = 4,608.
    expect(b.macs).toBe(8_208);
  });

  test('its variables, as Keras names and lays them out', () => {
    const g = graphOf(text);
    const specs = weightSpecs(g).filter((s) => s.name.startsWith('a/') || s.name.startsWith('b/'));
    expect(specs.map((s) => [s.name, s.shape, s.trainable])).toEqual([
      ['a/depthwise_kernel', [3, 3, 8, 1], true],
      ['a/pointwise_kernel', [1, 1, 8, 16], true],
      ['a/bias', [16], true],
      ['b/depthwise_kernel', [5, 5, 16, 1], true],
      ['b/pointwise_kernel', [1, 1, 16, 32], true],
      ['b/bn/beta', [32], true],
      ['b/bn/moving_mean', [32], false],
      ['b/bn/moving_variance', [32], false],
    ]);
    // Keras's fans for a [kh, kw, in, out] kernel: kh*kw*in and kh*kw*out.
    expect(specs[0]!.init).toEqual({ kind: 'glorot_uniform', fanIn: 72, fanOut: 9 });
    expect(specs[1]!.init).toEqual({ kind: 'glorot_uniform', fanIn: 8, fanOut: 16 });
  });
});

describe('sepconv: how it reads', () => {
  test('the graph box and the summary table give its .incp line', () => {
    expect(opLine(node('a'))).toBe('sepconv 3x3 16');
    expect(opLine(node('b'))).toBe('sepconv 5x5/2 32 valid');
    const table = summaryTable(graphOf(text));
    expect(table).toMatch(/^b\s+sepconv 5x5\/2 32 valid\s+3x3x32\s+1,008\s+8,208\s/m);
  });

  test('rewrite --emit writes it back, and the emitted network elaborates to the same IR', () => {
    const g = graphOf(text);
    const emitted = emitNetwork(g);
    expect(emitted).toContain('"b": sepconv 5x5/2 32 valid act=relu bias=false bn=true bn_scale=false');
    expect(firstIRDifference(g, graphOf(emitted))).toBeUndefined();
  });
});

describe('sepconv: lint', () => {
  const head = 'network N {\n  input 35x35x64\n';
  test('large-unfactorized-kernel skips it (its factorizations are of full convolutions)', () => {
    expect(findings(`${head}  conv 5x5 64\n}\n`, 'large-unfactorized-kernel')).toHaveLength(1);
    expect(findings(`${head}  sepconv 5x5 64\n}\n`, 'large-unfactorized-kernel')).toEqual([]);
  });

  test('missing-dimension-reduction skips it (its 1x1 comes after the per-channel step)', () => {
    const wide = 'network N {\n  input 35x35x512\n';
    expect(findings(`${wide}  conv 3x3 512\n}\n`, 'missing-dimension-reduction')).toHaveLength(1);
    expect(findings(`${wide}  sepconv 3x3 512\n}\n`, 'missing-dimension-reduction')).toEqual([]);
  });

  test('representational-bottleneck sees it as a step that can be widened', () => {
    // 35x35x288 -> 35x35x32: 9.0x in one step, early; 352,800 / (5 * 1,225) = 57.6 -> 58 filters.
    const text = 'network N {\n  input 35x35x288\n  sepconv 1x1 32\n}\n';
    const [m] = lintText(text, 'representational-bottleneck').messages;
    expect(m!.message).toContain('sepconv 1x1 32 sepconv1 shrinks the representation 9.0x in one step');
    expect(m!.message).toContain('give it at least 58 filters');
  });

  test('auxiliary-classifier counts its batch norm', () => {
    const net = (layer: string) => `network A {
  input 71x71x3
  conv 3x3/2 32 valid act=relu
  c: conv 3x3/2 64 valid act=relu
  d: conv 3x3/2 128 valid act=relu
  gap
  dense 10
  aux from c {
    ${layer}
    gap
    dense 10
  }
}
`;
    const noBn = findings(net('sepconv 3x3 32 act=relu'), 'auxiliary-classifier').map((f) => f[2]);
    const withBn = findings(net('sepconv 3x3 32 bn=true act=relu'), 'auxiliary-classifier').map((f) => f[2]);
    expect(noBn).toContain('noBatchNorm');
    expect(withBn).not.toContain('noBatchNorm');
    expect(withBn).not.toContain('unnormalizedLayer');
  });
});

describe('sepconv: backends', () => {
  test('tfjs: one SeparableConv2D (depth multiplier 1), then batch norm and the activation', () => {
    const plan = planLayers(graphOf(text));
    const b = plan.layers.filter((l) => l.name.startsWith('b'));
    expect(b.map((l) => [l.name, l.factory])).toEqual([
      ['b', 'separableConv2d'],
      ['b/bn', 'batchNormalization'],
      ['b/relu', 'activation'],
    ]);
    expect(b[0]!.config).toMatchObject({
      filters: 32,
      kernelSize: [5, 5],
      strides: [2, 2],
      padding: 'valid',
      depthMultiplier: 1,
      useBias: false,
      activation: 'linear',
    });
  });

  test('ONNX: a depthwise Conv with group = C_in, then a 1x1 Conv', () => {
    const model = lowerToOnnx(graphOf(text)).model!;
    const convs = model.graph!.node!.filter((n) => n.opType === 'Conv');
    const attr = (n: (typeof convs)[number], name: string) => n.attribute!.find((a) => a.name === name)!;
    expect(convs.map((n) => n.name)).toEqual(['a/depthwise', 'a', 'b/depthwise', 'b']);
    expect(Number(attr(convs[0]!, 'group').i)).toBe(8);
    expect(Number(attr(convs[2]!, 'group').i)).toBe(16);
    expect(attr(convs[2]!, 'strides').ints!.map(Number)).toEqual([2, 2]);
    expect(attr(convs[3]!, 'kernel_shape').ints!.map(Number)).toEqual([1, 1]);
    const dims = (name: string) => model.graph!.initializer!.find((t) => t.name === name)!.dims!.map(Number);
    expect(dims('b/depthwise_kernel')).toEqual([16, 1, 5, 5]);
    expect(dims('b/pointwise_kernel')).toEqual([32, 16, 1, 1]);
  });
});
