/**
 * `incc compile --target tfjs` and the tfjs backend's library API (backends/tfjs/):
 * - stdlib Inception-v3 compiles to model.json + shards that stock tfjs loads (tf.io.fromMemory), with
 *   23,851,784 parameters and a [null, 1000] output; with aux_head=true, two outputs;
 * - the --emit-ts module, transpiled with TypeScript and run, builds the same topology (every layer's
 *   class, config and inbound nodes) and parameter count;
 * - the same seed gives byte-identical files (and models in memory), another seed other weights;
 * - batch norm's epsilon, momentum and scale reach the layer configs;
 * - tfjs's AveragePooling2D leaves SAME padding out of the average, as TF does;
 * - hostile exact labels cannot break out of model.ts, and tfjs gets safe names for them;
 * - writes are atomic: a file with errors or an unwritable --out leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import { compile, modelOfPlan, planLayers, safeLayerName, type ModelJson } from '../backends/tfjs/index.js';
import { CompileError, graphOf } from '../compiler/program/pipeline.js';
import { loadProgram } from '../compiler/program/node-host.js';
import { incc, repoRoot } from './helpers/cli.js';

tf.enableProdMode();

const work = mkdtempSync(join(tmpdir(), 'incc-tfjs-'));
/** Transpiled model.ts modules must resolve @tensorflow/tfjs: they live under the repository's node_modules. */
const moduleDir = join(repoRoot, 'node_modules', '.cache', `incc-tfjs-test-${process.pid}`);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(moduleDir, { recursive: true, force: true });
});

/** `incc compile examples/tiny_inception.incp --target tfjs --out OUT ARGS...`. */
const compileTiny = (out: string, ...args: string[]) =>
  incc(['compile', 'examples/tiny_inception.incp', '--target', 'tfjs', '--out', out, ...args]);

/** Loads a compiled folder the way a user of stock tfjs would: model.json, then every shard it names. */
async function loadWithStockTfjs(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const data = Buffer.concat(shards);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    }),
  );
}

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

