/**
 * std/rules `asymmetric` (paper section 3.2): an n x n convolution becomes 1 x n then n x 1, only on
 * grids between `low` and `high` (12..20 by default). Also: nx1_first, strides split by axis, VALID kept,
 * targets, a rule never matching its own output, and the order of overlapping rules.
 * Expected values are worked out by hand in the comments (TensorFlow's SAME: ceil(in / s); VALID:
 * ceil((in - k + 1) / s); Keras parameter counts, spec/ir.md).
 */
import { buildText, convFacts, convOf, graphOf, names, node } from './helpers/rules.js';

const header = `import { asymmetric, factor_5x5 } from "std/rules"
defaults conv(bias=false, bn=true, bn_scale=false, act=relu)
`;

/** Receptive field along one axis of a chain of [kernel, stride] layers: 1 + sum (k_i - 1) * prod_{j<i} s_j. */
function receptiveField(...chain: [number, number][]): number {
  let rf = 1;
  let jump = 1;
  for (const [k, s] of chain) {
    rf += (k - 1) * jump;
    jump *= s;
  }
  return rf;
}

// Three 7x7 convolutions on three grids: 35x35 (a), 17x17 (b) and 8x8 (c).
//   input 35x35x16 -> a: 35x35x32 -> 3x3/2 valid: ceil((35 - 2) / 2) = 17 -> b: 17x17x32
//   -> 3x3/2 valid: ceil((17 - 2) / 2) = 8 -> c: 8x8x32
const threeGrids = (apply: string) => `${header}
network ThreeGrids {
  input 35x35x16
  a: conv 7x7 32
  conv 3x3/2 32 valid
  b: conv 7x7 32
  conv 3x3/2 32 valid
  c: conv 7x7 32
  gap
  dense 10
  ${apply}
}
`;

