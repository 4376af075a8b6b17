/**
 * @jest-environment ./test/helpers/ort-environment.cjs
 */
/**
 * The ONNX graph optimizations (backends/onnx/optimize/, `--optimize`): the structure each one leaves in
 * Inception-v3 (counted by hand from the architecture, stdlib/inception_v3.incp and std/modules: which
 * layers read each module's input), that each keeps the weights (a fused kernel is its members' kernels
 * stacked), that onnxruntime computes the same as without them, the command line, and that onnx's own
 * checker (Python, `onnx.checker.check_model(full_check=True)`) accepts every stdlib network with every
 * optimization on. Parity with the tfjs backend is in test/onnx-parity.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networksOf } from '../compiler/ir/elaborate.js';
import { loadProgram, stdlibDir } from '../compiler/program/node-host.js';
import { exportOnnx, OPTIMIZATIONS, parseOptimize, type Optimization } from '../backends/onnx/index.js';
import { incc } from './helpers/cli.js';
import { maxAbs, maxAbsDiff } from './helpers/arrays.js';
import { graphOf, randomInput, randomizedWeights, stdlibGraph } from './helpers/graphs.js';
import { decodeModel, runOrt } from './helpers/onnx.js';
import { runPython, testWith, venvPython } from './helpers/python.js';

type Model = ReturnType<typeof decodeModel>;

const v3 = stdlibGraph('inception_v3.incp');
const models = new Map<string, Model>();
/** incc's Inception-v3 (seed 0) with these optimizations, decoded (cached). */
function v3With(optimize: Optimization[]): Model {
  const key = optimize.join(',');
  if (!models.has(key)) models.set(key, decodeModel(exportOnnx(v3, { seed: 0, optimize })));
  return models.get(key)!;
}

/** The op types of the nodes reading `tensor`, counted. */
function readers(model: Model, tensor: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.graph.node) for (const i of n.input) if (i === tensor) out[n.opType] = (out[n.opType] ?? 0) + 1;
  return out;
}

const count = (model: Model, op: string): number => model.graph.node.filter((n) => n.opType === op).length;

