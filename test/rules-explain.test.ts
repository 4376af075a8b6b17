/**
 * `incc rewrite FILE --explain --json`, run as a CLI process, against figures worked out by hand.
 * "weights" are conv and dense kernels only (kh*kw*cin*cout, nin*nout); "params" are Keras's count
 * (spec/ir.md): kernel + bias + batch norm (beta trainable, gamma trainable with scale, moving mean
 * and variance non-trainable); "macs" are H_out*W_out*kh*kw*cin*cout per conv and nin*nout per dense.
 * Every conv here: no bias, BN without scale, ReLU, so a conv of C filters has 3C BN parameters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cost } from '../compiler/rewrite/cost.js';
import type { ExplainedApplication } from '../compiler/rewrite/explain.js';
import { incc } from './helpers/cli.js';

/** What `incc rewrite --explain --json` prints (compiler/rewrite/explain.ts). */
interface Explained {
  network: string;
  applications: ExplainedApplication[];
  totals: { before: Cost; after: Cost };
}

interface SummaryJson {
  params: { total: number; trainable: number; nonTrainable: number };
  macs: number;
  aux: { name: string; params: { total: number; trainable: number; nonTrainable: number }; macs: number }[];
}

const header = `import "std/rules"
defaults conv(bias=false, bn=true, bn_scale=false, act=relu)
`;

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-explain-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The body of a network NAME: INPUT, the LAYERS, then APPLY; after the header, its first layer is on line 5. */
function net(name: string, input: string, layers: string[], apply: string): string {
  return `network ${name} {\n  input ${input}\n${layers.map((l) => `  ${l}\n`).join('')}  ${apply}\n}\n`;
}

function write(body: string): string {
  const path = join(dir, `case${++counter}.incp`);
  writeFileSync(path, `${header}${body}`);
  return path;
}

function explain(body: string, ...extra: string[]): Explained {
  const r = incc(['rewrite', write(body), '--explain', '--json', ...extra]);
  expect([r.status, r.stderr]).toEqual([0, '']);
  return JSON.parse(r.stdout) as Explained;
}

/** One application in a network that holds only what it rewrites (plus the input): totals = its cost. */
function single(body: string): Explained['applications'][number] {
  const e = explain(body);
  expect(e.applications).toHaveLength(1);
  const a = e.applications[0]!;
  expect(e.totals).toEqual(a.cost);
  return a;
}

/** Expects the application's cost, each figure as [before, after]: one assertion a number, named in a failure. */
function expectCost(a: ExplainedApplication, weights: number[], params: number[], macs: number[]): void {
  for (const [figure, [before, after]] of Object.entries({ weights, params, macs })) {
    const key = figure as keyof Cost;
    expect([`${figure} before`, a.cost.before[key]]).toEqual([`${figure} before`, before]);
    expect([`${figure} after`, a.cost.after[key]]).toEqual([`${figure} after`, after]);
  }
}

/** 3C: beta, moving mean, moving variance of a BN without scale. */
const bn = (c: number) => 3 * c;