describe('asymmetric(7): the 12..20 guard', () => {
  const g = graphOf(threeGrids('apply asymmetric'));

  test('only the 7x7 on the 17x17 grid is factorized', () => {
    expect(names(g)).toEqual(['input', 'a', 'conv1', 'b/conv1', 'b', 'conv2', 'c', 'gap1', 'dense1']);
    // 35 > 20 and 8 < 12: left alone.
    expect(convOf(g, 'a')).toEqual(convFacts([7, 7], [1, 1], 'same', 32, [35, 35, 32]));
    expect(convOf(g, 'c')).toEqual(convFacts([7, 7], [1, 1], 'same', 32, [8, 8, 32]));
    // 17 in 12..20: 1x7 (mid = filters = 32) then 7x1, the second taking the original's name.
    expect(convOf(g, 'b/conv1')).toEqual(convFacts([1, 7], [1, 1], 'same', 32, [17, 17, 32]));
    expect(convOf(g, 'b')).toEqual(convFacts([7, 1], [1, 1], 'same', 32, [17, 17, 32]));
    expect(node(g, 'b').inputs.map((i) => g.nodes[i]!.name)).toEqual(['b/conv1']);
    expect(node(g, 'b/conv1').inputs.map((i) => g.nodes[i]!.name)).toEqual(['conv1']);
    expect(node(g, 'conv2').inputs.map((i) => g.nodes[i]!.name)).toEqual(['b']);
  });

  test('each factor keeps the original options (no bias, BN without scale, ReLU) and records the rewrite', () => {
    for (const name of ['b/conv1', 'b']) {
      const n = node(g, name);
      expect(n.attrs).toMatchObject({ op: 'conv', bias: false, bn: { scale: false }, activation: 'relu' });
      expect(n.rewrite).toMatchObject({ rule: 'asymmetric', replaced: 'b' });
    }
  });

  test('parameters and multiply-adds of the factors, by hand', () => {
    // 1x7 32 -> 32: 7*32*32 = 7,168 weights; BN on 32 channels: 32 beta + 64 moving statistics.
    expect(node(g, 'b/conv1').params).toEqual({ trainable: 7168 + 32, nonTrainable: 64 });
    expect(node(g, 'b').params).toEqual({ trainable: 7168 + 32, nonTrainable: 64 });
    // 17*17 = 289 positions x 7,168 = 2,071,552 each.
    expect(node(g, 'b/conv1').macs).toBe(2_071_552);
    expect(node(g, 'b').macs).toBe(2_071_552);
    // The unfactorized ones are untouched: a = 35*35*49*16*32 = 30,732,800.
    expect(node(g, 'a').macs).toBe(30_732_800);
  });

  test.each([
    [11, false],
    [12, true],
    [20, true],
    [21, false],
  ])('input grid %i: factorized %s (both ends of 12..20 included)', (side, expected) => {
    const gg = graphOf(`${header}
network Edge {
  input ${side}x${side}x4
  t: conv 7x7 8
  apply asymmetric
}
`);
    expect(gg.nodes.some((n) => n.name === 't/conv1')).toBe(expected);
    expect(convOf(gg, 't').kernel).toEqual(expected ? [7, 1] : [7, 7]);
  });

  test('an oblong grid is judged by its smaller side (grid = min(h, w))', () => {
    // 17x40: grid = 17, matched; 40x25: grid = 25, not.
    const gg = graphOf(`${header}
network Oblong {
  input 17x40x4
  t: conv 7x7 8
  apply asymmetric
}
`);
    expect(convOf(gg, 't/conv1')).toMatchObject({ kernel: [1, 7], shape: [17, 40, 8] });
    const r = buildText(`${header}
network Oblong2 {
  input 40x25x4
  t: conv 7x7 8
  apply asymmetric
}
`);
    expect(r.graph && convOf(r.graph, 't').kernel).toEqual([7, 7]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['rule-matches-nothing']);
  });

  test('low and high are parameters', () => {
    // low=30, high=40: only the 35x35 one (a).
    const g35 = graphOf(threeGrids('apply asymmetric(low=30, high=40)'));
    expect(names(g35)).toEqual(['input', 'a/conv1', 'a', 'conv1', 'b', 'conv2', 'c', 'gap1', 'dense1']);
    // low=high=8: only c.
    const g8 = graphOf(threeGrids('apply asymmetric(low=8, high=8)'));
    expect(names(g8)).toEqual(['input', 'a', 'conv1', 'b', 'conv2', 'c/conv1', 'c', 'gap1', 'dense1']);
    expect(convOf(g8, 'c/conv1').shape).toEqual([8, 8, 32]);
    // 0..100: all three.
    const gall = graphOf(threeGrids('apply asymmetric(low=0, high=100)'));
    expect(
      gall.nodes.filter((n) => n.attrs.op === 'conv' && n.attrs.kernel[0] === 7 && n.attrs.kernel[1] === 7),
    ).toEqual([]);
    expect(gall.nodes).toHaveLength(8 + 3); // input, a, conv1, b, conv2, c, gap1, dense1 + one more per 7x7
  });

  test('mid and first_act set the first factor', () => {
    const gg = graphOf(threeGrids('apply asymmetric(mid=24, first_act=linear)'));
    expect(convOf(gg, 'b/conv1')).toMatchObject({ kernel: [1, 7], filters: 24, shape: [17, 17, 24] });
    expect(node(gg, 'b/conv1').attrs).toMatchObject({ activation: 'linear' });
    expect(convOf(gg, 'b')).toMatchObject({ kernel: [7, 1], filters: 32, shape: [17, 17, 32] });
    expect(node(gg, 'b').attrs).toMatchObject({ activation: 'relu' });
    // 1x7 32 -> 24 = 5,376 weights, 7x1 24 -> 32 = 5,376.
    expect(node(gg, 'b/conv1').params.trainable).toBe(7 * 32 * 24 + 24);
    expect(node(gg, 'b').params.trainable).toBe(7 * 24 * 32 + 32);
  });
});

