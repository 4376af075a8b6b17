/**
 * `incc compile --target pytorch`: the folder it writes, its determinism, the names in model.py, the
 * generated Python under ruff (format --check and check, as a careful person's code would pass), and
 * weights.safetensors read back by TypeScript and by Python's safetensors with strict keys.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '../backends/common/safetensors.js';
import { fromTorchTensors, pythonIdentifiers, torchState } from '../backends/common/torch-state.js';
import { weightSpecs } from '../backends/common/weights.js';
import { className, pytorchFiles, torchMomentum } from '../backends/pytorch/index.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram, stdlibDir } from '../compiler/program/node-host.js';
import { incc, repoRoot } from './helpers/cli.js';
import { graphOf, randomizedWeights, stdlibGraph } from './helpers/graphs.js';
import { runPython, testWith, venvPython, venvRuff } from './helpers/python.js';
import { joinedRegExp } from './helpers/regexp.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-pt-compile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Ruff's rules beyond its defaults: pycodestyle (88 columns), pyflakes, import order, bugbear, comprehensions,
 * pyupgrade.
 */
const RUFF_RULES = 'E,F,W,I,B,C4,UP';

const NAMES = `
network Names(classes: int = 3) {
  input 8x8x3
  a: concat {
    b_c: conv 1x1 4
    d: conv 1x1 4
  }
  a_b: concat {
    c: conv 1x1 4
    e: conv 3x3 4
  }
  eval: conv 1x1 4
  forward: conv 1x1 4 act=relu
  gap
  out: dense classes act=softmax
}
`;

describe('names in model.py', () => {
  test('qualified names made identifiers: / -> _, collisions numbered in IR order, reserved names get _', () => {
    const g = graphOf(NAMES);
    const ids = pythonIdentifiers(g);
    const byName = (name: string): string => ids.get(g.nodes.find((n) => n.name === name)!.id)!;
    expect(byName('a/b_c')).toBe('a_b_c');
    expect(byName('a_b/c')).toBe('a_b_c_2');
    expect(byName('eval')).toBe('eval_');
    expect(byName('forward')).toBe('forward_');
    expect(ids.get(g.input)).toBe('x');
    expect(new Set(ids.values()).size).toBe(g.nodes.length);
    const model = pytorchFiles(g).files.get('model.py') as string;
    expect(model).toContain('self.a_b_c_2 = ConvBN(');
    expect(model).toContain('eval_ = self.eval_(');
  });

  test('class names and the BN momentum convention', () => {
    expect(className('InceptionV3')).toBe('InceptionV3');
    expect(className('inception_v3')).toBe('InceptionV3');
    expect(className('Dense')).toBe('DenseNet');
    expect(torchMomentum(0.99)).toBe(0.01);
    expect(torchMomentum(0.9997)).toBe(0.0003);
  });
});

