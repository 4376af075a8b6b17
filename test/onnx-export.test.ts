/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * The ONNX backend (backends/onnx/) without tfjs: every stdlib network exports and runs in
 * onnxruntime-node; the model's structure (opset, names, doc strings, metadata, pads, folding, layout);
 * folding against the unfolded model; diagnostics; weights given and checked; atomic writes.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type pkg from 'onnx-proto';
import { join } from 'node:path';
import { networksOf } from '../compiler/ir/elaborate.js';
import type { IRGraph } from '../compiler/ir/ir.js';
import { loadProgram, stdlibDir } from '../compiler/program/node-host.js';
import {
  exportOnnx,
  OutputError,
  lowerToOnnx,
  matchWeights,
  OnnxExportError,
  WeightsMismatchError,
  writeFileAtomic,
} from '../backends/onnx/index.js';
import { CheckpointError, readCheckpoint, readTfjsWeights, tfjsCheckpointNames } from '../backends/tfjs/checkpoint.js';
import { axisPads, onnxPads } from '../backends/onnx/pads.js';
import { weightSpecs } from '../backends/common/weights.js';
import { maxAbs, maxAbsDiff, toNchw } from './helpers/arrays.js';
import { graphOf, randomInput, randomizedWeights, stdlibGraph } from './helpers/graphs.js';
import { AttributeType, type Decoded, decodeModel, runOrt } from './helpers/onnx.js';
import { joinedRegExp } from './helpers/regexp.js';

/** Every (file, network) of the stdlib, found by loading each file. */
const stdlibNetworks: [string, string][] = readdirSync(stdlibDir)
  .filter((f) => f.endsWith('.incp'))
  .sort()
  .flatMap((f) => networksOf(loadProgram(join(stdlibDir, f))).map((n): [string, string] => [f, n.name.name]));

const attr = (node: { attribute?: { name?: string | null }[] | null }, name: string) =>
  node.attribute?.find((a) => a.name === name) as
    { type: number; i?: unknown; f?: number; ints?: unknown[] } | undefined;
const ints = (a: { ints?: unknown[] } | undefined): number[] => (a?.ints ?? []).map(Number);

describe('TF SAME padding as explicit pads', () => {
  test.each([
    // in, k, s: out = ceil(in / s); total = max((out - 1) * s + k - in, 0); begin = floor(total / 2)
    [17, 3, 2, [1, 1]],
    [8, 3, 2, [0, 1]],
    [35, 3, 1, [1, 1]],
    [17, 7, 1, [3, 3]],
    [17, 1, 1, [0, 0]],
    [147, 3, 2, [1, 1]],
    [4, 5, 3, [2, 2]],
    [6, 4, 4, [1, 1]],
    [2, 1, 2, [0, 0]],
  ] as [number, number, number, number[]][])('in %i, kernel %i, stride %i: %j', (input, k, s, expected) => {
    expect(axisPads(input, k, s, 'same')).toEqual(expected);
    // Padded input covers exactly the TF output: (in + total - k) / s + 1 = ceil(in / s).
    const [b, e] = axisPads(input, k, s, 'same');
    expect(Math.floor((input + b + e - k) / s) + 1).toBe(Math.ceil(input / s));
  });

  test('VALID pads nothing; 2-D pads are [top, left, bottom, right]', () => {
    expect(axisPads(17, 3, 2, 'valid')).toEqual([0, 0]);
    expect(onnxPads([8, 17], [1, 7], [2, 1], 'same')).toEqual([0, 3, 0, 3]);
    expect(onnxPads([8, 9], [3, 3], [2, 2], 'same')).toEqual([0, 1, 1, 1]);
  });
});

describe('every stdlib network exports and runs in onnxruntime-node', () => {
  test('the stdlib networks are found', () => {
    expect(stdlibNetworks.map(([, n]) => n)).toEqual(
      expect.arrayContaining([
        'GoogLeNet',
        'InceptionV2',
        'InceptionV3',
        'InceptionV3Res151',
        'InceptionV3Res79',
        'InceptionV2Table3',
      ]),
    );
  });

  test.each(stdlibNetworks)('%s %s', async (file, network) => {
    const graph = stdlibGraph(file, network);
    const bytes = exportOnnx(graph, { seed: 1 });
    const [h, w, c] = graph.nodes[graph.input]!.shape as [number, number, number];
    const outputs = await runOrt(bytes, randomInput(c * h * w), [1, c, h, w]);
    const out = graph.nodes[graph.output]!;
    expect(outputs.map((o) => o.name)).toEqual([out.name]);
    expect(outputs[0]!.dims).toEqual([1, ...out.shape]);
    expect(outputs[0]!.data.every(Number.isFinite)).toBe(true);
  });
});

