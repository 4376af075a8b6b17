/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * `incc compile --target onnx --quantize int8` (backends/onnx/quantize/), through the CLI (dist/):
 *
 * - Accuracy, on a network trained here: examples/train/mini.incp, `incc train` on a generated folder of 640
 *   PNG shapes (4 classes, 2 epochs). Its int8 export, calibrated on that folder (`--calibrate`) or on generated
 *   images, agrees with the float export on the top-1 class of at least 95% of 200 generated images (shapes
 *   drawn with another seed), and both classify them well above chance. Not Inception-v3 with initial weights:
 *   with random weights its output hardly depends on the input (on 200 generated images the float model's top-1
 *   was one class for 189 and another for the 11 others), and the softmax is nearly uniform (median gap between
 *   the two top probabilities 1.3e-7, the size of the int8 model's own error, 5.5e-8): top-1 agreement there
 *   measures rounding noise, or nothing (spec/onnx.md, "int8").
 * - The reference: onnxruntime's own quantize_static (Python, QDQ, per-channel, MinMax) on the same float model
 *   and calibration images makes the same model: every initializer equal (int8 weights, int32 biases, scales,
 *   zero points, bit for bit) and the same nodes; for uint8 and int8 activations, and for a network with a
 *   separable convolution, relu6, a linear conv, a sigmoid, max pooling, flatten and NHWC input.
 * - onnx's full checker (Python onnx.checker.check_model(full_check=True)) accepts every int8 model.
 * - The structure (int8 per-channel weights, int32 biases, Relu folded into the quantization, float output),
 *   determinism (the same seed gives the same bytes), and clear errors for bad options and images.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import pkg from 'onnx-proto';
import pngjs from 'pngjs';
import { drawSynthetic, mixSeed, networkInput, SYNTHETIC_CLASSES } from '../backends/common/data.js';
import { calibrationInputs } from '../backends/onnx/quantize/calibration-data.js';
import { incc, repoRoot } from './helpers/cli.js';
import { runPython, testWith, venvPython } from './helpers/python.js';

const { onnx } = pkg;
const DT = onnx.TensorProto.DataType;

const work = mkdtempSync(join(tmpdir(), 'incc-int8-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mini = join(repoRoot, 'examples', 'train', 'mini.incp');
const S = 32;
const CLASSES = 4;

/** 160 PNG shapes per class (the first four synthetic kinds), one subfolder each, as `incc train` reads them. */
function shapesFolder(dir: string): void {
  const px = new Uint8Array(S * S * 3);
  for (let k = 0; k < CLASSES; k++) {
    mkdirSync(join(dir, SYNTHETIC_CLASSES[k]!), { recursive: true });
    for (let i = 0; i < 160; i++) {
      drawSynthetic(k, [S, S, 3], mixSeed(99, k, i), px, 0);
      const png = new pngjs.PNG({ width: S, height: S });
      for (let p = 0; p < S * S; p++) png.data.set([px[3 * p]!, px[3 * p + 1]!, px[3 * p + 2]!, 255], 4 * p);
      writeFileSync(join(dir, SYNTHETIC_CLASSES[k]!, `${String(i).padStart(4, '0')}.png`), pngjs.PNG.sync.write(png));
    }
  }
}

/** 200 generated test images (NCHW, as the network takes them) and their labels in the folder's class order. */
function testImages(): { x: Float32Array; labels: number[] } {
  const N = 200;
  const px = new Uint8Array(N * S * S * 3);
  // The folder's classes are its subfolder names, sorted: a synthetic kind's label is its name's rank.
  const names = SYNTHETIC_CLASSES.slice(0, CLASSES);
  const sorted = [...names].sort();
  const labels: number[] = [];
  for (let i = 0; i < N; i++) {
    const kind = i % CLASSES;
    labels.push(sorted.indexOf(names[kind]!));
    drawSynthetic(kind, [S, S, 3], mixSeed(4242, i), px, i * S * S * 3);
  }
  const nhwc = networkInput(px);
  const x = new Float32Array(nhwc.length);
  for (let n = 0; n < N; n++)
    for (let p = 0; p < S * S; p++)
      for (let c = 0; c < 3; c++) x[(n * 3 + c) * S * S + p] = nhwc[(n * S * S + p) * 3 + c]!;
  return { x, labels };
}

async function predict(file: string, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, dims) });
  await session.release();
  return out[session.outputNames[0]!]!.data as Float32Array;
}