describe('asymmetric: order, strides and padding', () => {
  test('nx1_first puts the 7x1 first', () => {
    const g = graphOf(threeGrids('apply asymmetric(nx1_first=true)'));
    expect(names(g)).toEqual(['input', 'a', 'conv1', 'b/conv1', 'b', 'conv2', 'c', 'gap1', 'dense1']);
    expect(convOf(g, 'b/conv1')).toMatchObject({ kernel: [7, 1], stride: [1, 1], shape: [17, 17, 32] });
    expect(convOf(g, 'b')).toMatchObject({ kernel: [1, 7], stride: [1, 1], shape: [17, 17, 32] });
  });

  const strided = (padding: string, nx1First: boolean) => `${header}
network Strided {
  input 19x19x8
  s: conv 7x7/2 16 ${padding}
  apply asymmetric${nx1First ? '(nx1_first=true)' : ''}
}
`;

  test('a strided SAME 7x7 on 19x19: the stride is split by axis; grid and receptive field kept', () => {
    // Original: SAME, ceil(19 / 2) = 10 -> 10x10x16; receptive field 7 x 7.
    const g = graphOf(strided('same', false));
    // 1x7 with stride 1x2: H = ceil(19 / 1) = 19, W = ceil(19 / 2) = 10.
    expect(convOf(g, 's/conv1')).toEqual(convFacts([1, 7], [1, 2], 'same', 16, [19, 10, 16]));
    // 7x1 with stride 2x1: H = ceil(19 / 2) = 10, W = 10.
    expect(convOf(g, 's')).toEqual(convFacts([7, 1], [2, 1], 'same', 16, [10, 10, 16]));
    // Receptive fields: height (1, s1) then (7, s2) = 1 + 0 + 6*1 = 7; width (7, s2) then (1, s1) = 1 + 6 + 0 = 7.
    expect(receptiveField([1, 1], [7, 2])).toBe(7);
    expect(receptiveField([7, 2], [1, 1])).toBe(7);
    // Putting the whole stride on the first factor would shrink the field: height (1, s2) then (7, s1) = 1 + 6*2 = 13.
    expect(receptiveField([1, 2], [7, 1])).toBe(13);
    // Multiply-adds: 19*10 positions x 7*8*16 + 10*10 x 7*16*16 = 190*896 + 100*1792 = 170,240 + 179,200.
    expect(node(g, 's/conv1').macs + node(g, 's').macs).toBe(349_440);
  });

  test('the same with nx1_first: 7x1/2x1 then 1x7/1x2', () => {
    const g = graphOf(strided('same', true));
    // 7x1 stride 2x1: 10 x 19; then 1x7 stride 1x2: 10 x 10.
    expect(convOf(g, 's/conv1')).toMatchObject({ kernel: [7, 1], stride: [2, 1], shape: [10, 19, 16] });
    expect(convOf(g, 's')).toMatchObject({ kernel: [1, 7], stride: [1, 2], shape: [10, 10, 16] });
  });

  test('VALID stays VALID on both factors, and the output grid is kept', () => {
    // Original: ceil((19 - 7 + 1) / 2) = ceil(6.5) = 7 -> 7x7x16.
    const before = graphOf(strided('valid', false).replace('apply asymmetric', ''));
    expect(convOf(before, 's').shape).toEqual([7, 7, 16]);
    const g = graphOf(strided('valid', false));
    // 1x7/1x2 valid: H = 19 - 1 + 1 = 19, W = ceil(13 / 2) = 7; 7x1/2x1 valid: H = ceil(13 / 2) = 7, W = 7.
    expect(convOf(g, 's/conv1')).toEqual(convFacts([1, 7], [1, 2], 'valid', 16, [19, 7, 16]));
    expect(convOf(g, 's')).toEqual(convFacts([7, 1], [2, 1], 'valid', 16, [7, 7, 16]));
  });

  test('VALID, unstrided: 17x17 -> 11x11 through 17x11', () => {
    const g = graphOf(`${header}
network Valid {
  input 17x17x8
  v: conv 7x7 16 valid
  apply asymmetric
}
`);
    // 1x7 valid: 17 x 11; 7x1 valid: 11 x 11 = the original's 17 - 6.
    expect(convOf(g, 'v/conv1')).toMatchObject({ padding: 'valid', shape: [17, 11, 16] });
    expect(convOf(g, 'v')).toMatchObject({ padding: 'valid', shape: [11, 11, 16] });
  });
});

describe('targets', () => {
  // Three instances of a module with a 7x7 inside, all on 17x17.
  const modules = (apply: string) => `${header}
block M(c: int) {
  concat {
    b1: conv 1x1 c
    b7: conv 1x1 c -> conv 7x7 c
  }
}
network Targets {
  input 17x17x32
  mixed4..mixed6: repeat 3 { M(16) }
  ${apply}
}
`;
  const factorized = (g: ReturnType<typeof graphOf>) => g.nodes.filter((n) => n.rewrite).map((n) => n.name);

  test('apply asymmetric to mixed4: only inside mixed4', () => {
    const g = graphOf(modules('apply asymmetric to mixed4'));
    expect(factorized(g)).toEqual(['mixed4/b7/conv2/conv1', 'mixed4/b7/conv2']);
    expect(convOf(g, 'mixed5/b7/conv2').kernel).toEqual([7, 7]);
    expect(convOf(g, 'mixed6/b7/conv2').kernel).toEqual([7, 7]);
  });

  test('a range and a path', () => {
    const g = graphOf(modules('apply asymmetric to mixed5..mixed6'));
    expect(factorized(g)).toEqual([
      'mixed5/b7/conv2/conv1',
      'mixed5/b7/conv2',
      'mixed6/b7/conv2/conv1',
      'mixed6/b7/conv2',
    ]);
    const p = graphOf(modules('apply asymmetric to mixed6/b7'));
    expect(factorized(p)).toEqual(['mixed6/b7/conv2/conv1', 'mixed6/b7/conv2']);
  });

  test('--rules with a target, after the file has none', () => {
    const g = graphOf(modules(''), { rules: ['asymmetric to mixed5'] });
    expect(factorized(g)).toEqual(['mixed5/b7/conv2/conv1', 'mixed5/b7/conv2']);
  });
});