describe('the model', () => {
  let v3: IRGraph;
  let folded: Decoded<pkg.onnx.ModelProto>;
  let unfolded: Decoded<pkg.onnx.ModelProto>;
  let foldedBytes: number;
  beforeAll(() => {
    v3 = stdlibGraph('inception_v3.incp', undefined, { aux_head: true, dropout_rate: 0.2 });
    const program = loadProgram(join(stdlibDir, 'inception_v3.incp'));
    const bytes = exportOnnx(v3, { seed: 1, sourceOf: program.sourceOf });
    foldedBytes = bytes.length;
    folded = decodeModel(bytes);
    unfolded = decodeModel(exportOnnx(v3, { seed: 1, foldBn: false, sourceOf: program.sourceOf }));
  });

  test('opset 13, IR version 8, producer incc, metadata', () => {
    expect(Number(folded.irVersion)).toBe(8);
    expect(folded.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    expect(folded.producerName).toBe('incc');
    expect(folded.producerVersion).toMatch(/^\d+\.\d+\.\d+/);
    const meta = Object.fromEntries(folded.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({
      network: 'InceptionV3',
      classes: '1000',
      input_size: '299x299x3',
      input_layout: 'NCHW',
      input_shape: 'N,3,299,299',
      output: 'predictions',
      batch_norm: 'folded',
    });
    expect(Object.fromEntries(unfolded.metadataProps.map((p) => [p.key, p.value]))['batch_norm']).toBe(
      'BatchNormalization',
    );
  });

  test('NCHW input with a dynamic batch; the inference form: one output, no dropout, no aux head', () => {
    const g = folded.graph!;
    expect(g.input.map((i) => i.name)).toEqual(['input']);
    const dims = g.input[0]!.type!.tensorType!.shape!.dim!;
    expect(dims[0]!.dimParam).toBe('N');
    expect(dims.slice(1).map((d) => Number(d.dimValue))).toEqual([3, 299, 299]);
    expect(g.output.map((o) => o.name)).toEqual(['predictions']);
    const ops = new Set(g.node.map((n) => n.opType));
    expect(ops.has('Dropout')).toBe(false);
    expect(g.node.some((n) => n.name.startsWith('aux_logits'))).toBe(false);
    expect(g.initializer.some((t) => t.name.startsWith('aux_logits'))).toBe(false);
  });

  test('batch norm folded by default; --no-fold-bn keeps BatchNormalization with its epsilon', () => {
    expect(folded.graph!.node.filter((n) => n.opType === 'BatchNormalization')).toEqual([]);
    const bns = unfolded.graph!.node.filter((n) => n.opType === 'BatchNormalization');
    expect(bns.length).toBe(94);
    for (const bn of bns) {
      expect(attr(bn, 'epsilon')).toMatchObject({ type: AttributeType.FLOAT });
      expect(attr(bn, 'epsilon')!.f).toBeCloseTo(1e-3, 9);
    }
    // Folded: every conv has a bias made from the batch norm; Keras's weights count, without the BN vectors.
    const convs = folded.graph!.node.filter((n) => n.opType === 'Conv');
    expect(convs.length).toBe(94);
    expect(convs.every((c) => c.input.length === 3)).toBe(true);
  });

  test('node and initializer names from the IR; doc strings give the .incp source line', () => {
    const conv = folded.graph!.node.find((n) => n.name === 'mixed4/branch7x7dbl/conv2')!;
    expect(conv.opType).toBe('Conv');
    expect(conv.input[1]).toBe('mixed4/branch7x7dbl/conv2/kernel');
    expect(conv.docString).toMatch(
      /^mixed4\/branch7x7dbl\/conv2: conv at std\/modules\.incp:\d+:\d+: .*conv \(?n\)?x1/m,
    );
    expect(conv.docString).toMatch(/in mixed4 \(Figure6\) at std\/inception_v3\.incp:\d+:\d+/);
    const relu = folded.graph!.node.find((n) => n.output[0] === 'mixed4/branch7x7dbl/conv2')!;
    expect(relu.opType).toBe('Relu');
    expect(relu.name).toBe('mixed4/branch7x7dbl/conv2/relu');
    const kernel = folded.graph!.initializer.find((t) => t.name === 'mixed4/branch7x7dbl/conv2/kernel')!;
    expect(kernel.dims.map(Number)).toEqual([128, 128, 7, 1]); // OIHW
    expect(kernel.rawData.length).toBe(128 * 128 * 7 * 4);
    const ub = unfolded.graph!.node.find((n) => n.name === 'mixed4/branch7x7dbl/conv2/bn')!;
    expect(ub.opType).toBe('BatchNormalization');
    expect(ub.input.slice(1)).toEqual(
      ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((r) => `mixed4/branch7x7dbl/conv2/bn/${r}`),
    );
  });

  test('explicit TF-style pads, asymmetric kernels, average pools exclude the padding', () => {
    const byName = new Map(folded.graph!.node.map((n) => [n.name, n]));
    expect(ints(attr(byName.get('mixed4/branch7x7/conv2')!, 'pads'))).toEqual([0, 3, 0, 3]); // 1x7 SAME
    expect(ints(attr(byName.get('mixed4/branch7x7/conv3')!, 'pads'))).toEqual([3, 0, 3, 0]); // 7x1 SAME
    expect(ints(attr(byName.get('conv1')!, 'pads'))).toEqual([0, 0, 0, 0]); // 3x3/2 VALID
    expect(ints(attr(byName.get('conv1')!, 'strides'))).toEqual([2, 2]);
    expect(ints(attr(byName.get('conv3')!, 'pads'))).toEqual([1, 1, 1, 1]); // 3x3 SAME
    for (const n of folded.graph!.node)
      if (n.opType === 'Conv' || n.opType.endsWith('Pool')) expect(attr(n, 'auto_pad')).toBeUndefined();
    const avg = folded.graph!.node.filter((n) => n.opType === 'AveragePool');
    expect(avg.length).toBeGreaterThan(0);
    for (const a of avg) {
      expect(Number(attr(a, 'count_include_pad')!.i)).toBe(0);
      expect(ints(attr(a, 'pads'))).toEqual([1, 1, 1, 1]);
    }
    for (const n of folded.graph!.node) for (const a of n.attribute) expect(a.type).not.toBe(AttributeType.UNDEFINED);
  });

  test('initializers hold about 4 bytes per parameter', () => {
    const params = folded.graph!.initializer.reduce((s, t) => s + t.dims.reduce<number>((a, b) => a * Number(b), 1), 0);
    // Keras's trainable count: folding drops the 34,432 moving statistics... and adds no gamma
    expect(params).toBe(23_817_352);
    const bytes = foldedBytes;
    expect(bytes / params).toBeGreaterThan(3.99);
    expect(bytes / params).toBeLessThan(4.02);
  });
});

describe('folding against BatchNormalization nodes, in onnxruntime', () => {
  // A conv with bias and BN with scale, relu6/sigmoid/tanh, odd grids, a standalone batchnorm after a
  // linear dense (folded into the Gemm), and after a relu (not foldable).
  const text = `
network Fold(classes: int = 10) {
  input 15x13x3
  conv 3x3/2 8 bn=true bias=true act=relu6
  conv 1x5 6 bn=true bn_scale=false act=sigmoid
  conv 5x1 6 bn=true bn_epsilon=0.01 act=tanh
  conv 1x1 6 bias=false act=linear
  batchnorm
  relu
  batchnorm scale=false
  flatten
  dense 12 bias=false
  batchnorm
  relu
  logits: dense classes
  softmax
}`;
  test('the folded and unfolded models agree; NHWC layout too', async () => {
    const graph = graphOf(text);
    const weights = randomizedWeights(graph, 11);
    const x = randomInput(2 * 15 * 13 * 3, 5);
    const xn = toNchw(x, 2, 15, 13, 3);
    const unfolded = (await runOrt(exportOnnx(graph, { weights, foldBn: false }), xn, [2, 3, 15, 13]))[0]!;
    const foldedModel = exportOnnx(graph, { weights });
    const folded = (await runOrt(foldedModel, xn, [2, 3, 15, 13]))[0]!;
    const nhwc = (await runOrt(exportOnnx(graph, { weights, layout: 'nhwc' }), x, [2, 15, 13, 3]))[0]!;
    expect(folded.dims).toEqual([2, 10]);
    expect(maxAbs(folded.data)).toBeGreaterThan(0.2); // not a uniform softmax
    expect(maxAbsDiff(folded.data, unfolded.data)).toBeLessThan(1e-6);
    expect(maxAbsDiff(folded.data, nhwc.data)).toBe(0);
    // The standalone batchnorm after the linear conv and after the dense fold; the one after relu stays.
    const m = decodeModel(foldedModel);
    expect(m.graph!.node.filter((n) => n.opType === 'BatchNormalization').map((n) => n.name)).toEqual(['batchnorm2']);
    expect(m.graph!.node.find((n) => n.opType === 'Gemm' && n.name === 'dense1')!.output[0]).toBe('batchnorm3');
  });

  test('with --no-fold-bn a BN without scale gets a gamma of ones', () => {
    const graph = graphOf(text);
    const m = decodeModel(exportOnnx(graph, { seed: 2, foldBn: false }));
    const gamma = m.graph!.initializer.find((t) => t.name === 'conv2/bn/gamma')!;
    expect(new Float32Array(new Uint8Array(gamma.rawData).buffer)).toEqual(new Float32Array(6).fill(1));
    expect(weightSpecs(graph).some((s) => s.name === 'conv2/bn/gamma')).toBe(false);
  });
});

describe('bad input', () => {
  test('a network over 2 GiB of weights: weights-too-large at the network, before any weight is made', () => {
    const graph = graphOf('network Huge {\n  input 1x1x30000\n  flatten\n  big: dense 20000\n}\n');
    const t0 = Date.now();
    const r = lowerToOnnx(graph);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.model).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'weights-too-large', severity: 'error', span: graph.span });
    expect(r.diagnostics[0]!.message).toMatch(/network Huge has 2\.\d\d GiB of weights/);
    expect(r.diagnostics[0]!.related![0]!.message).toContain('big');
    expect(() => exportOnnx(graph)).toThrow(OnnxExportError);
  });

  test('an op without an ONNX form: onnx-unsupported at its span, not a crash', () => {
    const graph = graphOf('network N {\n  input 8x8x3\n  conv 3x3 4\n  odd: conv 1x1 4 act=tanh\n}\n');
    const odd = graph.nodes.find((n) => n.name === 'odd')!;
    (odd.attrs as { activation: string }).activation = 'gelu';
    const r = lowerToOnnx(graph);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'onnx-unsupported',
        span: odd.span,
        message: 'activation gelu of odd has no ONNX form',
      }),
    ]);
    (odd as { attrs: unknown }).attrs = { op: 'upsample' };
    expect(lowerToOnnx(graph).diagnostics[0]).toMatchObject({
      code: 'onnx-unsupported',
      span: odd.span,
      message: 'the upsample layer of odd has no ONNX form',
    });
  });

  test('weights that do not match the network: the first mismatches of each kind, named', () => {
    const graph = graphOf('network N {\n  input 8x8x3\n  a: conv 3x3 4 bn=true\n  b: conv 1x1 5\n}\n');
    const good = randomizedWeights(graph);
    expect(() =>
      matchWeights(
        graph,
        [...good].map(([name, values]) => ({ name, values })),
      ),
    ).not.toThrow();
    const bad = new Map(good);
    bad.delete('a/bn/beta');
    bad.set('b/kernel', new Float32Array(7));
    bad.set('c/kernel', new Float32Array(3));
    let error: unknown;
    try {
      exportOnnx(graph, { weights: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightsMismatchError);
    const m = (error as Error).message;
    expect(m).toContain('1 missing: a/bn/beta');
    expect(m).toContain('1 not in the network: c/kernel');
    expect(m).toContain('b/kernel is [7], the network needs [1, 1, 4, 5]');
  });
});

