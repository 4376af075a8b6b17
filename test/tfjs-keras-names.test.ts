/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 *
 * `incc compile --target tfjs --names keras`: layer names Keras 3 accepts (no `/`), so that Keras alone
 * rebuilds the exported model from model.json (keras.Model.from_config on modelTopology.config, which
 * refuses tfjs's default names with "cannot contain character /"), takes every weight of the shards by its
 * name, and computes what incc's ONNX export of the same checkpoint computes in onnxruntime and what stock
 * tfjs computes with the folder (to 1e-5 of the output's largest value, main output and aux head). The
 * network has every layer kind the tfjs plan makes with weights, an average pool that counts its padding
 * (ZeroPadding2D + AveragePooling2D), an aux head, string labels with `/` and characters tfjs refuses, and a
 * label that collides with a derived name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IRGraph } from '../compiler/ir/ir.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram } from '../compiler/program/node-host.js';
import * as tf from '@tensorflow/tfjs';
import { compileTfjs, loadTfjsModel, writeFolderAtomic, type ModelJson } from '../backends/tfjs/index.js';
import { incc, repoRoot } from './helpers/cli.js';
import { maxAbs, maxAbsDiff, toNchw } from './helpers/arrays.js';
import { randomInput, randomizedWeights } from './helpers/graphs.js';
import { runOrt } from './helpers/onnx.js';
import { kerasPython, runPython, testWith } from './helpers/python.js';

const kerasTest = testWith(kerasPython, 'Keras 3 with TensorFlow and h5py (the Python environment)');

const SOURCE = `
defaults conv(bias=false, bn=true, act=relu)

network KerasNames(classes: int = 5) {
  input 32x32x3
  conv 3x3 16
  "stem/out a": conv 3x3/2 24 valid
  mixed0: concat {
    branch1x1: conv 1x1 16
    branch3x3: conv 1x1 8 -> conv 3x3 16
    branch_pool: avgpool 3x3 -> conv 1x1 8 bias=true bn=false
    branch_sep: sepconv 3x3 16 bias=false bn=true act=relu
    branch_counted: avgpool 3x3 count_include_pad=true -> conv 1x1 8
  }
  "mixed0_branch1x1_bn": batchnorm
  maxpool 3x3/2 valid
  gap
  dropout 0.2
  predictions: dense classes act=softmax
  aux_logits: aux from mixed0 weight 0.4 {
    avgpool 5x5/3 valid
    conv 1x1 8
    flatten
    dense classes act=softmax
  }
}
`;

let work: string;
let graph: IRGraph;
let json: ModelJson;
const kerasDir = (): string => join(work, 'keras');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'incc-keras-names-'));
  const file = join(work, 'net.incp');
  writeFileSync(file, SOURCE);
  const built = buildNetwork(loadProgram(file), {});
  if (!built.graph) throw new Error(built.diagnostics.map((d) => d.message).join('; '));
  graph = built.graph;
  // A tfjs checkpoint (default names) with random batch-norm statistics, so that every variable matters.
  const { files } = await compileTfjs(graph, { weights: randomizedWeights(graph, 5) });
  writeFolderAtomic(join(work, 'tfjs'), files, () => true, { force: false });
  const r = incc([
    'compile',
    file,
    '--target',
    'tfjs',
    '--names',
    'keras',
    '--weights',
    join(work, 'tfjs', 'model.json'),
    '--out',
    kerasDir(),
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  json = JSON.parse(readFileSync(join(kerasDir(), 'model.json'), 'utf8')) as ModelJson;
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface TopologyLayer {
  name: string;
}
const layerNames = (j: ModelJson): string[] =>
  (j.modelTopology as { config: { layers: TopologyLayer[] } }).config.layers.map((l) => l.name);

test('no layer name has a /; derived names join with _; the IR names are kept in the metadata', () => {
  const names = layerNames(json);
  expect(names.filter((n) => n.includes('/'))).toEqual([]);
  expect(names).toEqual(expect.arrayContaining(['mixed0_branch3x3_conv1_bn', 'mixed0_branch3x3_conv1_relu']));
  // The exact label `mixed0_branch1x1_bn` keeps its name; the derived batch norm of mixed0/branch1x1 moves.
  expect(names).toEqual(expect.arrayContaining(['mixed0_branch1x1_bn', 'mixed0_branch1x1_bn_2']));
  expect(new Set(names).size).toBe(names.length);
  const incc = (json.userDefinedMetadata as { incc: { names: string; layers: Record<string, string> } }).incc;
  expect(incc.names).toBe('keras');
  expect(incc.layers['mixed0_branch1x1_bn_2']).toBe('mixed0/branch1x1');
  const weightNames = json.weightsManifest.flatMap((g) => g.weights.map((w) => w.name));
  expect(weightNames.every((n) => /^[^/]+\/[a-z_]+$/.test(n))).toBe(true);
  // The default style keeps tfjs's names, `/` and all.
  const tfjs = JSON.parse(readFileSync(join(work, 'tfjs', 'model.json'), 'utf8')) as ModelJson;
  expect(layerNames(tfjs)).toContain('mixed0/branch3x3/conv1/bn');
});

test('--names takes tfjs or keras', () => {
  const r = incc(['compile', join(work, 'net.incp'), '--target', 'tfjs', '--names', 'torch', '--out', join(work, 'x')]);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--names takes tfjs or keras, got 'torch'");
});

kerasTest(
  'Keras 3 rebuilds the model from model.json, takes every weight by name, and computes what incc does',
  async () => {
    const x = randomInput(2 * 32 * 32 * 3, 11);
    const inputPath = join(work, 'input.f32');
    writeFileSync(inputPath, Buffer.from(x.buffer));
    const outputPath = join(work, 'keras-output.f32');
    const modelJson = join(kerasDir(), 'model.json');
    const r = runPython(kerasPython!, [
      join(repoRoot, 'test', 'helpers', 'keras_run.py'),
      'rebuild',
      modelJson,
      inputPath,
      '2,32,32,3',
      outputPath,
    ]);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      layers: string[];
      weights: number;
      outputs: number[][];
    };
    expect(report.layers).toEqual(layerNames(json));
    expect(report.weights).toBe(json.weightsManifest.flatMap((g) => g.weights).length);
    expect(report.outputs).toEqual([
      [2, 5],
      [2, 5],
    ]);
    const bytes = readFileSync(outputPath);
    const keras = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

    // The keras-named checkpoint read back by the ONNX target: the same network in onnxruntime.
    const onnxPath = join(work, 'net.onnx');
    const c = incc(['compile', join(work, 'net.incp'), '--target', 'onnx', '--weights', modelJson, '--out', onnxPath]);
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    const ort = await runOrt(readFileSync(onnxPath), toNchw(x, 2, 32, 32, 3), [2, 3, 32, 32]);
    const main = keras.subarray(0, 10);
    expect(maxAbs(main)).toBeGreaterThan(0.05);
    expect(maxAbsDiff(ort[0]!.data, main) / maxAbs(main)).toBeLessThan(1e-5);
    // Stock tfjs loads the keras-named folder too: the main output and the aux head's.
    const model = await loadTfjsModel(kerasDir());
    const input = tf.tensor(x, [2, 32, 32, 3]);
    const outputs = model.predict(input) as tf.Tensor[];
    const tfjs = new Float32Array([...outputs[0]!.dataSync(), ...outputs[1]!.dataSync()]);
    tf.dispose([input, ...outputs]);
    expect(maxAbsDiff(tfjs, keras) / maxAbs(keras)).toBeLessThan(1e-5);
  },
  300_000,
);
