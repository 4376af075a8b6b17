/** costly-grid-reduction: valid and invalid cases, with hand-computed multiply-adds. */
import { findings, testFindings, testMessages } from '../helpers/lint.js';
import { lintStdlib } from '../helpers/lint-stdlib.js';

const rule = 'costly-grid-reduction';
// Lines 1-3; the first layer is on line 4, column 3.
const head = 'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 64x64x32\n';

describe(rule, () => {
  testFindings(
    rule,
    [
      ['a conv that does not widen (32 -> 32)', `${head}  conv 3x3 32\n  maxpool 3x3/2\n}\n`],
      ['the parallel reduction of Figure 10', `${head}  concat {\n    conv 3x3/2 32\n    maxpool 3x3/2\n  }\n}\n`],
      ['a strided conv before the pool', `${head}  conv 3x3/2 64\n  maxpool 3x3/2\n}\n`],
      ['a stride-1 pool', `${head}  conv 3x3 64\n  maxpool 3x3\n}\n`],
      // VALID changes the grid: the parallel reduction on the conv's input would not give the pool's output grid.
      ['a VALID conv', `${head}  conv 3x3 64 valid\n  maxpool 3x3/2\n}\n`],
      // The conv's output is read by the pool and by a strided conv: it is needed at full resolution.
      ['a conv read by two layers', `${head}  conv 3x3 64\n  concat {\n    maxpool 3x3/2\n    conv 3x3/2 64\n  }\n}\n`],
      // A 1x1 conv: 64*64*32*64 = 8,388,608 multiply-adds; the 3x3/2 replacement 32*32*9*32*32 = 9,437,184, more.
      ['a 1x1 conv before a 3x3 pool', `${head}  conv 1x1 64\n  maxpool 3x3/2\n}\n`],
      // A 3x3 conv 32 -> 64: the replacement saves 87.5%, under a minSaving of 0.9.
      [
        'a saving under minSaving',
        `${head}  conv 3x3 64\n  maxpool 3x3/2\n}\n`,
        { [rule]: ['warn', { minSaving: 0.9 }] },
      ],
      [
        'a conv then pool with its suppression comment',
        `${head}  // incc-disable-next-line ${rule} -- the reference stem\n  conv 3x3 64\n  maxpool 3x3/2\n}\n`,
      ],
    ],
    [
      [
        'a 3x3 conv 32 -> 64 then a stride-2 max pool',
        `${head}  conv 3x3 64\n  maxpool 3x3/2\n}\n`,
        [[4, 3, 'convThenPool']],
      ],
      ['a 3x3 conv then a 2x2/2 average pool', `${head}  conv 3x3 64\n  avgpool 2x2/2\n}\n`, [[4, 3, 'convThenPool']]],
      ['in a chain with a label', `${head}  stem: conv 3x3 64 -> maxpool 3x3/2 valid\n}\n`, [[4, 9, 'convThenPool']]],
      [
        'in a concat branch',
        `${head}  concat {\n    conv 3x3 64 -> maxpool 3x3/2\n    conv 3x3/2 64\n  }\n}\n`,
        [[5, 5, 'convThenPool']],
      ],
    ],
  );

  testMessages(rule, [
    // conv 3x3 64 on 64x64x32, SAME: 64*64*9*32*64 = 4,096 * 18,432 = 75,497,472 multiply-adds.
    // maxpool 3x3/2 SAME -> 32x32x64. The replacement: conv 3x3/2 of 64 - 32 = 32 filters on 64x64x32 ->
    // 32x32x32: 32*32*9*32*32 = 1,024 * 9,216 = 9,437,184, beside the pool (no multiply-adds).
    // Saved 66,060,288 = 87.5%, shown as 88%.
    [
      'the message compares the full-resolution conv with the parallel reduction',
      `${head}  conv 3x3 64\n  maxpool 3x3/2\n}\n`,
      [
        'conv 3x3 64 conv1 runs at full resolution on 64x64x32 (75,497,472 multiply-adds)',
        'maxpool 3x3/2 maxpool1',
        'a stride-2 conv 3x3/2 of 32 filters beside the pool (Figure 10) gives the same 32x32x64 for 9,437,184 ' +
          'multiply-adds (66,060,288 fewer, 88%)',
        'apply std/rules efficient_grid_reduction_conv_pool',
      ],
    ],
    // conv 3x3 64 on 147x147x32: 147*147*9*32*64 = 21,609 * 18,432 = 398,297,088. maxpool 3x3/2 VALID:
    // ceil((147 - 2) / 2) = 73. Replacement: 73*73*9*32*32 = 5,329 * 9,216 = 49,112,064; saved 349,185,024 (87.7%).
    [
      'the Inception-v3 stem: a VALID pool gives a VALID stride-2 conv',
      'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 147x147x32\n  conv 3x3 64\n  ' +
        'maxpool 3x3/2 valid\n}\n',
      [
        'on 147x147x32 (398,297,088 multiply-adds)',
        'a stride-2 conv 3x3/2 valid of 32 filters beside the pool (Figure 10) gives the same 73x73x64 for ' +
          '49,112,064 multiply-adds (349,185,024 fewer, 88%)',
      ],
    ],
    // conv 3x3 64: 75,497,472. avgpool 2x2/2 SAME -> 32x32x64; replacement conv 2x2/2 of 32 filters:
    // 32*32*4*32*32 = 4,194,304; saved 71,303,168 (94.4%).
    [
      'an average pool: the same parallel reduction, written by hand',
      `${head}  conv 3x3 64\n  avgpool 2x2/2\n}\n`,
      [
        'a stride-2 conv 2x2/2 of 32 filters beside the pool (Figure 10) gives the same 32x32x64 for 4,194,304 ' +
          'multiply-adds (71,303,168 fewer, 94%)',
        'std/rules efficient_grid_reduction_conv_pool matches max pools only',
      ],
    ],
  ]);

  test('the rewrite std/rules proposes removes the finding', () => {
    const text =
      `import { efficient_grid_reduction_conv_pool } from "std/rules"\n${head}  conv 3x3 64\n  maxpool 3x3/2\n ` +
      ` apply efficient_grid_reduction_conv_pool\n}\n`;
    expect(findings(text, rule)).toEqual([]);
  });

  // The reference stems convolve at full resolution before a stride-2 max pool (Inception-v3 and Table 1:
  // conv 3x3 64 on 147x147x32; GoogLeNet: conv 3x3 192 on 56x56x64, 346,816,512 multiply-adds where the
  // parallel reduction would need 28*28*9*64*128 = 57,802,752). Each is suppressed with its reason; the
  // 79x79 network of std/lowres has no pool after its third conv, and the VALID conv 3x3 192 before the
  // second max pool of every stem is not reported (the parallel reduction would not keep its grid).
  test.each([
    ['stdlib/inception_v3.incp', ['conv3']],
    ['stdlib/inception_v2.incp', ['conv3']],
    ['stdlib/googlenet.incp', ['conv3']],
    ['stdlib/lowres.incp', ['conv3']],
    ['stdlib/table3.incp', ['conv1']],
  ] as [string, string[]][])('%s: only the suppressed stem', (file, nodes) => {
    const r = lintStdlib(file, rule);
    expect(r.failures).toEqual([]);
    expect(r.messages).toEqual([]);
    expect(r.suppressed.map((x) => x.replace(/^\d+: (\S+) .*$/, '$1'))).toEqual(nodes);
    for (const x of r.suppressed) expect(x).toMatch(/stem/);
  });
});
