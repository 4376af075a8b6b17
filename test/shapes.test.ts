/**
 * Shape inference and its errors (compiler/ir/shapes.ts, through elaboration). Every expected shape, count
 * and span here is worked out by hand from the source text in the test (the arithmetic is in the
 * comments), never pasted from incc's output.
 *
 * TensorFlow's rules, per axis: SAME -> ceil(in / s); VALID -> ceil((in - k + 1) / s).
 * Keras counts: conv kh*kw*cin*cout (+ cout with a bias); batch norm: beta trainable, gamma trainable
 * only with scale, moving mean and variance (2 per channel) non-trainable; dense nin*nout (+ nout).
 * Multiply-adds: conv Hout*Wout*kh*kw*cin*cout, dense nin*nout; nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics/diagnostics.js';
import { elaborate } from '../compiler/ir/elaborate.js';
import type { IRGraph, IRNode } from '../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../compiler/ir/ir.js';
import { loadProgramFromText, stdlibDir } from '../compiler/program/node-host.js';

const FILE = 'shapes-test.incp';

/** Source lines, joined: line i of the array is line i + 1 of the file. */
const src = (...lines: string[]) => `${lines.join('\n')}\n`;

function load(text: string) {
  const program = loadProgramFromText(text, FILE);
  expect(program.diagnostics).toEqual([]);
  return program;
}

/** Elaborates a source that must fail; returns its one diagnostic. */
function errorOf(text: string, args: Record<string, number | boolean> = {}): Diagnostic {
  const result = elaborate(load(text), { args });
  expect(result.graph).toBeUndefined();
  expect(result.diagnostics).toHaveLength(1);
  const d = result.diagnostics[0]!;
  expect(d.severity).toBe('error');
  return d;
}

/** Elaborates a source that must succeed. */
function graphOf(text: string): IRGraph {
  const result = elaborate(load(text), {});
  expect(result.diagnostics).toEqual([]);
  return result.graph!;
}