describe('incc compile --target pytorch', () => {
  test(
    'writes model.py, train.py, weights.safetensors, requirements.txt, README.md; the same seed gives the same ' +
      'bytes',
    () => {
      const a = join(dir, 'a');
      const b = join(dir, 'b');
      for (const out of [a, b]) {
        const r = incc(['compile', 'examples/train/mini.incp', '--target', 'pytorch', '--out', out, '--seed', '3']);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(
          joinedRegExp(
            /^wrote .*: MiniInception as MiniInception \(model\.py\), [\d,]+ trainable parameters; /,
            /weights initial \(seed 3\); 5 files/,
          ),
        );
      }
      expect(readdirSync(a).sort()).toEqual([
        'README.md',
        'model.py',
        'requirements.txt',
        'train.py',
        'weights.safetensors',
      ]);
      for (const f of readdirSync(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
      // Another seed: other weights, the same code.
      const c = join(dir, 'c');
      expect(
        incc(['compile', 'examples/train/mini.incp', '--target', 'pytorch', '--out', c, '--seed', '4']).status,
      ).toBe(0);
      expect(readFileSync(join(c, 'weights.safetensors')).equals(readFileSync(join(a, 'weights.safetensors')))).toBe(
        false,
      );
      expect(readFileSync(join(c, 'model.py'), 'utf8')).toBe(readFileSync(join(a, 'model.py'), 'utf8'));
    },
  );

  test('the recipe in train.py is the one the compiler resolved from the train section', () => {
    const train = pytorchFiles(stdlibGraph('inception_v3.incp', undefined, { aux_head: true })).files.get(
      'train.py',
    ) as string;
    // The paper's defaults (FACTS.md section 8): RMSProp 0.9 / eps 1.0, lr 0.045 x0.94 every 2 epochs, clip 2.0,
    // smoothing 0.1, aux 0.4.
    expect(train).toContain('"name": "rmsprop"');
    expect(train).toMatch(
      /"lr": 0\.045,\s+"decay": 0\.9,\s+"momentum": 0\.9,\s+"epsilon": 1\.0,\s+"initial_mean_square": 1\.0/,
    );
    expect(train).toContain('"schedule": {"name": "exponential", "rate": 0.94, "every": 2.0, "staircase": True}');
    expect(train).toContain('"clip": {"mode": "global_norm", "value": 2.0}');
    expect(train).toContain('"label_smoothing": 0.1');
    expect(train).toContain('"aux_weights": [0.4]');
    const mini = pytorchFiles(graphOf(readFileSync('examples/train/mini.incp', 'utf8'))).files.get(
      'train.py',
    ) as string;
    expect(mini).toContain('"epochs": 4');
  });

  test('a folder holding other files is refused, and nothing is written', () => {
    const out = join(dir, 'user');
    incc(['compile', 'examples/train/mini.incp', '--target', 'pytorch', '--out', out]);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const r = incc(['compile', 'examples/train/mini.incp', '--target', 'pytorch', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/holds files incc did not write \(notes\.txt\)/);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('weights.safetensors', () => {
  test('the layout the format specifies: u64 header length, JSON header, contiguous little-endian data', () => {
    const bytes = encodeSafetensors([
      { name: 'w', shape: [2, 1], values: new Float32Array([1.5, -2]) },
      { name: 'n', shape: [], values: new BigInt64Array([7n]) },
    ]);
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
    expect(header).toEqual({
      w: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] },
      n: { dtype: 'I64', shape: [], data_offsets: [8, 16] },
    });
    expect(view.getFloat32(8 + n, true)).toBe(1.5);
    expect(view.getFloat32(8 + n + 4, true)).toBe(-2);
    expect(view.getBigInt64(8 + n + 8, true)).toBe(7n);
    const back = decodeSafetensors(bytes);
    expect([...back.tensors[0]!.values!]).toEqual([1.5, -2]);
  });

  test('TypeScript reads back what it wrote: every weight, in Keras layouts again', () => {
    const program = loadProgram(join(stdlibDir, 'inception_v3.incp'));
    const g = buildNetwork(program, { args: { aux_head: true }, rules: ['bn_gamma'] }).graph!;
    const weights = randomizedWeights(g, 5);
    const bytes = pytorchFiles(g, { weights }).files.get('weights.safetensors') as Uint8Array;
    // From a Buffer at an offset inside a larger one, as readFileSync gives small files.
    const inBuffer = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    const back = fromTorchTensors(g, decodeSafetensors(inBuffer).tensors, 'x');
    expect(back.size).toBe(weightSpecs(g).length);
    for (const [name, v] of weights)
      expect(Buffer.from(back.get(name)!.buffer).equals(Buffer.from(v.buffer))).toBe(true);
    expect(torchState(g)[0]).toEqual({
      key: 'conv1.conv.weight',
      shape: [32, 3, 3, 3],
      weight: 'conv1/kernel',
      layout: 'oihw',
    });
  });

  test('truncated and mismatched files are errors that say what is wrong', () => {
    const g = graphOf(NAMES);
    const bytes = pytorchFiles(g).files.get('weights.safetensors') as Uint8Array;
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors')).toThrow(
      /w\.safetensors: tensor .* lies outside the file|bytes after/,
    );
    const other = decodeSafetensors(
      pytorchFiles(graphOf(NAMES.replace('e: conv 3x3 4', 'e: conv 3x3 5'))).files.get(
        'weights.safetensors',
      ) as Uint8Array,
    ).tensors;
    expect(() => fromTorchTensors(g, other, 'w.safetensors')).toThrow(
      joinedRegExp(
        /w\.safetensors do not match the network: /,
        /.*a_b_e\.conv\.weight is \[5, 8, 3, 3\], the network needs \[4, 8, 3, 3\]/,
      ),
    );
  });
});

const ruffTest = testWith(venvRuff, 'ruff (the Python environment)');
const pythonTest = testWith(venvPython, 'the Python environment (torch, safetensors)');

describe('the generated Python', () => {
  ruffTest('passes ruff format --check and ruff check for the stdlib networks and the edge cases', () => {
    const cases: [string, ReturnType<typeof graphOf>][] = [
      ['v3', stdlibGraph('inception_v3.incp', undefined, { aux_head: true })],
      ['googlenet', stdlibGraph('googlenet.incp')],
      ['lowres', stdlibGraph('lowres.incp', 'InceptionV3Res79', { aux_head: true })],
      ['table3', stdlibGraph('table3.incp', undefined, { row: 2 })],
      ['names', graphOf(NAMES)],
      ['separable', graphOf(readFileSync(join(repoRoot, 'examples', 'separable.incp'), 'utf8'))],
    ];
    for (const [name, g] of cases) {
      const out = join(dir, 'ruff', name);
      mkdirSync(out, { recursive: true });
      const files = pytorchFiles(g).files;
      for (const f of ['model.py', 'train.py']) writeFileSync(join(out, f), files.get(f) as string);
      runPython(venvRuff!, ['format', '--isolated', '--check', '--diff', '.'], { cwd: out });
      runPython(venvRuff!, ['check', '--isolated', '--select', RUFF_RULES, '.'], { cwd: out });
    }
  });

  pythonTest('model.py loads weights.safetensors with strict keys; trainable parameters are the IR count', () => {
    const g = stdlibGraph('googlenet.incp');
    const out = join(dir, 'strict');
    expect(incc(['compile', 'stdlib/googlenet.incp', '--target', 'pytorch', '--out', out]).status).toBe(0);
    const script = [
      'import sys, torch',
      `sys.path.insert(0, ${JSON.stringify(out)})`,
      'from model import Model',
      'from safetensors.torch import load_file',
      'm = Model()',
      `m.load_state_dict(load_file(${JSON.stringify(join(out, 'weights.safetensors'))}), strict=True)`,
      'print(sum(p.numel() for p in m.parameters() if p.requires_grad))',
    ].join('\n');
    const r = runPython(venvPython!, ['-c', script]);
    const trainable = g.nodes.reduce((n, x) => n + x.params.trainable, 0);
    expect(Number(r.stdout.trim())).toBe(trainable);
  });
});