const top1 = (p: Float32Array, k: number): number[] =>
  Array.from({ length: p.length / k }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    return best;
  });

function compile(out: string, ...args: string[]): string {
  const r = incc(['compile', mini, '--target', 'onnx', '--out', out, '--force', ...args]);
  if (r.status !== 0) throw new Error(`incc compile ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const folder = join(work, 'shapes');
const run = join(work, 'run');
const weights = join(run, 'model.json');
const float = join(work, 'float.onnx');
const int8 = join(work, 'int8.onnx');
const int8Generated = join(work, 'int8-generated.onnx');

beforeAll(() => {
  shapesFolder(folder);
  const r = incc(['train', mini, '--data', folder, '--epochs', '2', '--seed', '1', '--out', run]);
  if (r.status !== 0) throw new Error(`incc train exited ${r.status}: ${r.stderr}`);
  compile(float, '--weights', weights);
  compile(int8, '--weights', weights, '--quantize', 'int8', '--calibrate', folder);
  compile(int8Generated, '--weights', weights, '--quantize', 'int8');
}, 600_000);

describe('a trained network', () => {
  test('int8 top-1 agrees with float on at least 95% of 200 generated images; both classify them', async () => {
    const { x, labels } = testImages();
    const dims = [labels.length, 3, S, S];
    const f = await predict(float, x, dims);
    const floatTop = top1(f, CLASSES);
    const accuracy = (t: number[]): number => t.filter((c, i) => c === labels[i]).length / labels.length;
    expect(accuracy(floatTop)).toBeGreaterThan(0.8); // trained: chance is 0.25
    for (const file of [int8, int8Generated]) {
      const q = await predict(file, x, dims);
      const t = top1(q, CLASSES);
      expect(t.filter((c, i) => c === floatTop[i]).length / labels.length).toBeGreaterThanOrEqual(0.95);
      expect(accuracy(t)).toBeGreaterThan(0.8);
      // Probabilities, not 8-bit steps: the output is float and close to the float model's.
      let err = 0;
      for (let i = 0; i < f.length; i++) err = Math.max(err, Math.abs(f[i]! - q[i]!));
      expect(err).toBeLessThan(0.1);
      expect(err).toBeGreaterThan(0);
    }
  });
});

describe('the model', () => {
  const model = (file: string): pkg.onnx.ModelProto => onnx.ModelProto.decode(readFileSync(file));

  test('QDQ: per-channel int8 weights, int32 biases, uint8 activations; Relu folded away; float output', () => {
    const g = model(int8).graph as pkg.onnx.GraphProto;
    const nodes = g.node as pkg.onnx.NodeProto[];
    const initializers = g.initializer as pkg.onnx.TensorProto[];
    const inits = new Map(initializers.map((t) => [t.name, t]));
    const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
    const convs = nodes.filter((n) => n.opType === 'Conv');
    expect(convs.length).toBe(
      (model(float).graph as pkg.onnx.GraphProto).node.filter((n) => n.opType === 'Conv').length,
    );
    for (const conv of convs) {
      const [x, w, b] = conv.input.map((t) => producer.get(t)!);
      expect(x!.opType).toBe('DequantizeLinear');
      expect(inits.get(x!.input[2]!)!.dataType).toBe(DT.UINT8);
      expect(w!.opType).toBe('DequantizeLinear');
      const kernel = inits.get(w!.input[0]!)!;
      expect(kernel.dataType).toBe(DT.INT8);
      expect(Number(w!.attribute.find((a) => a.name === 'axis')?.i)).toBe(0);
      expect(inits.get(w!.input[1]!)!.dims!.map(Number)).toEqual([Number(kernel.dims[0])]); // a scale per channel
      expect(b!.opType).toBe('DequantizeLinear');
      expect(inits.get(b!.input[0]!)!.dataType).toBe(DT.INT32);
    }
    expect(nodes.filter((n) => n.opType === 'Relu')).toEqual([]);
    expect(g.output.map((o) => [o.name, o.type!.tensorType!.elemType])).toEqual([['predictions', DT.FLOAT]]);
    expect(producer.get('predictions')!.opType).toBe('Softmax');
    expect(initializers.filter((t) => t.dataType === DT.FLOAT && t.dims.length > 1)).toEqual([]); // no float weights
    const meta = Object.fromEntries(model(int8).metadataProps.map((p) => [p.key, p.value]));
    expect(meta['quantization']).toMatch(/^int8 QDQ: .* MinMax calibration on 64 images from .*shapes$/);
    expect(readFileSync(int8).length).toBeLessThan(readFileSync(float).length / 2);
  });

  test('deterministic: the same seed gives the same bytes; another seed other calibration images', () => {
    const again = join(work, 'again.onnx');
    compile(again, '--weights', weights, '--quantize', 'int8');
    expect(readFileSync(again).equals(readFileSync(int8Generated))).toBe(true);
    const seeded = join(work, 'seeded.onnx');
    const out = compile(seeded, '--seed', '5', '--quantize', 'int8', '--calibration-size', '16');
    expect(out).toMatch(
      /int8 \(QDQ, uint8 activations\) calibrated on 16 generated images \(synthetic shapes, seed 5\)/,
    );
    compile(again, '--seed', '5', '--quantize', 'int8', '--calibration-size', '16');
    expect(readFileSync(again).equals(readFileSync(seeded))).toBe(true);
    compile(again, '--seed', '5', '--quantize', 'int8', '--calibration-size', '17');
    expect(readFileSync(again).equals(readFileSync(seeded))).toBe(false);
  });
});

describe('errors', () => {
  const compileStatus = (...args: string[]) =>
    incc(['compile', mini, '--target', 'onnx', '--out', join(work, 'e.onnx'), '--force', ...args]);

  test.each([
    [['--quantize', 'int4'], "--quantize takes int8, not 'int4'"],
    [['--calibrate', folder], '--calibrate goes with --quantize int8'],
    [['--quantize', 'int8', '--no-fold-bn'], '--quantize int8 folds batch norm'],
    [['--quantize', 'int8', '--calibration-size', '0'], '--calibration-size takes a number of images from 1'],
    [['--quantize', 'int8', '--activations', 'int16'], "--activations takes uint8 or int8, not 'int16'"],
  ])('%j is a usage error', (args, message) => {
    const r = compileStatus(...args);
    expect(r.stderr).toContain(message);
    expect(r.status).toBe(2);
  });

  test('a missing folder, an empty one and a grayscale image are errors naming them (exit 2)', () => {
    const missing = compileStatus('--quantize', 'int8', '--calibrate', join(work, 'nowhere'));
    expect(missing.stderr).toContain(`calibration images: ${join(work, 'nowhere')}: cannot read this folder`);
    expect(missing.status).toBe(2);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const e = compileStatus('--quantize', 'int8', '--calibrate', empty);
    expect(e.stderr).toContain(`${empty}: has no subfolders`);
    expect(e.status).toBe(2);
    const gray = join(work, 'gray');
    mkdirSync(gray);
    const png = new pngjs.PNG({ width: 4, height: 4 });
    writeFileSync(join(gray, 'g.png'), pngjs.PNG.sync.write(png, { colorType: 0 } as never));
    const g = compileStatus('--quantize', 'int8', '--calibrate', gray);
    expect(g.stderr).toContain(`${join(gray, 'g.png')}: is a grayscale image, but the network takes 3-channel`);
    expect(g.status).toBe(2);
    expect(g.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

const pythonTest = testWith(venvPython, 'the Python environment (onnx, onnxruntime)');

describe("onnxruntime's quantize_static and onnx's checker", () => {
  /** The calibration images the CLI uses for `args`, written for Python (float32 in the model's layout). */
  async function calibrationFile(name: string, request: Parameters<typeof calibrationInputs>[0]): Promise<string> {
    const inputs = await calibrationInputs(request);
    const file = join(work, `${name}.f32`);
    writeFileSync(file, new Uint8Array(inputs.data.buffer, inputs.data.byteOffset, inputs.data.byteLength));
    return file;
  }

  interface Comparison {
    excluded: string[];
    common: number;
    differ: string[];
    only_onnxruntime: string[];
    only_incc: string[];
    nodes: number;
    same_nodes: boolean;
    weight_types: string[];
  }
  const reference = (floatModel: string, calib: string, activations: string, ours: string): Comparison =>
    JSON.parse(
      runPython(venvPython!, [
        join(repoRoot, 'test', 'helpers', 'ort_quantize.py'),
        floatModel,
        calib,
        '8',
        activations,
        ours,
      ]).stdout,
    ) as Comparison;

  pythonTest('the trained network, calibrated on its folder: the same model as quantize_static', async () => {
    const calib = await calibrationFile('folder', {
      source: { folder },
      count: 64,
      seed: 0,
      shape: [S, S, 3],
      layout: 'nchw',
    });
    const r = reference(float, calib, 'uint8', int8);
    expect(r).toEqual({
      excluded: ['predictions/softmax'],
      common: r.common,
      nodes: r.nodes,
      differ: [],
      only_onnxruntime: [],
      only_incc: [],
      same_nodes: true,
      weight_types: ['int32', 'int8'],
    });
    expect(r.common).toBeGreaterThan(50);
  });

  pythonTest('int8 activations, all graph optimizations, other layers, NHWC input: the same model too', async () => {
    // --optimize all adds `horizontal`: the 1x1 convs reading one tensor as one Conv and a Split.
    const floatAll = join(work, 'float-all.onnx');
    compile(floatAll, '--weights', weights, '--optimize', 'all');
    const int8Activations = join(work, 'int8-activations.onnx');
    compile(int8Activations, '--weights', weights, '--optimize', 'all', '--quantize', 'int8', '--activations', 'int8');
    const generated = await calibrationFile('generated', {
      source: { generated: true },
      count: 64,
      seed: 0,
      shape: [S, S, 3],
      layout: 'nchw',
    });
    const r = reference(floatAll, generated, 'int8', int8Activations);
    expect([r.differ, r.only_incc, r.only_onnxruntime, r.same_nodes]).toEqual([[], [], [], true]);

    const odd = join(work, 'odd.incp');
    writeFileSync(
      odd,
      'network Odd(classes: int = 3) {\n  input 17x17x3\n  sepconv 3x3 8 bn=true act=relu6\n' +
        '  conv 3x3/2 8 bias=true act=linear\n  conv 1x1 8 bias=true act=sigmoid\n  maxpool 2x2\n  flatten\n' +
        '  dense classes act=softmax\n}\n',
    );
    const oddFloat = join(work, 'odd.onnx');
    const oddInt8 = join(work, 'odd-int8.onnx');
    for (const [out, extra] of [
      [oddFloat, []],
      [oddInt8, ['--quantize', 'int8', '--calibration-size', '16']],
    ] as const) {
      const c = incc(['compile', odd, '--target', 'onnx', '--layout', 'nhwc', '--out', out, ...extra]);
      expect(c.status).toBe(0);
    }
    const oddCalib = await calibrationFile('odd', {
      source: { generated: true },
      count: 16,
      seed: 0,
      shape: [17, 17, 3],
      layout: 'nhwc',
    });
    const o = reference(oddFloat, oddCalib, 'uint8', oddInt8);
    expect([o.differ, o.only_incc, o.only_onnxruntime, o.same_nodes]).toEqual([[], [], [], true]);
    expect(o.common).toBeGreaterThan(30);

    const check = runPython(venvPython!, [
      '-c',
      'import sys, onnx\n' +
        'for f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n' +
        'print("ok")',
      int8,
      int8Generated,
      int8Activations,
      oddInt8,
    ]);
    expect(check.stdout.trim()).toBe('ok');
  });
});