describe('rewrite --explain --json, hand-computed', () => {
  test('5x5 -> 3x3 + 3x3 at equal widths saves 28% of the weights (25 vs 18 per channel pair)', () => {
    const a = single(net('F', '35x35x64', ['conv 5x5 64'], 'apply factor_5x5'));
    expect(a.rule).toBe('factor_5x5');
    expect(a.args).toEqual({ mid: 64, first_act: 'relu' });
    expect(a.node).toBe('conv1');
    // The replaced layer is on line 5 of the file (2 header lines, a blank, `network`, `input`), column 3.
    expect([a.source.line, a.source.column]).toEqual([5, 3]);
    expect(a.before).toEqual(['conv 5x5 64']);
    expect(a.after).toEqual(['conv 3x3 64', 'conv 3x3 64']);
    // weights: 25*64*64 = 102,400 -> 2*9*64*64 = 73,728; params: + 3*64 BN per conv: 102,592 -> 73,728 + 384 =
    // 74,112; macs: 35*35 = 1,225 positions: 125,440,000 -> 90,316,800
    expectCost(a, [102_400, 73_728], [102_400 + bn(64), 73_728 + 2 * bn(64)], [1225 * 102_400, 1225 * 73_728]);
    // (25 - 18) / 25 = 28%
    expect((a.cost.before.weights - a.cost.after.weights) / a.cost.before.weights).toBeCloseTo(0.28, 10);
    expect(a.cost.before.macs).toBe(125_440_000);
    expect(a.cost.after.macs).toBe(90_316_800);
  });

  test('the text form says the same: 28.0% of the weights', () => {
    const r = incc(['rewrite', write(net('F', '35x35x64', ['conv 5x5 64'], 'apply factor_5x5')), '--explain']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('weights   102,400 -> 73,728 (saves 28.0%)');
    expect(r.stdout).toContain('mult-adds 125,440,000 -> 90,316,800 (saves 28.0%)');
  });

  test('3x3 -> 1x3 + 3x1 saves 33% (9 vs 6 per channel pair)', () => {
    const a = single(net('A', '17x17x32', ['conv 3x3 32'], 'apply asymmetric(3)'));
    expect(a.before).toEqual(['conv 3x3 32']);
    expect(a.after).toEqual(['conv 1x3 32', 'conv 3x1 32']);
    // 9*32*32 = 9,216 -> 2*3*32*32 = 6,144 weights; 17*17 = 289 positions: 2,663,424 -> 1,775,616 multiply-adds
    expectCost(a, [9216, 6144], [9216 + bn(32), 6144 + 2 * bn(32)], [289 * 9216, 289 * 6144]);
    // 1/3 less
    expect(1 - a.cost.after.weights / a.cost.before.weights).toBeCloseTo(1 / 3, 10);
  });

  test('a strided 5x5: the first 3x3 runs at full resolution, the second on the strided grid', () => {
    // conv 5x5/2 64 SAME on 35x35x32: ceil(35 / 2) = 18 -> 18x18x64.
    // After: conv 3x3 64 (mid = filters) at 35x35, then conv 3x3/2 64 -> 18x18.
    const a = single(net('S', '35x35x32', ['conv 5x5/2 64'], 'apply factor_5x5'));
    expect(a.before).toEqual(['conv 5x5/2 64']);
    expect(a.after).toEqual(['conv 3x3 64', 'conv 3x3/2 64']);
    // weights: 25*32*64 = 51,200 -> 9*32*64 + 9*64*64 = 18,432 + 36,864 = 55,296 (more: mid 64 > 32 inputs)
    // macs: 18*18*51,200 = 16,588,800 -> 35*35*18,432 + 18*18*36,864 = 22,579,200 + 11,943,936
    expectCost(
      a,
      [51_200, 18_432 + 36_864],
      [51_200 + bn(64), 55_296 + 2 * bn(64)],
      [16_588_800, 22_579_200 + 11_943_936],
    );
    expect(a.cost.after.macs).toBe(34_523_136);
  });

  test('a strided 5x5 with mid = 32: fewer weights, still more multiply-adds (the first 3x3 is at 35x35)', () => {
    const a = single(net('S', '35x35x32', ['conv 5x5/2 64'], 'apply factor_5x5(mid=32)'));
    // weights: 9*32*32 + 9*32*64 = 9,216 + 18,432 = 27,648 < 51,200
    expect(a.cost.after.weights).toBe(27_648);
    expect(a.cost.after.params).toBe(27_648 + bn(32) + bn(64));
    // macs: 1,225 * 9,216 + 324 * 18,432 = 11,289,600 + 5,971,968 = 17,261,568 > 16,588,800
    expect(a.cost.after.macs).toBe(17_261_568);
    expect(a.cost.after.macs).toBeGreaterThan(a.cost.before.macs);
  });

  test('a VALID 5x5: both 3x3 VALID, 35 -> 33 -> 31 as 35 -> 31', () => {
    const a = single(net('V', '35x35x32', ['conv 5x5 48 valid'], 'apply factor_5x5(mid=32)'));
    expect(a.before).toEqual(['conv 5x5 48 valid']);
    expect(a.after).toEqual(['conv 3x3 32 valid', 'conv 3x3 48 valid']);
    // weights: 25*32*48 = 38,400 -> 9*32*32 + 9*32*48 = 9,216 + 13,824 = 23,040
    // macs: 31*31*38,400 = 36,902,400 -> 33*33*9,216 + 31*31*13,824 = 10,036,224 + 13,284,864
    expectCost(a, [38_400, 23_040], [38_400 + bn(48), 23_040 + bn(32) + bn(48)], [36_902_400, 10_036_224 + 13_284_864]);
  });

  test('asymmetric 7x7 on 17x17 (Figure 6): 49 vs 14 per channel pair at equal widths', () => {
    const a = single(net('G', '17x17x128', ['conv 7x7 192'], 'apply asymmetric'));
    expect(a.args).toEqual({ n: 7, low: 12, high: 20, mid: 192, first_act: 'relu', nx1_first: false });
    expect(a.after).toEqual(['conv 1x7 192', 'conv 7x1 192']);
    // weights: 49*128*192 = 1,204,224 -> 7*128*192 + 7*192*192 = 172,032 + 258,048 = 430,080
    // macs: 289 positions: 348,020,736 -> 124,293,120
    expectCost(a, [1_204_224, 430_080], [1_204_224 + bn(192), 430_080 + 2 * bn(192)], [289 * 1_204_224, 289 * 430_080]);
  });

  // Section 5 with d = 34, k = 64, m = 3: from 34x34x64 to 17x17x128.
  //   pool then conv: the conv runs on 17x17: 17*17*9*64*128 = 1/2 d^2 m^2 k^2 = 21,307,392
  //   conv then pool: the conv runs on 34x34: 34*34*9*64*128 = 2 d^2 m^2 k^2 = 85,229,568, four times more
  //   Figure 10: conv 3x3/2 to 128 - 64 = 64 channels beside the max pool: 17*17*9*64*64 = 10,653,696
  const half = (34 * 34 * 9 * 64 * 64) / 2;
  test("the paper's section 5 arithmetic", () => {
    expect(half).toBe(17 * 17 * 9 * 64 * 128);
    expect(half).toBe(21_307_392);
  });

  // Both reductions give conv 3x3/2 64 beside maxpool 3x3/2: weights 9*64*128 = 73,728 -> 9*64*64 = 36,864 (the
  // pool and the concat have none), and 17*17*36,864 = 10,653,696 multiply-adds after.
  test.each([
    [
      'efficient_grid_reduction: pool then conv -> conv/2 beside pool/2',
      ['P', 'efficient_grid_reduction', 'conv1'],
      ['maxpool 3x3/2', 'conv 3x3 128'],
      [17 * 17 * 73_728, half, 17 * 17 * 36_864],
    ],
    [
      'efficient_grid_reduction_conv_pool: conv then pool costs 4x pool then conv; same parallel reduction',
      ['C', 'efficient_grid_reduction_conv_pool', 'maxpool1'],
      ['conv 3x3 128', 'maxpool 3x3/2'],
      [34 * 34 * 73_728 /* 85,229,568 */, 4 * half, 10_653_696],
    ],
  ])('%s', (_title, [network, rule, node], layers, [macsBefore, macsBeforeFromHalf, macsAfter]) => {
    const a = single(net(network, '34x34x64', layers, `apply ${rule}`));
    expect(a.node).toBe(node);
    expect(a.before).toEqual(layers);
    expect(a.after).toEqual(['conv 3x3/2 64', 'maxpool 3x3/2', 'concat']);
    expectCost(a, [73_728, 36_864], [73_728 + bn(128), 36_864 + bn(64)], [macsBefore, macsAfter]);
    expect(a.cost.before.macs).toBe(macsBeforeFromHalf);
  });

  test('factorized_7x7 on 299x299x3: Table 1 stem in place of the 7x7/2', () => {
    // Before: 7x7/2 valid: ceil((299 - 6) / 2) = 147.
    // After: 3x3/2 valid 32: ceil(297 / 2) = 149; 3x3 valid 32: 147; 3x3 same 64: 147.
    const a = single(net('T', '299x299x3', ['conv 7x7/2 64 valid'], 'apply factorized_7x7'));
    expect(a.args).toEqual({ width1: 32, width2: 32 });
    expect(a.before).toEqual(['conv 7x7/2 64 valid']);
    expect(a.after).toEqual(['conv 3x3/2 32 valid', 'conv 3x3 32 valid', 'conv 3x3 64']);
    // weights: 7*7*3*64 = 9,408 -> 3*3*3*32 + 3*3*32*32 + 3*3*32*64 = 864 + 9,216 + 18,432 = 28,512
    // params: 9,600 -> 28,896
    // macs: 147^2 * 9,408 = 21,609 * 9,408 = 203,297,472 -> 149^2 * 864 + 147^2 * 9,216 + 147^2 * 18,432 =
    // 19,181,664 + 199,148,544 + 398,297,088
    expectCost(
      a,
      [9408, 864 + 9216 + 18_432],
      [9408 + bn(64), 28_512 + bn(32) + bn(32) + bn(64)],
      [203_297_472, 19_181_664 + 199_148_544 + 398_297_088],
    );
    expect(a.cost.after.macs).toBe(616_627_296);
  });

  test('bn_auxiliary: a dense 1024 of an aux head becomes dense without bias, BN (with scale), ReLU', () => {
    // aux head on 17x17x768: avgpool 5x5/3 valid -> ceil((17 - 4) / 3) = 5; conv 1x1 128; flatten 5*5*128 = 3,200.
    const body = `network B {
  input 17x17x768
  m: conv 1x1 768
  gap
  logits: dense 10
  aux_logits: aux from m {
    avgpool 5x5/3 valid
    conv 1x1 128
    flatten
    dense 1024 act=relu
    dense 10
  }
  apply bn_auxiliary
}
`;
    const e = explain(body);
    // The main path's dense 10 (head "main", linear) and the aux head's dense 10 (linear) are not matched.
    expect(e.applications).toHaveLength(1);
    const a = e.applications[0]!;
    expect(a.node).toBe('aux_logits/dense1');
    expect([a.source.line, a.source.column]).toEqual([12, 5]);
    expect(a.before).toEqual(['dense 1024 act=relu']);
    expect(a.after).toEqual(['dense 1024', 'batchnorm', 'relu']);
    // weights: 3,200 * 1,024 = 3,276,800 on both sides; macs the same. params: -1,024 bias, +1,024 beta +1,024
    // gamma (batchnorm's scale defaults to true) +2,048 moving statistics.
    expectCost(a, [3_276_800, 3_276_800], [3_276_800 + 1024, 3_276_800 + 1024 + 1024 + 2048], [3_276_800, 3_276_800]);
    expect(e.totals.after.params - e.totals.before.params).toBe(-1024 + 1024 + 1024 + 2048);

    // The split between trainable and non-trainable, from the summary of the same file.
    const r = incc(['summary', join(dir, `case${counter}.incp`), '--json']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as SummaryJson;
    // aux head: conv 1x1 768 -> 128 (98,304 + 128 beta; 256 moving), dense 3,276,800 + BN 2,048 trainable
    // (2,048 moving), dense 1,024 -> 10 with bias: 10,250.
    expect(s.aux[0]!.params).toEqual({
      trainable: 98_304 + 128 + 3_276_800 + 2048 + 10_250,
      nonTrainable: 256 + 2048,
      total: 98_304 + 128 + 3_276_800 + 2048 + 10_250 + 256 + 2048,
    });
  });

  test('several applications: totals are the network before and after', () => {
    // Two 5x5 at 17x17x16 in sequence; factor_5x5 on both: each 25*16*16 = 6,400 -> 4,608.
    const e = explain(net('Two', '17x17x16', ['conv 5x5 16', 'conv 5x5 16'], 'apply factor_5x5'));
    expect(e.applications.map((a) => a.node)).toEqual(['conv1', 'conv2']);
    expect(e.totals.before).toEqual({ weights: 2 * 6400, params: 2 * (6400 + bn(16)), macs: 2 * 289 * 6400 });
    expect(e.totals.after).toEqual({ weights: 2 * 4608, params: 2 * (4608 + 2 * bn(16)), macs: 2 * 289 * 4608 });
  });

  test("--rules adds applications after the file's own, with std/rules in scope", () => {
    const e = explain(
      `network R {
  input 17x17x16
  conv 5x5 16
}
`,
      '--rules',
      'factor_5x5',
      '--rules',
      'asymmetric(3)',
    );
    expect(e.applications.map((a) => [a.rule, a.node])).toEqual([
      ['factor_5x5', 'conv1'],
      ['asymmetric', 'conv1/conv1'],
      ['asymmetric', 'conv1'],
    ]);
    // 5x5 -> four 3-tap convs, 16 -> 16: 25*256 = 6,400 -> 4*3*256 = 3,072 weights.
    expect(e.totals.before.weights).toBe(6400);
    expect(e.totals.after.weights).toBe(3072);
  });
});
