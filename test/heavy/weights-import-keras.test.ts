/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 *
 * `incc weights import` from Keras, against Keras itself (test/helpers/keras_run.py, made once per test run
 * in the project's venv): `keras.applications.InceptionV3(weights=None)` with random weights and random
 * batch-norm statistics, saved as `.keras`, `.weights.h5` and the legacy `.h5` of keras.applications, and
 * its output on a fixed batch of two 299x299 images. Each file is imported onto std/inception_v3 (the three
 * give the same weights); `compile --target onnx` in onnxruntime and `compile --target tfjs` in stock tfjs
 * (wasm) then give Keras's output to 1e-4 of its largest value (max |incc - Keras| / max |Keras|, over both
 * images' 1,000 probabilities); and the tfjs export with `--names keras` is rebuilt by Keras alone, with the
 * same output. Mismatched sources (ResNet50's weights, a v3 with one 1x7 convolution made 1x5, truncated
 * `.weights.h5` and `.keras` files) are exit 1 naming the layer or the byte offset, and write nothing.
 *
 * Heavy (test/heavy/, run alone after the others): Keras builds three models and the tests run Inception-v3
 * five times.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { decodeSafetensors } from '../../backends/common/safetensors.js';
import { fromTorchTensors } from '../../backends/common/torch-state.js';
import { readTfjsWeights } from '../../backends/tfjs/checkpoint.js';
import { loadTfjsModel } from '../../backends/tfjs/index.js';
import { incc, repoRoot } from '../helpers/cli.js';
import { maxAbs, maxAbsDiff, toNchw } from '../helpers/arrays.js';
import { stdlibGraph } from '../helpers/graphs.js';
import { runOrt } from '../helpers/onnx.js';
import { kerasPython, runPython, testWith } from '../helpers/python.js';

const kerasTest = testWith(kerasPython, 'Keras 3 with TensorFlow and h5py (the Python environment)');
const TOLERANCE = 1e-4;
const V3 = join(repoRoot, 'stdlib', 'inception_v3.incp');
const SCRIPT = join(repoRoot, 'test', 'helpers', 'keras_run.py');

let dir: string;
let graph: IRGraph;
let input: Float32Array;
let reference: Float32Array;

function floats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

const relative = (ours: ArrayLike<number>): number => maxAbsDiff(ours, reference) / maxAbs(reference);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'incc-keras-import-'));
  graph = stdlibGraph('inception_v3.incp');
  setWasmPaths(join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  tf.enableProdMode();
  await tf.setBackend('wasm');
  if (!kerasPython) return;
  runPython(kerasPython, [SCRIPT, 'reference', dir, '7'], { timeout: 900_000 });
  input = floats(join(dir, 'input.f32'));
  reference = floats(join(dir, 'output.f32'));
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const importTo = (source: string, out: string) =>
  incc(['weights', 'import', join(dir, source), '--network', V3, '--out', join(dir, out)]);

/** The ONNX export of std/inception_v3 with `weights` in onnxruntime, on the reference batch. */
async function onnxOutput(weights: string): Promise<Float32Array> {
  const onnx = join(dir, 'v3.onnx');
  const r = incc(['compile', V3, '--target', 'onnx', '--weights', weights, '--out', onnx, '--force']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const [out] = await runOrt(readFileSync(onnx), toNchw(input, 2, 299, 299, 3), [2, 3, 299, 299]);
  return out!.data;
}

kerasTest(
  'the .keras, .weights.h5 and legacy .h5 files import to the same weights; onnxruntime gives Keras output',
  async () => {
    const imports: [string, string][] = [
      ['v3.keras', 'from-keras'],
      ['v3.weights.h5', 'from-weights-h5.safetensors'],
      ['v3.h5', 'from-legacy-h5.safetensors'],
    ];
    const weights: Map<string, Float32Array>[] = [];
    for (const [source, out] of imports) {
      const r = importTo(source, out);
      expect(r.stderr).toContain('189 layers of Keras'); // 94 convolutions, 94 batch norms, the classifier
      expect(r.status).toBe(0);
      const path = join(dir, out);
      weights.push(
        out.endsWith('.safetensors')
          ? fromTorchTensors(graph, decodeSafetensors(readFileSync(path), path).tensors, path)
          : readTfjsWeights(join(path, 'model.json'), graph),
      );
    }
    for (const w of weights.slice(1)) {
      expect([...w.keys()].sort()).toEqual([...weights[0]!.keys()].sort());
      for (const [name, values] of w) expect(maxAbsDiff(values, weights[0]!.get(name)!)).toBe(0);
    }
    // The import is not the network's own initialisation: Keras's random batch-norm statistics are there.
    expect(maxAbs(weights[0]!.get('conv1/bn/moving_mean')!)).toBeGreaterThan(0.01);

    expect(maxAbs(reference)).toBeGreaterThan(0.05); // a softmax far from uniform and from one-hot
    expect(maxAbs(reference)).toBeLessThan(0.9);
    for (const weightsFile of [join(dir, 'from-keras', 'model.json'), join(dir, 'from-weights-h5.safetensors')]) {
      const rel = relative(await onnxOutput(weightsFile));
      process.stdout.write(`Keras -> incc -> onnxruntime, ${weightsFile}: max relative difference ${rel}\n`);
      expect(rel).toBeLessThan(TOLERANCE);
    }
  },
  900_000,
);

kerasTest(
  'compile --target tfjs --names keras: stock tfjs gives Keras output, and Keras rebuilds the export with it too',
  async () => {
    const out = join(dir, 'v3-keras-names');
    const r = incc([
      'compile',
      V3,
      '--target',
      'tfjs',
      '--names',
      'keras',
      '--weights',
      join(dir, 'from-legacy-h5.safetensors'),
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const model = await loadTfjsModel(out);
    const x = tf.tensor(input, [2, 299, 299, 3]);
    const y = model.predict(x) as tf.Tensor;
    const tfjs = y.dataSync().slice();
    tf.dispose([x, y]);
    model.dispose();
    const rel = relative(tfjs);
    process.stdout.write(`Keras -> incc -> tfjs (wasm): max relative difference ${rel}\n`);
    expect(rel).toBeLessThan(TOLERANCE);

    const kerasOut = join(dir, 'rebuilt.f32');
    const modelJson = join(out, 'model.json');
    const rebuilt = runPython(kerasPython!, [
      SCRIPT,
      'rebuild',
      modelJson,
      join(dir, 'input.f32'),
      '2,299,299,3',
      kerasOut,
    ]);
    const report = JSON.parse(rebuilt.stdout.trim().split('\n').at(-1)!) as { layers: string[]; weights: number };
    expect(report.layers.filter((n) => n.includes('/'))).toEqual([]);
    expect(report.weights).toBe(94 + 94 * 3 + 2);
    const back = relative(floats(kerasOut));
    process.stdout.write(`Keras -> incc -> Keras (rebuilt from model.json): max relative difference ${back}\n`);
    expect(back).toBeLessThan(TOLERANCE);
  },
  900_000,
);

describe('mismatched sources: exit 1, the layer or byte offset named, nothing written', () => {
  /** Imports `source` to each of `outs` (a folder, a .safetensors file): refused; the first's stderr. */
  const refused = (source: string, outs = ['refused']): string => {
    const stderr = outs.map((out) => {
      const r = importTo(source, out);
      expect(r.status).toBe(1);
      expect(existsSync(join(dir, out))).toBe(false);
      expect(r.stderr).toContain('nothing written');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      return r.stderr;
    });
    return stderr[0]!;
  };

  kerasTest("ResNet50's weights: its first convolution does not fit Inception-v3's", () => {
    const stderr = refused('resnet50.weights.h5');
    expect(stderr).toContain('error weights-layer-mismatch');
    expect(stderr).toContain('`layers/conv2d` (conv kernel 7x7x3x64, with bias)');
    expect(stderr).toContain('layer `conv1` (conv kernel 3x3x3x32, no bias)');
    expect(stderr).toMatch(/std\/inception_v3\.incp:\d+:\d+/);
  });

  kerasTest('a v3 with one 1x7 convolution made 1x5: that layer, by its Keras name and its incc name', () => {
    const stderr = refused('v3-changed.keras');
    expect(stderr).toContain('error weights-layer-mismatch');
    expect(stderr).toMatch(/Keras \.keras layer `conv2d_\d+ \(layers\/conv2d_\d+\)` \(conv kernel 1x5x128x128/);
    expect(stderr).toContain('(conv kernel 1x7x128x128, no bias)');
    expect(stderr).toMatch(/layer `mixed4\/branch7x7(dbl)?\/conv\d`/);
  });

  kerasTest('truncated files: where the file ends, and where it should', () => {
    for (const [source, format] of [
      ['v3.weights.h5', 'HDF5'],
      ['v3.keras', 'zip'],
    ] as const) {
      const full = readFileSync(join(dir, source));
      const cut = `cut-${source}`;
      writeFileSync(join(dir, cut), full.subarray(0, 40_000_000));
      const stderr = refused(cut, ['refused', 'refused.safetensors']);
      expect(stderr).toContain('error weights-source-unreadable');
      if (format === 'HDF5')
        expect(stderr).toContain(
          `it ends at byte 40000000, and its HDF5 superblock says it is ${statSync(join(dir, source)).size} bytes`,
        );
      else expect(stderr).toContain("it ends at byte 40000000 without a zip archive's end record");
    }
  });
});