describe('rewriting terminates, and rules apply in order', () => {
  const one = (kernel: string, applies: string[]) => `${header}
network One {
  input 17x17x8
  t: conv ${kernel} 16
  ${applies.join('\n  ')}
}
`;

  test('asymmetric(3) on a 3x3 makes 1x3 and 3x1, which asymmetric(3) no longer matches', () => {
    const r = buildText(one('3x3', ['apply asymmetric(3)', 'apply asymmetric(3)']));
    expect(names(r.graph!)).toEqual(['input', 't/conv1', 't']);
    expect(convOf(r.graph!, 't/conv1').kernel).toEqual([1, 3]);
    expect(convOf(r.graph!, 't').kernel).toEqual([3, 1]);
    expect(r.applications).toHaveLength(1);
    // The second apply finds nothing to do: a warning, not an error.
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['rule-matches-nothing', 'warning']]);
  });

  test('a rule whose output matches its own pattern (asymmetric(1): 1x1 -> 1x1 + 1x1) runs once per apply', () => {
    const once = buildText(one('1x1', ['apply asymmetric(1)']));
    expect(names(once.graph!)).toEqual(['input', 't/conv1', 't']);
    expect(once.applications).toHaveLength(1);
    // Each apply is one pass over the nodes that existed before it: two applies, two more levels.
    const twice = buildText(one('1x1', ['apply asymmetric(1)', 'apply asymmetric(1)']));
    expect(names(twice.graph!)).toEqual(['input', 't/conv1/conv1', 't/conv1', 't/conv2', 't']);
    expect(twice.applications).toHaveLength(3);
  });

  test('factor_5x5 then asymmetric(3) chains as the paper does: 5x5 -> 3x3, 3x3 -> 1x3, 3x1, 1x3, 3x1', () => {
    const r = buildText(one('5x5', ['apply factor_5x5', 'apply asymmetric(3)']));
    const g = r.graph!;
    // factor_5x5 gives t/conv1 (3x3) and t (3x3); asymmetric(3) splits t/conv1 into t/conv1/conv1 (1x3) and
    // t/conv1 (3x1), then t into t/conv2 (1x3, the first free conv<k> under t) and t (3x1).
    expect(names(g)).toEqual(['input', 't/conv1/conv1', 't/conv1', 't/conv2', 't']);
    expect(['t/conv1/conv1', 't/conv1', 't/conv2', 't'].map((n) => convOf(g, n).kernel)).toEqual([
      [1, 3],
      [3, 1],
      [1, 3],
      [3, 1],
    ]);
    for (const n of ['t/conv1/conv1', 't/conv1', 't/conv2', 't']) expect(convOf(g, n).shape).toEqual([17, 17, 16]);
    expect(r.applications.map((a) => `${a.rule}@${a.before.map((b) => b.name).join(',')}`)).toEqual([
      'factor_5x5@t',
      'asymmetric@t/conv1',
      'asymmetric@t',
    ]);
    // Weights: 8 -> 16 then 16 -> 16 three times: 3*8*16 + 3*16*16*3 = 384 + 2,304 = 2,688, against the
    // 5x5's 25*8*16 = 3,200.
    const weights = g.nodes.reduce((s, n) => s + (n.attrs.op === 'conv' ? n.params.trainable - n.attrs.filters : 0), 0);
    expect(weights).toBe(2688);
  });

  /** Each node's kernel (`3x3`) if it is a conv, else its op. */
  const kernels = (g: ReturnType<typeof graphOf>) =>
    g.nodes.map((n) => (n.attrs.op === 'conv' ? n.attrs.kernel.join('x') : n.attrs.op));

  test('overlapping rules: the first apply wins on a node; the second sees its result', () => {
    // Both factor_5x5 and asymmetric(5) match a 5x5 on 17x17.
    const a = buildText(one('5x5', ['apply factor_5x5', 'apply asymmetric(5)']));
    expect(kernels(a.graph!)).toEqual(['input', '3x3', '3x3']);
    expect(a.applications.map((x) => x.rule)).toEqual(['factor_5x5']);
    expect(a.diagnostics.map((d) => d.message)).toEqual(['rule asymmetric matches nothing in network One']);

    const b = buildText(one('5x5', ['apply asymmetric(5)', 'apply factor_5x5']));
    expect(kernels(b.graph!)).toEqual(['input', '1x5', '5x1']);
    expect(b.applications.map((x) => x.rule)).toEqual(['asymmetric']);
    expect(b.diagnostics.map((d) => d.message)).toEqual(['rule factor_5x5 matches nothing in network One']);
  });

  test("--rules come after the file's own applies", () => {
    const r = buildText(one('5x5', ['apply factor_5x5']), { rules: ['asymmetric(3)'] });
    expect(r.applications.map((x) => x.rule)).toEqual(['factor_5x5', 'asymmetric', 'asymmetric']);
    expect(r.graph!.nodes).toHaveLength(5);
  });

  test('the same input gives the same result (order of applications and names)', () => {
    const text = one('5x5', ['apply factor_5x5', 'apply asymmetric(3)']);
    const first = buildText(text);
    const second = buildText(text);
    expect(names(second.graph!)).toEqual(names(first.graph!));
    expect(second.applications.map((a) => a.after.map((n) => n.name))).toEqual(
      first.applications.map((a) => a.after.map((n) => n.name)),
    );
  });
});

