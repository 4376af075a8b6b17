/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * Numerical parity of the two backends: the same graph and the same weights (backends/common/weights.ts, with
 * random batch-norm statistics and gammas so that folding is really exercised) give the same outputs in
 * tfjs (the wasm backend) and in onnxruntime-node, within 1e-4 max abs difference, with batch norm
 * folded and kept. An intermediate map is compared as well (relative to its largest value), so the
 * check does not rest on a saturated softmax. And a tfjs checkpoint written by the tfjs backend is the
 * weights source of `incc compile --target onnx --weights`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { transpose4 } from '../backends/common/transpose.js';
import type { IRGraph } from '../compiler/ir/ir.js';
import { exportOnnx, OPTIMIZATIONS, type Optimization } from '../backends/onnx/index.js';
import { buildModel, planLayers, tfjsWeightNames, writeTfjsModel } from '../backends/tfjs/index.js';
import { incc, repoRoot } from './helpers/cli.js';
import { maxAbs, maxAbsDiff, toNchw } from './helpers/arrays.js';
import { graphOf, randomInput, randomizedWeights, stdlibGraph } from './helpers/graphs.js';
import { runOrt } from './helpers/onnx.js';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  setWasmPaths(join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  tf.enableProdMode();
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

/**
 * The tfjs model of the graph with these weights (by backends/common/weights.ts names); with a probe, a model
 * whose outputs are the main output and the probe node's.
 */
function tfjsModel(graph: IRGraph, weights: Map<string, Float32Array>, probe?: string): tf.LayersModel {
  const plan = planLayers(graph);
  const model = buildModel(graph, { seed: 0, plan });
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  for (const [spec, name] of tfjsWeightNames(graph, plan)) {
    const value = tf.tensor(weights.get(spec.name)!, spec.shape, 'float32');
    byName.get(name)!.write(value);
    value.dispose();
  }
  if (probe === undefined) return model;
  const node = graph.nodes.find((n) => n.name === probe)!;
  const main = (Array.isArray(model.outputs) ? model.outputs[0]! : model.outputs) as tf.SymbolicTensor;
  return tf.model({
    inputs: model.inputs,
    outputs: [main, model.getLayer(plan.nodeOutput[node.id]!).output as tf.SymbolicTensor],
  });
}

/** Every output of the model on one batch (NHWC). */
function predict(model: tf.LayersModel, x: Float32Array, dims: number[]): Float32Array[] {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor(x, dims, 'float32'));
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

/** An ONNX output in the IR's NHWC order (the model is NCHW). */
function nhwcOf(data: Float32Array, n: number, shape: number[]): Float32Array {
  if (shape.length !== 3) return data;
  const [h, w, c] = shape as [number, number, number];
  return transpose4(data, [n, c, h, w], [0, 2, 3, 1]);
}

interface Parity {
  main: number;
  probe?: number;
  scale: number;
}

/**
 * tfjs against ONNX (NCHW input, the default layout), folded and not, each with every graph optimization
 * (backends/onnx/optimize/) and with none, on a batch of `n` random inputs. Returns the max abs difference
 * of the main output, and of the probe node's output relative to its largest magnitude.
 */
async function parity(graph: IRGraph, options: { n?: number; probe?: string; seed?: number } = {}): Promise<Parity[]> {
  const n = options.n ?? 1;
  const weights = randomizedWeights(graph, options.seed ?? 7);
  const model = tfjsModel(graph, weights, options.probe);
  const [h, w, c] = graph.nodes[graph.input]!.shape as [number, number, number];
  const x = randomInput(n * h * w * c, 17);
  const [expected, expectedProbe] = predict(model, x, [n, h, w, c]);
  model.dispose();
  const outputs = options.probe === undefined ? [] : [options.probe];
  const shapes = [graph.output, ...outputs.map((p) => graph.nodes.find((node) => node.name === p)!.id)].map(
    (id) => graph.nodes[id]!.shape,
  );
  const out: Parity[] = [];
  const variants: [boolean, Optimization[]][] = [true, false].flatMap((fold): [boolean, Optimization[]][] => [
    [fold, [...OPTIMIZATIONS]],
    [fold, []],
  ]);
  for (const [foldBn, optimize] of variants) {
    const model = exportOnnx(graph, { weights, foldBn, outputs, optimize });
    const got = await runOrt(model, toNchw(x, n, h, w, c), [n, c, h, w]);
    const [s0] = shapes as [number[]];
    expect(got[0]!.dims).toEqual(s0.length === 3 ? [n, s0[2], s0[0], s0[1]] : [n, ...s0]);
    const result: Parity = { main: maxAbsDiff(nhwcOf(got[0]!.data, n, s0), expected!), scale: maxAbs(expected!) };
    if (expectedProbe)
      result.probe =
        maxAbsDiff(nhwcOf(got[1]!.data, n, shapes[1]!), expectedProbe) / Math.max(1, maxAbs(expectedProbe));
    out.push(result);
  }
  return out;
}

function expectParity(results: Parity[]): void {
  for (const r of results) {
    expect(r.main).toBeLessThan(TOLERANCE);
    if (r.probe !== undefined) expect(r.probe).toBeLessThan(TOLERANCE);
  }
}

describe('tfjs (wasm) and onnxruntime agree, batch norm folded and kept, optimized and not', () => {
  test('inception_v3 at full size (299x299), batch 2', async () => {
    const graph = stdlibGraph('inception_v3.incp');
    const results = await parity(graph, { n: 2, probe: 'mixed7' });
    expectParity(results);
    // Random statistics keep the activations alive: the softmax is far from uniform.
    expect(results[0]!.scale).toBeGreaterThan(0.05);
  }, 600_000);

  test.each([['InceptionV3Res79'], ['InceptionV3Res151']])('the low-resolution variant %s', async (network) => {
    const graph = stdlibGraph('lowres.incp', network);
    expectParity(await parity(graph, { probe: 'mixed2' }));
  });

  // Asymmetric kernels (1x7, 7x1, 1x3, 3x1), odd grids with stride 2 and SAME (conv and pools), average
  // pools over the padding (stride 1 and 2), a flatten of a spatial map before a dense layer (NHWC order),
  // batch norm with and without scale, with a bias, standalone after a linear conv and a dense layer,
  // relu6/sigmoid/tanh, a softmax over the channels of a map.
  const mixed = `
defaults conv(bias=false, bn=true, bn_scale=true, act=relu)
network Mixed(classes: int = 10) {
  input 23x19x3
  conv 3x3/2 16 bias=true                // 12x10, SAME on odd grids
  conv 1x7 16
  conv 7x1 16 act=relu6
  maxpool 3x3/2                          // 6x5, SAME
  m1: concat {
    b1: conv 1x1 8 act=sigmoid
    b3: conv 1x3 8 -> conv 3x1 8 bn_scale=false act=tanh
    pool: avgpool 3x3 -> conv 1x1 8 bn=false bias=true
    wide: avgpool 5x5 -> conv 1x1 8 bn_epsilon=0.01
  }
  m2: concat {
    s: conv 3x3/2 12 valid              // 2x2
    p: avgpool 3x3/2 valid
  }
  conv 1x1 12 bn=false bias=false act=linear
  batchnorm
  relu
  flatten
  dense 24 bias=false
  batchnorm scale=false
  relu
  logits: dense classes
  softmax
}`;
  test(
    'a small network of asymmetric kernels, odd grids with stride 2, average pools over padding, flatten + ' + 'dense',
    async () => {
      expectParity(await parity(graphOf(mixed), { n: 3, probe: 'm1' }));
    },
  );

  test('odd grids with stride-2 SAME pools, average pools over padding, a softmax over channels', async () => {
    const text = `
network Pools {
  input 9x7x4
  avgpool 3x3/2                        // 5x4, SAME: pads [1, 1] rows, [0, 1]... columns
  conv 2x2/2 6 act=relu                // 3x2, SAME with an even kernel
  maxpool 2x2/2                        // 2x1
  avgpool 4x4                          // SAME, more padding than input
  conv 1x1 5 bias=true act=softmax
}`;
    expectParity(await parity(graphOf(text), { n: 2 }));
  });
});

describe('average pools that count their padding (count_include_pad=true)', () => {
  // tfjs: ZeroPadding2D then a VALID AveragePooling2D; ONNX: AveragePool with count_include_pad = 1 and
  // explicit pads. Stride 1 (symmetric pads) before a 1x1 conv with a bias (pool-conv must leave it), one
  // without (it moves) and one with batch norm; stride 2 on odd grids, symmetric and asymmetric pads.
  const stride1 = `
network CountedPools(classes: int = 6) {
  input 11x9x4
  conv 3x3 8 act=relu
  m: concat {
    a: avgpool 3x3 count_include_pad=true -> conv 1x1 6 bias=true act=relu
    b: avgpool 3x3 count_include_pad=true -> conv 1x1 6 bias=false act=tanh
    c: avgpool 5x5 count_include_pad=true -> conv 1x1 6 bias=false bn=true
  }
  gap
  dense classes act=softmax
}`;
  const stride2 = `
network CountedStrided(classes: int = 6) {
  input 11x9x4
  conv 3x3 8 act=relu
  m: concat {
    c: avgpool 3x3/2 count_include_pad=true // 6x5: pads [1, 1] rows, [1, 1] columns
    d: avgpool 2x2/2 count_include_pad=true // pads [0, 1], [0, 1]
    e: avgpool 6x6/2 count_include_pad=true // pads [2, 3], [2, 3]
  }
  conv 1x1 6 act=relu
  gap
  dense classes act=softmax
}`;

  test('tfjs and onnxruntime agree within 1e-4, folded and not, optimized and not', async () => {
    expectParity(await parity(graphOf(stride1), { n: 2, probe: 'm' }));
    expectParity(await parity(graphOf(stride2), { n: 2, probe: 'm' }));
  });

  test('and differ from the pools that leave the padding out (the option is not ignored)', async () => {
    const counted = graphOf(stride1);
    const plain = graphOf(stride1.replaceAll(' count_include_pad=true', ''));
    const weights = randomizedWeights(counted, 7);
    const x = randomInput(11 * 9 * 4, 17);
    const [a] = predict(tfjsModel(counted, weights, 'm'), x, [1, 11, 9, 4]).slice(1);
    const [b] = predict(tfjsModel(plain, weights, 'm'), x, [1, 11, 9, 4]).slice(1);
    expect(maxAbsDiff(a!, b!) / maxAbs(b!)).toBeGreaterThan(1e-2);
  });

  test('by hand: a 3x3 pool of ones is 4/9 at a corner, 6/9 on an edge, 1 inside; 2x2/2 on 5x5: 1/2, 1/4', async () => {
    const graph = graphOf(`network Ones {
  input 5x5x1
  s: avgpool 3x3 count_include_pad=true
}`);
    const odd = graphOf(`network Odd {
  input 5x5x1
  s: avgpool 2x2/2 count_include_pad=true
}`);
    const ones = new Float32Array(25).fill(1);
    // 5x5 rows: corner, edge, edge, edge, corner; then edge, inside x3, edge; ...
    const edge = [4 / 9, 6 / 9, 6 / 9, 6 / 9, 4 / 9];
    const inner = [6 / 9, 1, 1, 1, 6 / 9];
    const expected3 = [...edge, ...inner, ...inner, ...inner, ...edge];
    // 2x2/2 on 5: 3 outputs a side, TF's SAME pads 0 before and 1 after: the last row and column of windows
    // hold 2 real pixels of 4 (1/2), the last corner 1 (1/4).
    const expected2 = [1, 1, 0.5, 1, 1, 0.5, 0.5, 0.5, 0.25];
    for (const [g, expected] of [
      [graph, expected3],
      [odd, expected2],
    ] as const) {
      const [fromTfjs] = predict(tfjsModel(g, new Map()), ones, [1, 5, 5, 1]);
      const [fromOrt] = await runOrt(exportOnnx(g, {}), ones, [1, 1, 5, 5]);
      for (const got of [fromTfjs!, fromOrt!.data]) {
        expect(got).toHaveLength(expected.length);
        got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
      }
    }
  });
});

describe('depthwise-separable convolutions (sepconv): tf.layers.separableConv2d and onnxruntime agree', () => {
  // ONNX: a depthwise Conv (group = C_in) with the stride and pads, then a 1x1 Conv with the bias and the
  // folded batch norm. SAME and VALID, stride 2 on odd grids, an asymmetric kernel, with and without bias,
  // batch norm with and without scale, ReLU, ReLU6, tanh; the probe is the last map before pooling.
  const text = `
network Sep(classes: int = 7) {
  input 15x13x5
  conv 3x3 8 act=relu
  s1: sepconv 3x3 16 act=relu
  s2: sepconv 3x3/2 24 bias=false bn=true act=relu6      // 8x7, SAME on odd grids
  s3: sepconv 1x5 24 bn=true bn_scale=false act=tanh
  s4: sepconv 3x3/2 32 valid bn=true act=relu            // 3x3
  gap
  dense classes act=softmax
}`;
  test('within 1e-4, batch norm folded and kept', async () => {
    const graph = graphOf(text);
    expect(graph.nodes.find((n) => n.name === 's4')!.shape).toEqual([3, 3, 32]);
    expectParity(await parity(graph, { n: 2, probe: 's4' }));
  });
});

describe('a tfjs checkpoint as the weights of an ONNX model', () => {
  test('incc compile --target onnx --weights DIR/model.json reproduces the tfjs model', async () => {
    const text = `
defaults conv(bias=false, bn=true, bn_scale=false, act=relu)
network Small(classes: int = 5) {
  input 17x17x3
  conv 3x3/2 8 valid
  "odd name": conv 1x5 8
  concat { a: conv 1x1 4; b: avgpool 3x3 -> conv 1x1 4 }
  gap
  dropout 0.3
  predictions: dense classes act=softmax
}`;
    const dir = mkdtempSync(join(tmpdir(), 'incc-onnx-ckpt-'));
    try {
      const graph = graphOf(text);
      const weights = randomizedWeights(graph, 5);
      const model = tfjsModel(graph, weights);
      await writeTfjsModel(model, join(dir, 'tfjs'));
      const x = randomInput(2 * 17 * 17 * 3, 9);
      const [expected] = predict(model, x, [2, 17, 17, 3]) as [Float32Array];
      model.dispose();
      writeFileSync(join(dir, 'small.incp'), text);
      const run = incc([
        'compile',
        join(dir, 'small.incp'),
        '--target',
        'onnx',
        '--weights',
        join(dir, 'tfjs', 'model.json'),
        '--out',
        join(dir, 'small.onnx'),
        '--layout',
        'nhwc',
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`weights from ${join(dir, 'tfjs', 'model.json')}`);
      const out = await runOrt(new Uint8Array(readFileSync(join(dir, 'small.onnx'))), x, [2, 17, 17, 3]);
      expect(maxAbsDiff(out[0]!.data, expected)).toBeLessThan(TOLERANCE);
      expect(maxAbs(expected)).toBeGreaterThan(0.3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