/** An initializer's raw bytes (a copy); compared as bytes, the values are compared exactly. */
function bytes(model: Model, name: string): Buffer {
  const t = model.graph.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer ${name}`);
  return Buffer.from(Uint8Array.from(t.rawData));
}

// The input of each module: the stem's last max pool, then the previous module's concat.
const moduleInput = (k: number): string => (k === 0 ? 'maxpool2' : `mixed${k - 1}`);
// Per module (std/inception_v3.incp): mixed0..2 (InceptionA), mixed4..7 (Figure 6) and mixed9..10 (Figure 7)
// read their input with a 1x1 branch, two 1x1 reductions and a 3x3 average pool (P); the reductions mixed3
// (Figure 10: a 3x3/2 conv, a 1x1 reduction, a max pool) and mixed8 (Figure10Factorized: two 1x1 reductions, a
// max pool).
const KIND = ['P', 'P', 'P', 'R3', 'P', 'P', 'P', 'P', 'R8', 'P', 'P'] as const;
const EXPECTED: Record<string, Record<(typeof KIND)[number], Record<string, number>>> = {
  none: { P: { Conv: 3, AveragePool: 1 }, R3: { Conv: 2, MaxPool: 1 }, R8: { Conv: 2, MaxPool: 1 } },
  // The pool branch's 1x1 conv now reads the module input, and pools its output.
  'pool-conv': { P: { Conv: 4 }, R3: { Conv: 2, MaxPool: 1 }, R8: { Conv: 2, MaxPool: 1 } },
  // The 1x1 convs of a module become one; mixed3 has one 1x1 conv and a 3x3/2 conv: nothing to fuse.
  horizontal: { P: { Conv: 1, AveragePool: 1 }, R3: { Conv: 2, MaxPool: 1 }, R8: { Conv: 1, MaxPool: 1 } },
  'pool-conv,horizontal': { P: { Conv: 1 }, R3: { Conv: 2, MaxPool: 1 }, R8: { Conv: 1, MaxPool: 1 } },
};

describe('what each optimization leaves in Inception-v3', () => {
  test.each(Object.keys(EXPECTED))('the layers reading each module input with %s', (key) => {
    const model = v3With(key === 'none' ? [] : (key.split(',') as Optimization[]));
    for (let k = 0; k <= 10; k++)
      expect([`mixed${k}`, readers(model, moduleInput(k))]).toEqual([`mixed${k}`, EXPECTED[key]![KIND[k]!]]);
  });

  test('pool-conv: each of the 9 average pools now pools its 1x1 conv, which reads the pool input', () => {
    const none = v3With([]);
    const model = v3With(['pool-conv']);
    const pools = model.graph.node.filter((n) => n.opType === 'AveragePool');
    expect(pools).toHaveLength(9);
    for (const pool of pools) {
      const conv = model.graph.node.find((n) => n.output.includes(pool.input[0]!))!;
      expect(conv.opType).toBe('Conv');
      expect(conv.name).toBe(pool.name.replace('avgpool1', 'conv1'));
      // The conv reads what the pool read before, with the same weights; the pool feeds the Relu.
      const before = none.graph.node.find((n) => n.name === pool.name)!;
      expect(conv.input[0]).toBe(before.input[0]);
      expect(bytes(model, conv.input[1]!).equals(bytes(none, conv.input[1]!))).toBe(true);
      expect(model.graph.node.find((n) => n.input.includes(pool.output[0]!))!.opType).toBe('Relu');
    }
    expect(model.metadataProps.find((p) => p.key === 'optimizations')!.value).toBe('pool-conv (9)');
  });

  test('pool-conv: a pool that counts its padding moves only before a conv without a bias', () => {
    // pool(conv(x)) = conv(pool(x)) needs the pool's weights to add up to 1 where a bias is added: a window
    // over zero padding that counts the zeros sums to less. a: bias, stays; b: no bias, moves; c: batch
    // norm, which folds into a bias, stays.
    const text = `network N {
  input 9x9x4
  concat {
    a: avgpool 3x3 count_include_pad=true -> conv 1x1 3 bias=true
    b: avgpool 3x3 count_include_pad=true -> conv 1x1 3 bias=false
    c: avgpool 3x3 count_include_pad=true -> conv 1x1 3 bias=false bn=true
  }
}`;
    const model = decodeModel(exportOnnx(graphOf(text), { optimize: ['pool-conv'] }));
    expect(model.metadataProps.find((p) => p.key === 'optimizations')!.value).toBe('pool-conv (1)');
    const pools = model.graph.node.filter((n) => n.opType === 'AveragePool');
    expect(pools.map((n) => Number(n.attribute.find((a) => a.name === 'count_include_pad')!.i))).toEqual([1, 1, 1]);
    expect(model.graph.node.find((n) => n.name === 'b/conv1')!.input[0]).toBe('input');
    // std/inception_v3 with torchvision's pools: every branch conv has a (folded) bias, so none moves.
    const tv = exportOnnx(stdlibGraph('inception_v3.incp', undefined, { count_include_pad: true }), {
      optimize: ['pool-conv'],
    });
    expect(decodeModel(tv).metadataProps.find((p) => p.key === 'optimizations')!.value).toBe('pool-conv (0)');
  });

  test('horizontal: one Conv per module with its members stacked, a Split with their widths', () => {
    const none = v3With([]);
    const model = v3With(['horizontal']);
    // mixed0: branch1x1 (64), branch5x5/conv1 (48), branch3x3dbl/conv1 (64), in node order.
    const fused = model.graph.node.find((n) => n.opType === 'Conv' && n.input[0] === 'maxpool2')!;
    expect(fused.name).toBe('mixed0/fused_1x1');
    const members = ['mixed0/branch1x1', 'mixed0/branch5x5/conv1', 'mixed0/branch3x3dbl/conv1'];
    const stacked = (role: string) => Buffer.concat(members.map((m) => bytes(none, `${m}/${role}`)));
    expect(bytes(model, fused.input[1]!).equals(stacked('kernel'))).toBe(true);
    expect(bytes(model, fused.input[2]!).equals(stacked('bias'))).toBe(true);
    // Every member is followed by a Relu alone: one Relu on the wide output, split into the Relus' tensors.
    const relu = model.graph.node.find((n) => n.input[0] === fused.output[0])!;
    expect(relu.opType).toBe('Relu');
    const split = model.graph.node.find((n) => n.input[0] === relu.output[0])!;
    expect(split.opType).toBe('Split');
    expect(split.output).toEqual(members);
    expect(new BigInt64Array(new Uint8Array(bytes(model, split.input[1]!)).buffer)).toEqual(
      new BigInt64Array([64n, 48n, 64n]),
    );
    // 10 modules fused (all but mixed3); 94 - 29 + 10 Conv nodes; the members' weights are gone.
    expect(count(model, 'Split')).toBe(10);
    expect(count(model, 'Conv')).toBe(94 - 29 + 10);
    expect(model.graph.initializer.some((i) => i.name === 'mixed0/branch1x1/kernel')).toBe(false);
  });

  test('horizontal after pool-conv: the Split comes before the activations when a member feeds a pool', () => {
    const model = v3With(['pool-conv', 'horizontal']);
    const fused = model.graph.node.find((n) => n.opType === 'Conv' && n.input[0] === 'maxpool2')!;
    const split = model.graph.node.find((n) => n.input[0] === fused.output[0])!;
    expect(split.opType).toBe('Split');
    expect(split.output.map((t) => model.graph.node.find((n) => n.input[0] === t)!.opType)).toEqual([
      'Relu',
      'Relu',
      'Relu',
      'AveragePool',
    ]);
  });

  test('concat: the nested concatenations of mixed9 and mixed10 are merged, 6 inputs each', () => {
    const model = v3With(['concat']);
    expect(count(v3With([]), 'Concat')).toBe(15);
    expect(count(model, 'Concat')).toBe(11);
    for (const m of ['mixed9', 'mixed10']) {
      const concat = model.graph.node.find((n) => n.name === m)!;
      expect(concat.input).toEqual([
        `${m}/branch1x1`,
        `${m}/branch3x3/conv2`,
        `${m}/branch3x3/conv3`,
        `${m}/branch3x3dbl/conv3`,
        `${m}/branch3x3dbl/conv4`,
        `${m}/branch_pool/conv1`,
      ]);
    }
  });

  test('default is pool-conv and concat; none, all and lists parse; anything else is an error', () => {
    expect(parseOptimize('default')).toEqual(['pool-conv', 'concat']);
    expect(parseOptimize('none')).toEqual([]);
    expect(parseOptimize('all')).toEqual([...OPTIMIZATIONS]);
    expect(parseOptimize('concat,default,horizontal')).toEqual(['pool-conv', 'horizontal', 'concat']);
    expect(parseOptimize('fast')).toMatch(/--optimize takes none, default, all or .* not 'fast'/);
    expect(parseOptimize('none,concat')).toMatch(/not 'none,concat'/);
    const meta = v3With(['pool-conv', 'concat']).metadataProps.find((p) => p.key === 'optimizations')!.value;
    expect(meta).toBe('pool-conv (9), concat (4)');
    expect(decodeModel(exportOnnx(graphOf('network N { input 4x4x2\n conv 1x1 3 }'))).metadataProps).toContainEqual(
      expect.objectContaining({ key: 'optimizations', value: 'pool-conv (0), concat (0)' }),
    );
  });
});

describe('onnxruntime computes the same with each optimization', () => {
  // (With batch norm kept, and against tfjs: test/onnx-parity.test.ts.)
  test('Inception-v3, every pass alone and all, against none (batch 2, the main output and mixed7)', async () => {
    const weights = randomizedWeights(v3, 3);
    const x = randomInput(2 * 3 * 299 * 299, 5);
    const run = async (optimize: Optimization[]) =>
      (await runOrt(exportOnnx(v3, { weights, optimize, outputs: ['mixed7'] }), x, [2, 3, 299, 299])).map(
        (o) => o.data,
      );
    const [main, probe] = await run([]);
    for (const optimize of [...OPTIMIZATIONS.map((o) => [o]), [...OPTIMIZATIONS]]) {
      const [m, p] = await run(optimize);
      // mixed7 relative to its largest value, as test/onnx-parity.test.ts compares a probe.
      const scale = Math.max(1, maxAbs(probe!));
      expect([optimize.join(), maxAbsDiff(m!, main!) < 1e-5, maxAbsDiff(p!, probe!) / scale < 1e-5]).toEqual([
        optimize.join(),
        true,
        true,
      ]);
    }
  }, 300_000);
});

describe('incc compile --target onnx --optimize', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'incc-onnx-opt-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('default, none, a list; a bad value is a usage error before anything is written', () => {
    const file = join(stdlibDir, 'inception_v3.incp');
    const meta = (name: string) =>
      decodeModel(new Uint8Array(readFileSync(join(dir, name)))).metadataProps.find((p) => p.key === 'optimizations')!
        .value;
    const compile = (out: string, ...args: string[]) =>
      incc(['compile', file, '--target', 'onnx', '--out', join(dir, out), ...args]);
    const plain = compile('a.onnx');
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('optimizations pool-conv, concat;');
    expect(meta('a.onnx')).toBe('pool-conv (9), concat (4)');
    expect(compile('b.onnx', '--optimize', 'none').status).toBe(0);
    expect(meta('b.onnx')).toBe('none');
    expect(compile('c.onnx', '--optimize', 'default,horizontal').status).toBe(0);
    expect(meta('c.onnx')).toBe('pool-conv (9), horizontal (10), concat (4)');
    const bad = compile('d.onnx', '--optimize', 'fastest');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--optimize takes none, default, all or a comma-separated list of pool-conv');
    expect(() => readFileSync(join(dir, 'd.onnx'))).toThrow();
  }, 120_000);
});

/** Every (file, network) of the stdlib. */
const stdlibNetworks: [string, string][] = readdirSync(stdlibDir)
  .filter((f) => f.endsWith('.incp'))
  .sort()
  .flatMap((f) => networksOf(loadProgram(join(stdlibDir, f))).map((n): [string, string] => [f, n.name.name]));

describe("onnx's checker", () => {
  testWith(venvPython, 'the Python environment (onnx)')(
    'check_model(full_check=True) accepts every stdlib network with every optimization',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'incc-onnx-check-'));
      try {
        const files = stdlibNetworks.map(([file, network], i) => {
          const path = join(dir, `${i}.onnx`);
          writeFileSync(path, exportOnnx(stdlibGraph(file, network), { seed: 0, optimize: [...OPTIMIZATIONS] }));
          return path;
        });
        const script = [
          'import sys, onnx',
          'for f in sys.argv[1:]:',
          '    m = onnx.load(f)',
          '    onnx.checker.check_model(m, full_check=True)',
          '    print(f, m.graph.name, [p.value for p in m.metadata_props if p.key == "optimizations"][0])',
        ].join('\n');
        const out = runPython(venvPython!, ['-c', script, ...files])
          .stdout.trim()
          .split('\n');
        expect(out).toHaveLength(stdlibNetworks.length);
        // Each network went through the passes (Inception-v3: 9 pools moved, 10 modules fused, 4 concats).
        expect(out.find((l) => l.includes(' InceptionV3 '))).toMatch(
          /pool-conv \(9\), horizontal \(10\), concat \(4\)$/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
