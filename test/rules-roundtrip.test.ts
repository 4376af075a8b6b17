/**
 * `incc rewrite --emit` round trip: for every network of every stdlib file (found by the loader, so a new
 * file or network is covered too), with its default arguments, with its aux heads on where it has an
 * `aux_head` / `aux_heads` parameter, and for each row of the Table 3 ladder, the emitted .incp parses,
 * passes `incc check`, and elaborates again to the same IR (test/helpers/ir-compare.ts says what "the
 * same" covers). Emitting the re-elaborated graph gives the same text again (a fixed point).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitNetwork } from '../compiler/print/emit.js';
import { networksOf } from '../compiler/ir/elaborate.js';
import type { IRGraph } from '../compiler/ir/ir.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { loadProgram, stdlibDir } from '../compiler/program/node-host.js';
import { spawnSync } from 'node:child_process';
import { cliPath, incc, repoRoot } from './helpers/cli.js';
import { firstIRDifference } from './helpers/ir-compare.js';

interface Case {
  title: string;
  file: string;
  network: string;
  args: Record<string, number | boolean>;
  rules?: string[];
}

const files = readdirSync(stdlibDir)
  .filter((f) => f.endsWith('.incp'))
  .sort();

const cases: Case[] = [];
for (const file of files) {
  for (const decl of networksOf(loadProgram(join(stdlibDir, file)))) {
    const network = decl.name.name;
    cases.push({ title: `${file} ${network}`, file, network, args: {} });
    for (const p of decl.params) {
      if (p.name.name === 'aux_head' || p.name.name === 'aux_heads') {
        cases.push({ title: `${file} ${network} ${p.name.name}=true`, file, network, args: { [p.name.name]: true } });
      }
    }
    if (decl.params.some((p) => p.name.name === 'row')) {
      for (const row of [1, 2, 3, 4, 5])
        cases.push({ title: `${file} ${network} row=${row}`, file, network, args: { row } });
    }
  }
}

// Rewritten graphs too: every rule of std/rules applied to a stdlib network through --rules.
cases.push(
  {
    title: 'inception_v3.incp InceptionV3 --rules factor_5x5, asymmetric(3) on 8x8, efficient_grid_reduction',
    file: 'inception_v3.incp',
    network: 'InceptionV3',
    args: {},
    rules: ['factor_5x5 to mixed0..mixed2', 'asymmetric(n=3, low=8, high=8)', 'efficient_grid_reduction'],
  },
  {
    title: 'googlenet.incp GoogLeNet aux_heads=true --rules bn_auxiliary',
    file: 'googlenet.incp',
    network: 'GoogLeNet',
    args: { aux_heads: true },
    rules: ['bn_auxiliary'],
  },
  {
    title: 'inception_v2.incp InceptionV2 --rules asymmetric(3, nx1_first), efficient_grid_reduction_conv_pool',
    file: 'inception_v2.incp',
    network: 'InceptionV2',
    args: {},
    rules: ['asymmetric(n=3, nx1_first=true)', 'efficient_grid_reduction_conv_pool'],
  },
);

function built(path: string, network?: string, args: Record<string, number | boolean> = {}, rules?: string[]): IRGraph {
  const program = loadProgram(path);
  const errors = program.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `${path}: ${errors.map((d) => `${d.span?.startLine}:${d.span?.startColumn} ${d.message}`).join('; ')}`,
    );
  const result = buildNetwork(program, { network, args, rules });
  if (!result.graph)
    throw new Error(
      `${path}: ` +
        result.diagnostics
          .map((d) => `${d.span?.file}:${d.span?.startLine}:${d.span?.startColumn} ${d.message}`)
          .join('; '),
    );
  return result.graph;
}

let dir: string;
const emitted: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-roundtrip-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('rewrite --emit round trip over the stdlib', () => {
  test('the cases cover the stdlib networks, their aux heads and the Table 3 rows', () => {
    const titles = cases.map((c) => c.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'googlenet.incp GoogLeNet',
        'googlenet.incp GoogLeNet aux_heads=true',
        'inception_v2.incp InceptionV2 aux_head=true',
        'inception_v3.incp InceptionV3 aux_head=true',
        'lowres.incp InceptionV3Res151 aux_head=true',
        'lowres.incp InceptionV3Res79 aux_head=true',
        'table3.incp InceptionV2Table3 row=1',
        'table3.incp InceptionV2Table3 row=5',
      ]),
    );
  });

  test.each(cases.map((c, i) => [c.title, c, i] as const))('%s', (_title, c, i) => {
    const original = built(join(stdlibDir, c.file), c.network, c.args, c.rules);
    if (c.rules) expect(original.nodes.some((n) => n.rewrite !== undefined)).toBe(true);
    const sets = Object.entries(c.args).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
    const rules = (c.rules ?? []).flatMap((r) => ['--rules', r]);
    // (A time limit: emitting once took time exponential in the number of modules.)
    const r = spawnSync(
      process.execPath,
      [cliPath, 'rewrite', `stdlib/${c.file}`, '--emit', '--network', c.network, ...sets, ...rules],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect([r.status, r.stderr]).toEqual([0, '']);
    const path = join(dir, `case${i}.incp`);
    writeFileSync(path, r.stdout);
    emitted.push(path);

    const again = built(path);
    expect(firstIRDifference(original, again)).toBeUndefined();
    // Sanity: the comparison does look at the graph (a network with aux heads has them on both sides).
    expect(again.nodes.length).toBe(original.nodes.length);
    expect(again.aux.length).toBe(original.aux.length);
    // A fixed point: the re-elaborated network emits the same text.
    expect(emitNetwork(again)).toBe(emitNetwork(original));
  });

  test('every emitted file passes incc check', () => {
    expect(emitted).toHaveLength(cases.length);
    const r = incc(['check', ...emitted]);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  test('the comparison reports the first difference', () => {
    const a = built(join(stdlibDir, 'table3.incp'), undefined, { row: 3 });
    const b = built(join(stdlibDir, 'table3.incp'), undefined, { row: 4 });
    // Rows 3 and 4 differ first in the stem: row 4's factorized_7x7 puts conv1/conv1 where conv1 was.
    expect(firstIRDifference(a, b)).toBe('args {"row":3,"classes":1000} vs {"row":4,"classes":1000}');
    const c = built(join(stdlibDir, 'table3.incp'), undefined, { row: 3 });
    expect(firstIRDifference(a, c)).toBeUndefined();
    expect(firstIRDifference({ ...a, args: b.args }, b)).toBe('node #1: name conv1 vs conv1/conv1');
    const training = built(join(stdlibDir, 'table3.incp'), undefined, { row: 2 });
    expect(firstIRDifference({ ...training, args: a.args }, a)).toBe(
      'training settings ["batch_size","epochs","schedule","clip","optimizer"] vs ' +
        '["batch_size","epochs","schedule","clip","optimizer","label_smoothing"]',
    );
  });
});