/** model.ts transpiled to JS and run in a fresh process: its model's topology, parameter count and `renamed`. */
function runEmitted(
  modelTs: string,
  name: string,
): { topology: unknown; params: number; renamed: Record<string, string>; layers: string[] } {
  const js = ts.transpileModule(modelTs, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  expect(js.diagnostics ?? []).toEqual([]);
  mkdirSync(moduleDir, { recursive: true });
  const file = join(moduleDir, `${name}.mjs`);
  writeFileSync(file, js.outputText);
  const runner = [
    "import * as tf from '@tensorflow/tfjs';",
    'tf.enableProdMode();',
    `const m = await import(${JSON.stringify(`file://${file}`)});`,
    'const model = m.buildModel();',
    'process.stdout.write(JSON.stringify({ topology: model.toJSON(null, false), params: model.countParams(), ' +
      'renamed: m.renamed, layers: model.layers.map((l) => l.name) }));',
  ].join('\n');
  const runnerFile = join(moduleDir, `${name}-run.mjs`);
  writeFileSync(runnerFile, runner);
  const r = spawnSync(process.execPath, [runnerFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('stdlib Inception-v3 through `incc compile --target tfjs`', () => {
  const out = join(work, 'v3');
  let json: ModelJson;
  let model: tf.LayersModel;

  beforeAll(async () => {
    const r = incc([
      'compile',
      'stdlib/inception_v3.incp',
      '--target',
      'tfjs',
      '--out',
      out,
      '--seed',
      '7',
      '--emit-ts',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('23,851,784 parameters');
    json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as ModelJson;
    model = await loadWithStockTfjs(out);
  });

  afterAll(() => model?.dispose());

  test('the folder holds model.json, model.ts and 4 MiB weight shards', () => {
    const names = readdirSync(out).sort();
    const shards = names.filter((n) => n.endsWith('.bin'));
    expect(names).toEqual(['model.json', 'model.ts', ...shards].sort());
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]!.paths).toEqual(shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`));
    const sizes = json.weightsManifest[0]!.paths.map((p) => readFileSync(join(out, p)).byteLength);
    expect(sizes.slice(0, -1).every((s) => s === 4 * 1024 * 1024)).toBe(true);
    // 4 bytes a parameter, nothing else.
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(23_851_784 * 4);
    // no leftovers of the atomic write next to it
    expect(readdirSync(work).filter((n) => n.includes('.incc-'))).toEqual([]);
  });

  test('stock tfjs loads it: 23,851,784 parameters, output [null, 1000], the IR names', () => {
    expect(model.countParams()).toBe(23_851_784);
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 1000]]);
    expect(model.inputs[0]!.shape).toEqual([null, 299, 299, 3]);
    const names = model.layers.map((l) => l.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'input',
        'conv1',
        'conv1/bn',
        'conv1/relu',
        'mixed0/branch5x5/conv2',
        'mixed0',
        'mixed10',
        'avg_pool',
        'predictions',
      ]),
    );
    expect(model.getLayer('mixed0').getClassName()).toBe('Concatenate');
    // weight names as backends/common/weights.ts gives them
    expect(json.weightsManifest[0]!.weights.map((w) => w.name)).toEqual(
      expect.arrayContaining([
        'conv1/kernel',
        'conv1/bn/beta',
        'conv1/bn/moving_mean',
        'conv1/bn/moving_variance',
        'predictions/kernel',
        'predictions/bias',
      ]),
    );
    const incc = (
      json.userDefinedMetadata as {
        incc: { network: string; seed: number; outputs: string[]; layers: Record<string, string> };
      }
    ).incc;
    expect(incc).toMatchObject({ network: 'InceptionV3', seed: 7, outputs: ['predictions'] });
    expect(incc.layers['conv1/bn']).toBe('conv1');
  });

  test('batch norm keeps the IR epsilon, momentum and scale (Inception-v3: 1e-3, 0.99, no gamma)', () => {
    const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    expect(bns).toHaveLength(94);
    for (const bn of bns)
      expect(bn.getConfig()).toMatchObject({ epsilon: 0.001, momentum: 0.99, scale: false, center: true, axis: -1 });
    const conv = model.getLayer('mixed0/branch5x5/conv2').getConfig();
    expect(conv).toMatchObject({
      filters: 64,
      kernelSize: [5, 5],
      strides: [1, 1],
      padding: 'same',
      useBias: false,
      activation: 'linear',
    });
  });

  test('the weights are those of backends/common/weights.ts for the seed', async () => {
    const { weightSpecs, initialValue } = await import('../backends/common/weights.js');
    const graph = graphOf(loadProgram(join(repoRoot, 'stdlib/inception_v3.incp')));
    for (const name of ['mixed0/branch5x5/conv2/kernel', 'predictions/kernel']) {
      const spec = weightSpecs(graph).find((s) => s.name === name)!;
      const loaded = model.getLayer(name.replace(/\/kernel$/, '')).getWeights()[0]!;
      expect(loaded.shape).toEqual(spec.shape);
      expect(Buffer.from(loaded.dataSync().buffer).equals(Buffer.from(initialValue(spec, 7).buffer))).toBe(true);
    }
  });

  test('the --emit-ts module builds the same topology and parameter count', () => {
    const modelTs = readFileSync(join(out, 'model.ts'), 'utf8');
    expect(modelTs).toContain("import * as tf from '@tensorflow/tfjs';");
    expect(modelTs).toContain('function mixed0(x: tf.SymbolicTensor): tf.SymbolicTensor {');
    expect(modelTs).toContain("tf.layers.conv2d({\n      name: 'mixed0/branch1x1',\n      filters: 64,");
    const emitted = runEmitted(modelTs, 'v3');
    expect(emitted.params).toBe(23_851_784);
    expect(emitted.renamed).toEqual({});
    // Every layer: class, config (names, kernel sizes, initializers, BN settings ...) and inbound nodes.
    expect(emitted.topology).toEqual(json.modelTopology);
  });
});

describe('the library API', () => {
  test('with aux_head=true: two outputs, main then aux, and the IR parameter count', () => {
    // The topology only (modelOfPlan, zero kernels): building it with weights is the step the tests above time.
    const graph = graphOf(loadProgram(join(repoRoot, 'stdlib/inception_v3.incp')), { args: { aux_head: true } });
    const model = modelOfPlan(planLayers(graph), true);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 1000],
      [null, 1000],
    ]);
    expect(model.outputNames).toEqual(['predictions', graph.nodes[graph.aux[0]!.output]!.name]);
    const total = graph.nodes.reduce((n, x) => n + x.params.trainable + x.params.nonTrainable, 0);
    expect(model.countParams()).toBe(total);
    expect(total).toBeGreaterThan(23_851_784);
    model.dispose();
  });

  test('compile() returns the model in memory; same seed, same weights; it runs', async () => {
    const file = join(repoRoot, 'examples/tiny_inception.incp');
    const a = compile(graphOf(loadProgram(file), { args: { classes: 3 } }), { seed: 2 });
    const b = compile(graphOf(loadProgram(file), { args: { classes: 3 } }), { seed: 2 });
    expect(a.outputs[0]!.shape).toEqual([null, 3]);
    const bytes = (m: tf.LayersModel) => Buffer.concat(m.getWeights().map((w) => Buffer.from(w.dataSync().buffer)));
    expect(bytes(a).equals(bytes(b))).toBe(true);
    const y = a.predict(tf.ones([2, 32, 32, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    const sums = await y.sum(-1).data();
    for (const s of sums) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    a.dispose();
    b.dispose();
  });

  test('graphOf() throws CompileError with the diagnostics (the backend takes a built graph)', () => {
    const bad = join(work, 'bad.incp');
    writeFileSync(bad, 'network Bad {\n  input 8x8x3\n  cnv 3x3 4\n}\n');
    expect(() => graphOf(loadProgram(bad))).toThrow(CompileError);
    expect(() => graphOf(loadProgram(bad))).toThrow(/cnv/);
  });

  test('tfjs AveragePooling2D leaves SAME padding out of the average, as TF does', () => {
    const x = tf.range(1, 26).reshape([1, 5, 5, 1]);
    const y = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.Tensor;
    // TF: pad total 2 -> 1 before, 1 after; the corner window holds 1, 2, 6, 7 and averages 4 (not 16/9).
    expect(Array.from(y.dataSync())).toEqual([4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22]);
    const ones = tf.layers
      .averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })
      .apply(tf.ones([1, 4, 4, 1])) as tf.Tensor;
    expect(Array.from(ones.dataSync()).every((v) => v === 1)).toBe(true);
  });

  test('count_include_pad=true: ZeroPadding2D + VALID AveragePooling2D; stock tfjs loads it, zeros count', async () => {
    const dir = join(work, 'counted');
    const src = join(work, 'counted.incp');
    writeFileSync(
      src,
      'network Counted {\n  input 5x5x1\n  a: avgpool 3x3/2 count_include_pad=true\n' +
        '  b: avgpool 2x2/2 count_include_pad=true\n}\n',
    );
    const r = incc(['compile', src, '--target', 'tfjs', '--out', dir, '--emit-ts']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const model = await loadWithStockTfjs(dir);
    const classes = model.layers.map((l) => [l.name, l.getClassName()]);
    expect(classes).toEqual([
      ['input', 'InputLayer'],
      ['a/pad', 'ZeroPadding2D'],
      ['a', 'AveragePooling2D'],
      ['b/pad', 'ZeroPadding2D'],
      ['b', 'AveragePooling2D'],
    ]);
    // a: 5x5 -> 3x3, pads 1 and 1; b: 3x3 -> 2x2, pads 0 before and 1 after (TF's SAME).
    expect(model.getLayer('a/pad').getConfig()['padding']).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(model.getLayer('b/pad').getConfig()['padding']).toEqual([
      [0, 1],
      [0, 1],
    ]);
    const x = tf.range(1, 26).reshape([1, 5, 5, 1]);
    const probe = tf.model({ inputs: model.inputs, outputs: [model.getLayer('a').output as tf.SymbolicTensor] });
    const a = Array.from((probe.predict(x) as tf.Tensor).dataSync());
    // By hand: the corner window holds 1, 2, 6, 7 and five zeros: 16/9 (TF's own average would be 4); the
    // middle window 7, 8, 9, 12, 13, 14, 17, 18, 19: 117/9 = 13; the last one 19, 20, 24, 25: 88/9.
    const expected = [16, 33, 28, 69, 117, 87, 76, 123, 88].map((v) => v / 9);
    a.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    // b on a: windows [0..1] and [2, pad]: the last row and column hold 2 values of 4, the corner 1.
    const b = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = expected as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const expectedB = [(a0 + a1 + a3 + a4) / 4, (a2 + a5) / 4, (a6 + a7) / 4, a8 / 4];
    b.forEach((v, i) => expect(v).toBeCloseTo(expectedB[i]!, 5));
    // model.ts builds the same topology (its nested padding literal included).
    const emitted = runEmitted(readFileSync(join(dir, 'model.ts'), 'utf8'), 'counted');
    expect(emitted.topology).toEqual(model.toJSON(null, false));
    expect(emitted.renamed).toEqual({});
    model.dispose();
  });

  test('layer names: tfjs accepts / but not every character; others get a safe, distinct form', () => {
    expect(safeLayerName('mixed4/branch7x7/conv2')).toBe('mixed4/branch7x7/conv2');
    const a = safeLayerName('a b');
    const b = safeLayerName('a_b');
    const c = safeLayerName('a?b');
    expect(b).toBe('a_b');
    expect(new Set([a, b, c]).size).toBe(3);
    for (const n of [a, c, safeLayerName('_x'), safeLayerName(''), safeLayerName('"; x')])
      expect(n).toMatch(/^[A-Za-z0-9][-A-Za-z0-9._/]*$/);
    // The unchanged name round-trips through tfjs's save and load with its '/'.
    const graph = graphOf(loadProgram(join(repoRoot, 'examples/tiny_inception.incp')));
    expect(planLayers(graph).layers.map((l) => l.name)).toContain('mixed0/dbl/conv1/bn');
  });
});

describe('determinism and seeds through the CLI', () => {
  test('same seed: byte-identical folders; another seed: other weights, same topology', () => {
    const run = (dir: string, seed: string) => {
      const r = compileTiny(join(work, dir), '--seed', seed, '--emit-ts');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return filesOf(join(work, dir));
    };
    const a = run('tiny-a', '5');
    const b = run('tiny-b', '5');
    const c = run('tiny-c', '6');
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, data] of a) expect(Buffer.compare(data, b.get(name)!)).toBe(0);
    const shard = [...a.keys()].find((n) => n.endsWith('.bin'))!;
    expect(Buffer.compare(a.get(shard)!, c.get(shard)!)).not.toBe(0);
    const topo = (m: Map<string, Buffer>) => (JSON.parse(m.get('model.json')!.toString()) as ModelJson).modelTopology;
    expect(topo(c)).toEqual(topo(a));
    expect(a.get('model.ts')!.equals(c.get('model.ts')!)).toBe(true);
  });

  test('--seed and --target are checked', () => {
    expect(compileTiny(join(work, 'x'), '--seed', '-1').status).toBe(2);
    expect(
      incc(['compile', 'examples/tiny_inception.incp', '--target', 'keras', '--out', join(work, 'x')]).stderr,
    ).toContain("unknown target 'keras'");
    expect(incc(['compile', 'examples/tiny_inception.incp', '--out', join(work, 'x')]).status).toBe(2);
    expect(existsSync(join(work, 'x'))).toBe(false);
  });
});

describe('hostile names cannot break out of model.ts', () => {
  const irNames = [
    'x"); process.exit(1); //',
    "*/ require('fs')",
    'a b\nc\u2028d',
    '`${process.exit(2)}`',
    "'); throw 1; ('",
  ];
  const source = [
    'network Hostile(classes: int = 3) {',
    '  input 8x8x3',
    '  "x\\"); process.exit(1); //": conv 3x3 8 bn=true act=relu',
    `  "*/ require('fs')": conv 1x1 8`,
    '  "a b\\nc\u2028d": maxpool 2x2',
    '  "`${process.exit(2)}`": conv 1x1 4',
    `  "'); throw 1; ('": gap`,
    '  predictions: dense classes act=softmax',
    '}',
    '',
  ].join('\n');
  const out = join(work, 'hostile');
  let modelTs: string;
  let json: ModelJson;

  beforeAll(() => {
    const file = join(work, 'hostile.incp');
    writeFileSync(file, source);
    const r = incc(['compile', file, '--target', 'tfjs', '--out', out, '--emit-ts']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    modelTs = readFileSync(join(out, 'model.ts'), 'utf8');
    json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as ModelJson;
  });

  test('model.json maps the safe tfjs names to the exact IR names', () => {
    const layers = (json.userDefinedMetadata as { incc: { layers: Record<string, string> } }).incc.layers;
    expect(Object.values(layers)).toEqual(expect.arrayContaining(irNames));
    for (const name of Object.keys(layers)) expect(name).toMatch(/^[A-Za-z0-9][-A-Za-z0-9._/]*$/);
  });

  test('model.ts parses, and holds only the statements and calls expected', () => {
    const sf = ts.createSourceFile('model.ts', modelTs, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const parseErrors = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    expect(parseErrors).toEqual([]);
    const kind = (s: ts.Statement): string =>
      ts.isImportDeclaration(s)
        ? 'import'
        : ts.isFunctionDeclaration(s)
          ? 'function'
          : ts.isVariableStatement(s)
            ? 'const'
            : ts.isExportAssignment(s)
              ? 'export default'
              : ts.SyntaxKind[s.kind];
    expect(sf.statements.map(kind)).toEqual(['import', 'function', 'const', 'function', 'export default']);
    // the one const: the `renamed` map
    expect(
      sf.statements
        .filter(ts.isVariableStatement)
        .map((s) => s.declarationList.declarations.map((d) => d.name.getText(sf))),
    ).toEqual([['renamed']]);
    expect(
      sf.statements.filter(ts.isImportDeclaration).map((s) => (s.moduleSpecifier as ts.StringLiteral).text),
    ).toEqual(['@tensorflow/tfjs']);
    const functions = sf.statements.filter(ts.isFunctionDeclaration).map((f) => f.name!.text);
    const allowed = new Set([...functions, 'tf.input', 'tf.model', 'layer.apply']);
    const calls: string[] = [];
    const strings: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) calls.push(node.expression.getText(sf));
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
      if (ts.isTemplateExpression(node) || ts.isTaggedTemplateExpression(node))
        throw new Error(`a template in model.ts: ${node.getText(sf)}`);
      ts.forEachChild(node, visit);
    };
    visit(sf);
    expect(calls.filter((c) => !allowed.has(c) && !/^tf\.layers\.[a-zA-Z0-9]+$/.test(c))).toEqual([]);
    // The exact names appear only as whole string literals (the `renamed` map's values).
    for (const name of irNames) expect(strings).toContain(name);
  });

  test('model.ts runs and builds the compiled model, names and all', () => {
    const emitted = runEmitted(modelTs, 'hostile');
    expect(emitted.topology).toEqual(json.modelTopology);
    expect(Object.values(emitted.renamed).sort()).toEqual([...irNames].sort());
    for (const [safe, ir] of Object.entries(emitted.renamed)) {
      expect(emitted.layers).toContain(safe);
      expect(safeLayerName(ir)).toBe(safe);
    }
  });
});

describe('atomic output', () => {
  test('a file with errors writes nothing', () => {
    const file = join(work, 'broken.incp');
    writeFileSync(file, 'network Broken {\n  input 8x8x3\n  conv 9x9 4 valid\n}\n');
    const dir = join(work, 'nested', 'broken-out');
    const r = incc(['compile', file, '--target', 'tfjs', '--out', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('kernel-larger-than-input');
    expect(existsSync(join(work, 'nested'))).toBe(false);
  });

  test('an unwritable --out is exit 2 and leaves nothing, not even parent folders or temporary files', () => {
    const blocker = join(work, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const r = compileTiny(join(blocker, 'sub', 'out'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/incc compile: cannot write .*a-file\/sub\/out/);
    expect(readFileSync(blocker, 'utf8')).toBe('not a folder');
    expect(readdirSync(work).filter((n) => n.includes('.incc-'))).toEqual([]);
  });

  test('an existing folder is replaced only when it holds nothing but compile output', () => {
    const dir = join(work, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = compileTiny(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('holds files incc did not write (notes.txt)');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    rmSync(join(dir, 'notes.txt'));
    expect(compileTiny(dir, '--emit-ts').status).toBe(0);
    expect(compileTiny(dir).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(readdirSync(work).filter((n) => n.includes('.incc-'))).toEqual([]);
  });
});