function node(g: IRGraph, name: string): IRNode {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}; nodes: ${g.nodes.map((x) => x.name).join(', ')}`);
  return n;
}

/** Expects the output shape of each node named, one assertion a node, so that a failure names the node. */
function expectShapes(g: IRGraph, shapes: Record<string, number[]>): void {
  for (const [name, shape] of Object.entries(shapes)) expect([name, node(g, name).shape]).toEqual([name, shape]);
}

/** The span's start (and optionally end) line and column. */
function expectSpan(d: Diagnostic, line: number, column: number, end?: [number, number]) {
  expect(d.span).toBeDefined();
  expect([d.span!.startLine, d.span!.startColumn]).toEqual([line, column]);
  if (end) expect([d.span!.endLine, d.span!.endColumn]).toEqual(end);
}

/**
 * An error case: a title, the source lines, the one diagnostic's code, where it starts (and ends) if that is
 * checked, and words of its message.
 */
type ErrorCase = [
  title: string,
  lines: string[],
  code: string,
  at: [number, number, [number, number]?] | null,
  words: string[],
];

/** One test a case: the source fails with one diagnostic, of the code, there, whose message holds the words. */
function testErrors(cases: ErrorCase[]): void {
  test.each(cases)('%s', (_title, lines, code, at, words) => {
    const d = errorOf(src(...lines));
    expect(d.code).toBe(code);
    if (at) expectSpan(d, ...at);
    for (const w of words) expect(d.message).toContain(w);
  });
}

// ---------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------

describe('concat branches on different grids', () => {
  testErrors([
    [
      'a stride-2 branch beside a stride-1 one',
      [
        'network N {', //          1
        '  input 32x32x3', //      2
        '  b: concat {', //        3  `concat` at column 6 (after "  b: ")
        '    conv 3x3/2 8', //     4  SAME /2: ceil(32 / 2) = 16 -> 16x16x8
        '    conv 3x3 8', //       5  SAME /1: 32 -> 32x32x8
        '  }', //                  6
        '}',
      ],
      'concat-shape-mismatch',
      [3, 6, [6, 4]], // the concat, through its closing brace (column 3, end exclusive 4)
      [
        '16x16x8',
        '32x32x8',
        // Branch names in the labeled concat's scope: b/conv1, b/conv2.
        'b/conv1 is 16x16x8',
        'b/conv2 is 32x32x8',
      ],
    ],
    [
      'a VALID branch beside a SAME one (odd grid)',
      [
        'network N {',
        '  input 17x17x8', //                    2
        '  conv 1x1 8', //                       3
        '  concat {', //                         4  column 3
        '    a: conv 3x3 4', //                  5  17x17x4
        '    b: maxpool 3x3/2 valid', //         6  ceil((17 - 3 + 1) / 2) = ceil(7.5) = 8 -> 8x8x8
        '  }',
        '}',
      ],
      'concat-shape-mismatch',
      [4, 3],
      ['a is 17x17x4', 'b is 8x8x8'],
    ],
    [
      'asymmetric VALID kernels: 1x7 and 7x1 shrink different axes',
      [
        'network N {',
        '  input 9x9x3',
        '  concat {', //                      3
        '    conv 1x7 4 valid', //            4  H 9, W 9 - 7 + 1 = 3 -> 9x3x4
        '    conv 7x1 4 valid', //            5  H 3, W 9 -> 3x9x4
        '  }',
        '}',
      ],
      'concat-shape-mismatch',
      [3, 3],
      ['9x3x4', '3x9x4'],
    ],
    [
      'a nested concat: the inner one is reported, at its own line',
      [
        'network N {',
        '  input 9x9x3',
        '  concat {', //                          3
        '    conv 1x1 4', //                      4
        '    concat {', //                        5  inner concat at column 5
        '      conv 3x3 4', //                    6  9x9x4
        '      conv 3x3 4 valid', //              7  9 - 3 + 1 = 7 -> 7x7x4
        '    }',
        '  }',
        '}',
      ],
      'concat-shape-mismatch',
      [5, 5, [8, 6]],
      ['9x9x4', '7x7x4'],
    ],
    [
      'a nested concat that agrees inside but not with its sibling branch',
      [
        'network N {',
        '  input 16x16x8',
        '  outer: concat {', //                    3  `concat` at column 10
        '    conv 3x3/2 4', //                     4  SAME /2: 8x8x4
        '    inner: concat {', //                  5
        '      conv 1x3 4', //                     6  16x16x4
        '      conv 3x1 4', //                     7  16x16x4
        '    }', //                                   inner: 16x16x8
        '  }',
        '}',
      ],
      'concat-shape-mismatch',
      [3, 10],
      ['8x8x4', 'outer/inner is 16x16x8'],
    ],
    [
      'a branch flattened beside a map (different ranks)',
      [
        'network N {',
        '  input 4x4x2',
        '  concat {', //                 3
        '    flatten', //                4  4 * 4 * 2 = 32
        '    conv 1x1 2', //             5  4x4x2
        '  }',
        '}',
      ],
      'concat-shape-mismatch',
      [3, 3],
      ['32', '4x4x2'],
    ],
  ]);
});

describe('VALID windows larger than their input', () => {
  testErrors([
    [
      'conv 3x3 VALID on a 2x2 grid',
      [
        'network N {',
        '  input 2x2x8',
        '  conv 3x3 16 valid', //   3  column 3 to the end of `valid` (3 + 17 = 20)
        '}',
      ],
      'kernel-larger-than-input',
      [3, 3, [3, 20]],
      ['3x3', '2x2x8'],
    ],
    [
      'asymmetric 1x7 VALID on a 5x5 grid (only the width is too small)',
      ['network N {', '  input 5x5x3', '  conv 1x7 8 valid', '}'],
      'kernel-larger-than-input',
      [3, 3],
      ['1x7', '5x5x3'],
    ],
    [
      '7x1 VALID on a 5x9 grid (only the height is too small)',
      ['network N {', '  input 5x9x3', '  conv 7x1 8 valid', '}'],
      'kernel-larger-than-input',
      null,
      ['7x1', '5x9x3'],
    ],
    [
      'maxpool 7x7 VALID on 5x5, after a labeled layer: the pool is reported',
      [
        'network N {',
        '  input 5x5x3',
        '  c: conv 1x1 4', //              3
        '  p: maxpool 7x7 valid', //       4  the layer itself starts at column 6, after "  p: "
        '}',
      ],
      'kernel-larger-than-input',
      [4, 6],
      ['maxpool', '7x7', '5x5x4'],
    ],
    // 2x2x8: the grid the third iteration sees (the message names the iteration).
    [
      'an error in the third iteration of a repeat',
      [
        'network N {',
        '  input 6x6x3',
        '  repeat 3 {', //                 3
        '    conv 3x3 8 valid', //         4  6 -> 4 -> 2 -> (third) 3x3 on 2x2
        '  }',
        '}',
      ],
      'kernel-larger-than-input',
      [4, 5],
      ['2x2x8'],
    ],
  ]);

  test('SAME never fails: the same 7x7 pool with SAME padding keeps 5x5', () => {
    const g = graphOf(src('network N {', '  input 5x5x3', '  maxpool 7x7', '}'));
    expect(node(g, 'maxpool1').shape).toEqual([5, 5, 3]); // ceil(5 / 1)
  });
});

describe('vectors and maps', () => {
  testErrors([
    // At `dense 10`: 8 characters, columns 3 to 11 (end exclusive).
    [
      'dense on a spatial map without flatten or gap',
      ['network N {', '  input 8x8x3', '  conv 3x3 4', '  dense 10', '}'],
      'dense-on-spatial',
      [4, 3, [4, 11]],
      ['8x8x4'],
    ],
    // 192 = 8 * 8 * 3, the flattened length.
    [
      'gap after flatten',
      ['network N {', '  input 8x8x3', '  flatten', '  gap', '}'],
      'spatial-after-flatten',
      [4, 3, [4, 6]],
      ['gap', '192'],
    ],
    [
      'conv after flatten',
      ['network N {', '  input 8x8x3', '  flatten', '  conv 1x1 4', '}'],
      'spatial-after-flatten',
      [4, 3],
      ['conv', '192'],
    ],
    [
      'maxpool after gap and dense',
      ['network N {', '  input 8x8x3', '  gap', '  dense 10', '  maxpool 2x2', '}'],
      'spatial-after-flatten',
      [5, 3],
      ['maxpool', '10'],
    ],
  ]);
});

describe('sizes beyond 2^53', () => {
  testErrors([
    // 1e5 * 1e5 * 1e5 = 1e15 < 2^53 (about 9.007e15). conv 3x3 64 SAME: 1e5 * 1e5 positions * 9 * 1e5 * 64 = 5.76e17.
    [
      'input 100000x100000x100000 is fine alone; a conv on it overflows its multiply-adds',
      ['network N {', '  input 100000x100000x100000', '  conv 3x3 64', '}'],
      'shape-overflow',
      [3, 3, [3, 14]],
      ['multiply-add', '5.760e+17', 'conv1'],
    ],
    // 1.000e+17 = 1e6 * 1e6 * 1e5.
    [
      'an input of 1e17 elements',
      ['network N {', '  input 1000000x1000000x100000', '}'],
      'shape-overflow',
      [2, 3],
      ['1.000e+17'],
    ],
    // conv2: 3 * 3 * 1e9 * 1e9 + 1e9 (bias) = 9.000000001e18 weights.
    [
      'huge filters * kernel: the parameter count overflows',
      ['network N {', '  input 8x8x3', '  conv 3x3 1000000000', '  conv 3x3 1000000000', '}'],
      'shape-overflow',
      [4, 3],
      ['parameter count', '9.000e+18'],
    ],
    // flatten: 1e4 * 1e4 * 1e3 = 1e11 (safe); dense 1e6: 1e11 * 1e6 + 1e6 = 1.00000000001e17.
    [
      'dense on a huge flattened map',
      ['network N {', '  input 10000x10000x1000', '  flatten', '  predictions: dense 1000000', '}'],
      'shape-overflow',
      [4, 16],
      ['predictions', '1.000e+17'],
    ],
  ]);
});

describe('the input', () => {
  testErrors([
    // At the name `Empty`.
    [
      'a network with no statements has no input (reported at its name)',
      ['network Empty {', '}'],
      'missing-input',
      [1, 9, [1, 14]],
      ['Empty'],
    ],
    [
      'a layer with nothing before it',
      ['network N {', '  conv 3x3 8', '}'],
      'missing-input',
      [2, 3],
      ['`input HxWxC`'],
    ],
    [
      'the input not first: the layer before it is reported',
      ['network N {', '  maxpool 2x2', '  input 8x8x3', '}'],
      'missing-input',
      [2, 3],
      [],
    ],
    [
      'a concat before the input',
      ['network N {', '  concat {', '    conv 1x1 4', '  }', '}'],
      'missing-input',
      [2, 3],
      [],
    ],
    [
      'a second input',
      ['network N {', '  input 8x8x3', '  conv 1x1 4', '  input 8x8x3', '}'],
      'misplaced-input',
      [4, 3, [4, 14]],
      ['input'],
    ],
    // At the size `0x5x3`.
    [
      'an input with a zero dimension',
      ['network N {', '  input 0x5x3', '}'],
      'value-out-of-range',
      [2, 9, [2, 14]],
      ['0x5x3'],
    ],
  ]);
});

describe('empty and out-of-range layers', () => {
  testErrors([
    ['an empty concat', ['network N {', '  input 8x8x3', '  concat {', '  }', '}'], 'empty-concat', [3, 3, [4, 4]], []],
    // `0x3`: columns 8, 9, 10
    [
      'kernel 0x3',
      ['network N {', '  input 8x8x3', '  conv 0x3 8', '}'],
      'value-out-of-range',
      [3, 8, [3, 11]],
      ['kernel', '0x3'],
    ],
    // `/0` starts right after `conv 3x3`
    [
      'stride 0 after a slash',
      ['network N {', '  input 8x8x3', '  conv 3x3/0 8', '}'],
      'value-out-of-range',
      [3, 11],
      ['stride'],
    ],
    // At `stride=0`.
    [
      'stride 0 as a named option',
      ['network N {', '  input 8x8x3', '  avgpool 3x3 stride=0', '}'],
      'value-out-of-range',
      [3, 15, [3, 23]],
      ['avgpool stride'],
    ],
    ['stride 2x0', ['network N {', '  input 8x8x3', '  maxpool 3x3/2x0', '}'], 'value-out-of-range', [3, 14], ['2x0']],
    [
      'zero filters',
      ['network N {', '  input 8x8x3', '  conv 3x3 0', '}'],
      'value-out-of-range',
      [3, 12, [3, 13]],
      ['filters'],
    ],
  ]);

  test('a kernel computed to 0 inside a block, through a parameter', () => {
    const d = errorOf(
      src(
        'block Conv(k: int) {', //        1
        '  conv (k - 3)x3 8', //          2  the size expression starts at column 8
        '}',
        'network N {',
        '  input 8x8x3',
        '  c: Conv(3)', //                6
        '}',
      ),
    );
    expect(d.code).toBe('value-out-of-range');
    expectSpan(d, 2, 8);
    expect(d.message).toContain('0x3');
    expect(d.related?.[0]?.span.startLine).toBe(6);
  });
});

describe('errors deep inside block instances', () => {
  test('the span is the layer in the block; related names the instance that reached it', () => {
    const text = src(
      'block Shrink(k: int) {', //               1
      '  conv 1x1 16', //                        2
      '  conv (k)x(k) 16 valid', //              3  column 3
      '}',
      'network N {', //                          5
      '  input 9x9x3',
      '  s1: Shrink(3)', //                      7  9 - 3 + 1 = 7
      '  s2: Shrink(5)', //                      8  7 - 5 + 1 = 3
      '  s3: Shrink(5)', //                      9  5x5 on 3x3: fails
      '}',
    );
    const d = errorOf(text);
    expect(d.code).toBe('kernel-larger-than-input');
    expectSpan(d, 3, 3);
    expect(d.message).toContain('5x5');
    expect(d.message).toContain('3x3x16');
    expect(d.related).toHaveLength(1);
    const r = d.related![0]!;
    expect(r.message).toContain('s3');
    expect(r.message).toContain('Shrink');
    expect([r.span.startLine, r.span.startColumn]).toEqual([9, 7]); // the call `Shrink(5)` after "  s3: "
  });

  test('nested instances: one related entry per level, innermost first', () => {
    const text = src(
      'block Inner() {', //                         1
      '  maxpool 4x4 valid', //                   2
      '}',
      'block Outer() {', //                         4
      '  conv 1x1 8',
      '  i: Inner()', //                          6
      '}',
      'network N {', //                           8
      '  input 3x3x3',
      '  o: Outer()', //                          10
      '}',
    );
    const d = errorOf(text);
    expect(d.code).toBe('kernel-larger-than-input');
    expectSpan(d, 2, 3);
    expect(d.message).toContain('4x4');
    expect(d.message).toContain('3x3x8');
    expect(d.related?.map((r) => r.span.startLine)).toEqual([6, 10]);
    expect(d.related![0]!.message).toContain('o/i');
    expect(d.related![1]!.message).toMatch(/\bo\b/);
  });

  test('a repeat of block instances: the third instance is named', () => {
    const text = src(
      'block Shrink(k: int) {',
      '  conv (k)x(k) 8 valid', //                            2
      '}',
      'network N {',
      '  input 6x6x3',
      '  stage1..stage3: repeat k in [3, 1, 5] { Shrink(k) }', // 6: 6 -> 4 -> 4 -> 5x5 on 4x4
      '}',
    );
    const d = errorOf(text);
    expect(d.code).toBe('kernel-larger-than-input');
    expectSpan(d, 2, 3);
    expect(d.message).toContain('4x4x8');
    expect(d.related).toHaveLength(1);
    expect(d.related![0]!.message).toContain('stage3');
    expect(d.related![0]!.span.startLine).toBe(6);
  });

  test('a stdlib block (Figure 10) on a grid too small for its stride-2 VALID conv', () => {
    const text = src(
      'import { Figure10 } from "std/modules"',
      'network N {',
      '  input 2x2x8',
      '  r: Figure10()', //                     4  column 6
      '}',
    );
    const d = errorOf(text);
    expect(d.code).toBe('kernel-larger-than-input');
    // The span is in std/modules.incp, at Figure 10's first branch. Its line and column come from the
    // text of the stdlib file (found by search here, not taken from incc).
    const modules = readFileSync(join(stdlibDir, 'modules.incp'), 'utf8').split('\n');
    const start = modules.findIndex((l) => l.startsWith('block Figure10('));
    const offset = modules.slice(start).findIndex((l) => l.includes('branch3x3: conv 3x3/2'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(d.span!.file).toBe('std/modules.incp');
    expect(d.span!.startLine).toBe(start + offset + 1);
    expect(d.span!.startColumn).toBe(modules[start + offset]!.indexOf('conv 3x3/2') + 1);
    expect(d.message).toContain('3x3');
    expect(d.message).toContain('2x2x8');
    expect(d.related?.[0]?.span.file).toBe(FILE);
    expect([d.related![0]!.span.startLine, d.related![0]!.span.startColumn]).toEqual([4, 6]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Shapes and counts
// ---------------------------------------------------------------------------------------------------

describe('output shapes by hand', () => {
  test.each<[string, string[], Record<string, number[]>]>([
    [
      'SAME: ceil(in / s) per axis on odd sizes',
      [
        'network N {',
        '  input 17x13x3',
        '  a: conv 3x3/2 8', //        ceil(17 / 2) = 9, ceil(13 / 2) = 7
        '  b: conv 5x5/3 8', //        ceil(9 / 3) = 3, ceil(7 / 3) = 3
        '}',
      ],
      { a: [9, 7, 8], b: [3, 3, 8] },
    ],
    [
      'VALID: ceil((in - k + 1) / s) per axis on odd sizes',
      [
        'network N {',
        '  input 17x13x3',
        '  a: conv 3x3/2 8 valid', //   ceil(15 / 2) = 8, ceil(11 / 2) = 6
        '  b: conv 3x3 8 valid', //     8 - 2 = 6, 6 - 2 = 4
        '}',
      ],
      { a: [8, 6, 8], b: [6, 4, 8] },
    ],
    [
      'the aux-head pool: 5x5/3 VALID on 17x17 gives 5x5; on 299 a 3x3/2 VALID gives 149',
      [
        'network N {',
        '  input 299x299x3',
        '  a: conv 3x3/2 4 valid', //    ceil(297 / 2) = 149
        '  b: maxpool 3x3/2 valid', //   ceil(147 / 2) = 74
        '  c: conv 3x3/4 4 valid', //    ceil(72 / 4) = 18
        '  d: avgpool 5x5/3 valid', //   ceil(14 / 3) = 5
        '}',
      ],
      { a: [149, 149, 4], b: [74, 74, 4], c: [18, 18, 4], d: [5, 5, 4] },
    ],
    [
      'asymmetric strides /2x1 and /1x2',
      [
        'network N {',
        '  input 15x15x3',
        '  a: conv 3x3/2x1 4', //          SAME: ceil(15 / 2) = 8, 15
        '  b: maxpool 3x3/1x2 valid', //   VALID: 8 - 2 = 6, ceil(13 / 2) = 7
        '  c: conv 1x1 4 stride=3x2', //   SAME: ceil(6 / 3) = 2, ceil(7 / 2) = 4
        '}',
      ],
      { a: [8, 15, 4], b: [6, 7, 4], c: [2, 4, 4] },
    ],
  ])('%s', (_title, lines, shapes) => {
    expectShapes(graphOf(src(...lines)), shapes);
  });

  test('asymmetric kernels 1x7 and 7x1, SAME and VALID', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 9x11x3',
        '  a: conv 1x7 4', //            SAME keeps 9x11
        '  b: conv 1x7 4 valid', //      H 9 - 1 + 1 = 9, W 11 - 7 + 1 = 5
        '  c: conv 7x1 4 valid', //      H 9 - 7 + 1 = 3, W 5
        '}',
      ),
    );
    expectShapes(g, { a: [9, 11, 4], b: [9, 5, 4], c: [3, 5, 4] });
    // Multiply-adds of b: 9 * 5 positions * 1 * 7 * 4 (cin) * 4 = 5040
    expect(node(g, 'b').macs).toBe(9 * 5 * 7 * 4 * 4);
  });

  test('pools: the stride defaults to 1 (not to the window), padding to SAME', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 35x35x16',
        '  a: maxpool 3x3', //           SAME /1: 35
        '  b: maxpool 2x2 valid', //     35 - 2 + 1 = 34
        '  c: avgpool 3x3/2', //         SAME /2: ceil(34 / 2) = 17
        '  d: avgpool kernel=2', //      an integer n means n x n: SAME /1 -> 17
        '}',
      ),
    );
    expectShapes(g, { a: [35, 35, 16], b: [34, 34, 16], c: [17, 17, 16], d: [17, 17, 16] });
    for (const n of ['a', 'b', 'c', 'd']) {
      expect(node(g, n).params).toEqual({ trainable: 0, nonTrainable: 0 });
      expect(node(g, n).macs).toBe(0);
    }
  });

  test('concat adds channels; a nested concat (Figure 7 style) too', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 8x8x16',
        '  m: concat {',
        '    conv 1x1 4', //                                   4
        '    b2: conv 1x1 6 -> concat { conv 1x3 5; conv 3x1 5 }', // 5 + 5 = 10
        '    b3: avgpool 3x3 -> conv 1x1 3', //                3
        '  }',
        '}',
      ),
    );
    expect(node(g, 'm').shape).toEqual([8, 8, 4 + 10 + 3]);
  });

  test('a repeat of SAME/VALID pairs', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 20x20x3',
        // 20 -> ceil(18/2) = 9 -> ceil(7/2) = 4 -> ceil(2/2) = 1
        '  s1..s3: repeat 3 { conv 3x3 8 -> conv 3x3/2 8 valid }',
        '}',
      ),
    );
    expect(g.nodes[g.output]!.shape).toEqual([1, 1, 8]);
    expect(node(g, 's1').shape).toEqual([9, 9, 8]);
    expect(node(g, 's2').shape).toEqual([4, 4, 8]);
  });
});

describe('parameter and multiply-add counts by hand', () => {
  test('conv with a bias (the default), no batch norm', () => {
    const g = graphOf(src('network N {', '  input 8x8x3', '  conv 3x3 8', '}'));
    // kernel 3 * 3 * 3 * 8 = 216, bias 8 -> 224; SAME 8x8: 64 * 216 = 13,824 multiply-adds
    expect(node(g, 'conv1').params).toEqual({ trainable: 224, nonTrainable: 0 });
    expect(node(g, 'conv1').macs).toBe(13824);
  });

  test('batch norm: gamma only with bn_scale; moving mean and variance non-trainable', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 4x4x16',
        '  a: conv 1x1 32 bias=false bn=true', //                  1*1*16*32 = 512; gamma + beta 2 * 32 = 64; 64 moving
        '  b: conv 1x1 32 bias=false bn=true bn_scale=false', //   1*1*32*32 = 1,024 + beta 32; 64 moving
        '  c: conv 1x1 32 bn=true bn_scale=false', //              1,024 + bias 32 + beta 32; 64 moving
        '  d: batchnorm', //                                        gamma + beta 2 * 32 = 64; 64 moving
        '  e: batchnorm scale=false', //                            beta 32; 64 moving
        '}',
      ),
    );
    expect(node(g, 'a').params).toEqual({ trainable: 576, nonTrainable: 64 });
    expect(node(g, 'b').params).toEqual({ trainable: 1056, nonTrainable: 64 });
    expect(node(g, 'c').params).toEqual({ trainable: 1088, nonTrainable: 64 });
    expect(node(g, 'd').params).toEqual({ trainable: 64, nonTrainable: 64 });
    expect(node(g, 'e').params).toEqual({ trainable: 32, nonTrainable: 64 });
    // Multiply-adds: 4*4 positions * 16 * 32 = 8,192 for a; 4*4 * 32 * 32 = 16,384 for b and c; none for batch norm.
    expect(node(g, 'a').macs).toBe(8192);
    expect(node(g, 'b').macs).toBe(16384);
    expect(node(g, 'c').macs).toBe(16384);
    expect(node(g, 'd').macs).toBe(0);
  });

  test('dense after flatten and after gap', () => {
    const g = graphOf(
      src(
        'network N {',
        '  input 4x4x2',
        '  concat {',
        '    f: flatten -> d1: dense 10', //                4 * 4 * 2 = 32; 32 * 10 + 10 = 330; 320 macs
        '    g: gap -> d2: dense 10 bias=false', //         2; 2 * 10 = 20; 20 macs
        '  }',
        '}',
      ),
    );
    // A label before a chain of several layers names the chain's scope: f/flatten1, f/d1.
    expect(node(g, 'f/flatten1').shape).toEqual([32]);
    expect(node(g, 'f/d1').params).toEqual({ trainable: 330, nonTrainable: 0 });
    expect(node(g, 'f/d1').macs).toBe(320);
    expect(node(g, 'g/gap1').shape).toEqual([2]);
    expect(node(g, 'g/d2').params).toEqual({ trainable: 20, nonTrainable: 0 });
    expect(node(g, 'g/d2').macs).toBe(20);
    expect(g.nodes[g.output]!.shape).toEqual([20]); // vectors concatenate too
  });

  test('a small network, totals by hand', () => {
    const g = graphOf(
      src(
        'network Small {',
        '  input 32x32x3',
        '  stem: conv 3x3/2 16 valid bias=false bn=true bn_scale=false act=relu',
        '  pool: maxpool 3x3/2',
        '  concat {',
        '    a: conv 1x1 8',
        '    b: conv 3x3 8 bias=false bn=true',
        '  }',
        '  gap',
        '  dense 10 act=softmax',
        '}',
      ),
    );
    // stem:  VALID /2: ceil((32 - 3 + 1) / 2) = 15 -> 15x15x16; 3*3*3*16 = 432 + beta 16; 32 moving;
    //        macs 15 * 15 * 432 = 97,200
    // pool:  SAME /2: ceil(15 / 2) = 8 -> 8x8x16
    // a:     1*1*16*8 = 128 + bias 8 = 136; macs 64 * 128 = 8,192
    // b:     3*3*16*8 = 1,152 + gamma 8 + beta 8; 16 moving; macs 64 * 1,152 = 73,728
    // concat 8x8x16 -> gap 16 -> dense 16*10 + 10 = 170; macs 160
    expect(node(g, 'stem').shape).toEqual([15, 15, 16]);
    expect(node(g, 'pool').shape).toEqual([8, 8, 16]);
    expect(node(g, 'concat1').shape).toEqual([8, 8, 16]);
    expect(g.nodes[g.output]!.shape).toEqual([10]);
    const p = totalParams(g.nodes);
    expect(p.trainable).toBe(432 + 16 + 136 + 1152 + 16 + 170); // 1,922
    expect(p.nonTrainable).toBe(32 + 16); // 48
    expect(p.total).toBe(1970);
    expect(totalMacs(g.nodes)).toBe(97200 + 8192 + 73728 + 160); // 179,280
  });

  test('Figure 10 on the 35x35x288 grid (mixed3 of Inception-v3)', () => {
    const g = graphOf(
      src('import { Figure10 } from "std/modules"', 'network N {', '  input 35x35x288', '  r: Figure10()', '}'),
    );
    // 3x3/2 VALID: ceil(33 / 2) = 17. Channels 384 + 96 + 288 (the max pool keeps its input's) = 768.
    expect(node(g, 'r').shape).toEqual([17, 17, 768]);
    // Weights: 3*3*288*384 = 995,328; 1*1*288*64 = 18,432; 3*3*64*96 = 55,296; 3*3*96*96 = 82,944.
    // Batch norm (no scale, as the stdlib's defaults): beta trainable, 2 moving per channel, over
    // 384 + 64 + 96 + 96 = 640 channels.
    const weights = 995328 + 18432 + 55296 + 82944; // 1,152,000
    const p = totalParams(g.nodes);
    expect(p.trainable).toBe(weights + 640);
    expect(p.nonTrainable).toBe(2 * 640);
    // macs: 17*17*995,328 + 35*35*18,432 + 35*35*55,296 + 17*17*82,944
    expect(totalMacs(g.nodes)).toBe(289 * 995328 + 1225 * 18432 + 1225 * 55296 + 289 * 82944);
  });
});