describe('a replacement that makes no layer', () => {
  // `replace if false { ... }` takes no branch: the matched layer is removed and its consumers read the
  // node before it, which keeps its own name.
  const text = `rule drop_dropout() {
  match dropout
  replace if false { dropout rate }
}
network N {
  input 8x8x3
  c: conv 3x3 8
  flatten
  d: dropout 0.5
  dense 10
  apply drop_dropout
}
`;

  test('the layer is removed; no other node is renamed', () => {
    const r = buildText(text);
    // Before: input, c, flatten1, d, dense1; after: d is gone and dense1 reads flatten1.
    expect(names(r.graph!)).toEqual(['input', 'c', 'flatten1', 'dense1']);
    expect(node(r.graph!, 'dense1').inputs.map((i) => r.graph!.nodes[i]!.name)).toEqual(['flatten1']);
    expect(node(r.graph!, 'flatten1').attrs.op).toBe('flatten');
    expect(r.applications.map((a) => [a.before.map((n) => n.name), a.after.map((n) => n.name)])).toEqual([[['d'], []]]);
  });

  test('removing the layer an aux head reads, or the last layer', () => {
    const r = buildText(`rule drop_dropout() {
  match dropout
  replace if false { dropout rate }
}
network N {
  input 8x8x3
  c: conv 3x3 8
  gap
  d: dropout 0.5
  head: aux from d { dense 4 }
  apply drop_dropout
}
`);
    const g = r.graph!;
    expect(names(g)).toEqual(['input', 'c', 'gap1', 'head']);
    expect(g.nodes[g.output]!.name).toBe('gap1');
    expect(g.aux.map((a) => [a.name, g.nodes[a.from]!.name, g.nodes[a.output]!.name])).toEqual([
      ['head', 'gap1', 'head'],
    ]);
  });
});

describe('aux heads and rewritten nodes', () => {
  test('an aux head reading a factorized node reads its replacement (which keeps the name)', () => {
    const g = graphOf(`${header}
network A {
  input 17x17x8
  b: conv 7x7 16
  gap
  dense 4
  side: aux from b { gap; dense 2 }
  apply asymmetric
}
`);
    expect(g.aux.map((a) => g.nodes[a.from]!.name)).toEqual(['b']);
    expect(convOf(g, 'b').kernel).toEqual([7, 1]);
    expect(g.nodes[g.aux[0]!.from]!.id).toBe(node(g, 'b').id);
  });

  test('a pattern does not swallow a node an aux head reads (maxpool -> conv with an aux head on the pool)', () => {
    const r = buildText(
      `${header}
network P {
  input 34x34x64
  p: maxpool 3x3/2
  conv 3x3 128
  gap
  dense 4
  side: aux from p { gap; dense 2 }
  apply efficient_grid_reduction
}
`.replace('import { asymmetric, factor_5x5 }', 'import { efficient_grid_reduction }'),
    );
    expect(r.applications).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['rule-matches-nothing']);
  });
});