describe('a tfjs checkpoint (model.json + shards) as the weights source', () => {
  const text =
    'network N(classes: int = 4) {\n  input 9x9x2\n  a: conv 3x3/2 4 bn=true bias=false act=relu\n  gap\n  ' +
    'out: dense classes act=softmax\n}\n';
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'incc-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the weights as tfjs does: one group over two shards (split mid-weight), float32 little-endian. */
  function writeCheckpoint(weights: { name: string; shape: number[]; values: Float32Array }[]): string {
    const all = Buffer.concat(
      weights.map((w) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength)),
    );
    const cut = 10;
    writeFileSync(join(dir, 'group1-shard1of2.bin'), all.subarray(0, cut));
    writeFileSync(join(dir, 'group1-shard2of2.bin'), all.subarray(cut));
    const manifest = [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })),
      },
    ];
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: manifest }),
    );
    return join(dir, 'model.json');
  }

  /** A checkpoint of these weights, every value zero, under their own names. */
  const zerosCheckpoint = (specs: readonly { name: string; shape: number[] }[]): string =>
    writeCheckpoint(
      specs.map((s) => ({
        name: s.name,
        shape: s.shape,
        values: new Float32Array(s.shape.reduce((a, b) => a * b, 1)),
      })),
    );

  test('reads it, maps it by the tfjs names, and exports the same model as the values given directly', async () => {
    const graph = graphOf(text);
    const weights = randomizedWeights(graph, 3);
    const names = new Map([...tfjsCheckpointNames(graph)].map(([tfjs, ours]) => [ours, tfjs]));
    const specs = weightSpecs(graph);
    const path = writeCheckpoint(
      specs.map((s) => ({ name: names.get(s.name)!, shape: s.shape, values: weights.get(s.name)! })),
    );
    const read = readCheckpoint(path);
    expect(read.map((w) => w.name)).toEqual(specs.map((s) => names.get(s.name)));
    const x = randomInput(9 * 9 * 2);
    const fromCheckpoint = await runOrt(exportOnnx(graph, { weights: readTfjsWeights(path, graph) }), x, [1, 2, 9, 9]);
    const direct = await runOrt(exportOnnx(graph, { weights }), x, [1, 2, 9, 9]);
    expect(fromCheckpoint[0]!.data).toEqual(direct[0]!.data);
  });

  test('a checkpoint of another network: missing, extra and misshapen weights named', () => {
    const graph = graphOf(text);
    const other = graphOf(text.replace('conv 3x3/2 4', 'conv 3x3/2 6').replace('out: dense', 'head: dense'));
    const specs = weightSpecs(other);
    const path = zerosCheckpoint(specs);
    expect(() => readTfjsWeights(path, graph)).toThrow(
      joinedRegExp(
        /do not match the network: 2 missing: out\/kernel, out\/bias; 2 not in the network: head\/kernel, head\/bias; /,
        /5 with the wrong shape: a\/kernel is \[3, 3, 2, 6\], the network needs \[3, 3, 2, 4\]/,
      ),
    );
  });

  test('a truncated shard or a missing file: CheckpointError', () => {
    const graph = graphOf(text);
    const specs = weightSpecs(graph);
    const path = zerosCheckpoint(specs);
    writeFileSync(join(dir, 'group1-shard2of2.bin'), Buffer.alloc(4));
    expect(() => readCheckpoint(path)).toThrow(CheckpointError);
    rmSync(join(dir, 'group1-shard2of2.bin'));
    expect(() => readCheckpoint(path)).toThrow(/cannot read the weights file/);
    expect(() => readCheckpoint(join(dir, 'nothing.json'))).toThrow(CheckpointError);
  });
});

describe('atomic writes', () => {
  test('the file appears whole, and no temporary file is left, also when the write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incc-atomic-'));
    try {
      writeFileAtomic(join(dir, 'm.onnx'), new Uint8Array([1, 2, 3]));
      // Not an ONNX model incc wrote (the output policy refuses to replace it unless told): --force.
      writeFileAtomic(join(dir, 'm.onnx'), new Uint8Array([4, 5]), { force: true });
      expect(readdirSync(dir)).toEqual(['m.onnx']);
      expect(() => writeFileAtomic(dir, new Uint8Array(1))).toThrow(OutputError);
      expect(readdirSync(dir)).toEqual(['m.onnx']);
      writeFileAtomic(join(dir, 'sub', 'n.onnx'), new Uint8Array(1));
      expect(readdirSync(join(dir, 'sub'))).toEqual(['n.onnx']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
