/**
 * `incc compile --target onnx` as a user runs it (the built CLI): what it writes and prints, the options
 * (--seed, --no-fold-bn, --layout, --network, --set, --rules, --weights), bad input, and what it loads.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv } from './helpers/argv.js';
import { cliPath, incc, repoRoot, runRecordingLoads } from './helpers/cli.js';
import { decodeModel } from './helpers/onnx.js';
import { joinedRegExp } from './helpers/regexp.js';

const NETS = `
defaults conv(bias=false, bn=true, bn_scale=false, act=relu)
network A(classes: int = 10) {
  input 33x33x3
  conv 3x3/2 8 valid
  branch5x5: conv 1x1 8 -> conv 5x5 8
  gap
  predictions: dense classes act=softmax
}
network B {
  input 8x8x3
  conv 3x3 4
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-onnx-cli-'));
  writeFileSync(join(dir, 'nets.incp'), NETS);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const model = (path: string) => decodeModel(readFileSync(path));
/** `incc compile nets.incp --target onnx --network NETWORK ARGS...` in the test's folder. */
const compileOnnx = (network: string, ...args: string[]) =>
  incc(['compile', 'nets.incp', '--target', 'onnx', '--network', network, ...args], dir);

describe('incc compile --target onnx', () => {
  test('writes the model and says what it wrote', () => {
    const r = compileOnnx('A', '--out', 'a.onnx');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      joinedRegExp(
        /^wrote a\.onnx \(\d+\.\d MB\): A, ONNX opset 13, \d+ nodes, [\d,]+ weights; /,
        /input input \[N, 3, 33, 33\] NCHW, output predictions \[N, 10\]; batch norm folded; /,
        /optimizations pool-conv, concat; weights initial \(seed 0\)\n$/,
      ),
    );
    const m = model(join(dir, 'a.onnx'));
    expect(m.graph!.name).toBe('A');
    expect(m.graph!.node.filter((n) => n.opType === 'Conv').map((n) => n.name)).toEqual([
      'conv1',
      'branch5x5/conv1',
      'branch5x5/conv2',
    ]);
    expect(m.graph!.node.find((n) => n.name === 'branch5x5/conv2')!.docString).toMatch(
      /^branch5x5\/conv2: conv at nets\.incp:6:\d+: branch5x5: conv 1x1 8 -> conv 5x5 8$/m,
    );
    expect(readdirSync(dir).sort()).toEqual(['a.onnx', 'nets.incp']);
  });

  test('the same seed gives the same bytes, another seed other weights; --no-fold-bn and --layout', () => {
    const run = (out: string, ...extra: string[]) => {
      const r = compileOnnx('A', '--out', out, ...extra);
      expect(r.status).toBe(0);
      return readFileSync(join(dir, out));
    };
    const a = run('a.onnx', '--seed', '3');
    expect(run('b.onnx', '--seed', '3').equals(a)).toBe(true);
    expect(run('c.onnx', '--seed', '4').equals(a)).toBe(false);
    const unfolded = decodeModel(run('d.onnx', '--no-fold-bn'));
    expect(unfolded.graph!.node.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(3);
    const nhwc = decodeModel(run('e.onnx', '--layout', 'nhwc'));
    expect(nhwc.graph!.input[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'N',
      33,
      33,
      3,
    ]);
    expect(nhwc.graph!.node[0]!.opType).toBe('Transpose');
  });

  test('--set and --rules reach the graph', () => {
    const r = compileOnnx('A', '--set', 'classes=4', '--rules', 'factor_5x5', '--out', 'a.onnx');
    expect(r.status).toBe(0);
    const m = model(join(dir, 'a.onnx'));
    expect(m.graph!.output[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'N',
      4,
    ]);
    // factor_5x5 turned the 5x5 into two 3x3 convolutions.
    const kernels = m.graph!.initializer.filter((t) => t.name.startsWith('branch5x5/')).map((t) => t.dims.map(Number));
    expect(kernels.some((d) => d.length === 4 && d[2] === 5)).toBe(false);
    expect(kernels.filter((d) => d.length === 4 && d[2] === 3 && d[3] === 3).length).toBe(2);
  });

  test('usage errors: no target, no --out, an unknown layout, --seed with --weights', () => {
    for (const args of [
      argv`compile nets.incp --network A --out a.onnx`,
      argv`compile nets.incp --target onnx --network A`,
      argv`compile nets.incp --target onnx --network A --out a.onnx --layout chwn`,
      argv`compile nets.incp --target onnx --network A --out a.onnx --seed 1 --weights x/model.json`,
    ]) {
      const r = incc(args, dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^incc compile: /);
    }
    expect(existsSync(join(dir, 'a.onnx'))).toBe(false);
  });

  test('errors in the file: diagnostics, exit 1, nothing written', () => {
    const r = incc(['compile', 'nets.incp', '--target', 'onnx', '--out', 'a.onnx'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error network-required:');
    expect(existsSync(join(dir, 'a.onnx'))).toBe(false);
  });

  test('a network too large for one ONNX file: weights-too-large with its span and the largest layer', () => {
    writeFileSync(join(dir, 'huge.incp'), 'network Huge {\n  input 1x1x30000\n  flatten\n  big: dense 20000\n}\n');
    const r = incc(['compile', 'huge.incp', '--target', 'onnx', '--out', 'h.onnx'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      joinedRegExp(
        /huge\.incp:1:1: error weights-too-large: /,
        /network Huge has 2\.\d\d GiB of weights, more than the 2 GiB one ONNX file can hold/,
      ),
    );
    expect(r.stderr).toContain('the largest layer, big, holds');
    expect(existsSync(join(dir, 'h.onnx'))).toBe(false);
  });

  test('--weights that do not match: the first mismatches named, exit 1; an unreadable checkpoint: exit 2', () => {
    const ckpt = join(dir, 'ckpt');
    mkdirSync(ckpt);
    writeFileSync(join(ckpt, 'w.bin'), Buffer.alloc(4 * (3 * 3 * 3 * 4 + 4 * 3)));
    writeFileSync(
      join(ckpt, 'model.json'),
      JSON.stringify({
        format: 'layers-model',
        weightsManifest: [
          {
            paths: ['w.bin'],
            weights: [
              { name: 'conv1/kernel', shape: [3, 3, 3, 4], dtype: 'float32' },
              { name: 'conv1/bn/beta', shape: [4], dtype: 'float32' },
              { name: 'conv1/bn/moving_mean', shape: [4], dtype: 'float32' },
              { name: 'conv9/bias', shape: [4], dtype: 'float32' },
            ],
          },
        ],
      }),
    );
    const r = compileOnnx('B', '--weights', join(ckpt, 'model.json'), '--out', 'b.onnx');
    expect(r.stderr).toBe(
      `incc compile: error: the weights in ${join(ckpt, 'model.json')} do not match the network: 1 missing: ` +
        `conv1/bn/moving_variance; 1 not in the network: conv9/bias\n`,
    );
    expect(r.status).toBe(1);
    const missing = compileOnnx('B', '--weights', join(dir, 'none', 'model.json'), '--out', 'b.onnx');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^incc compile: cannot read .*none\/model\.json/);
    expect(existsSync(join(dir, 'b.onnx'))).toBe(false);
  });
});

describe('what the onnx target loads', () => {
  /** Every module URL a fresh `incc ARGS` resolves (a loader hook prints them). */
  function loadedBy(args: string[]): { status: number | null; loaded: string[] } {
    const { status, loaded } = runRecordingLoads(cliPath, args, dir);
    return { status, loaded };
  }

  test('compile --target onnx loads onnx-proto, never onnxruntime or tfjs; check loads neither', () => {
    const compile = loadedBy(['compile', 'nets.incp', '--target', 'onnx', '--network', 'B', '--out', 'b.onnx']);
    expect(compile.status).toBe(0);
    expect(compile.loaded.some((u) => u.includes('/node_modules/onnx-proto/'))).toBe(true);
    expect(compile.loaded.filter((u) => /node_modules\/(@tensorflow|onnxruntime)/.test(u))).toEqual([]);
    const check = loadedBy(['check', join(repoRoot, 'stdlib', 'inception_v3.incp')]);
    expect(check.status).toBe(0);
    expect(check.loaded.filter((u) => /node_modules\/(@tensorflow|onnxruntime|onnx-proto|protobufjs)/.test(u))).toEqual(
      [],
    );
  });
});
