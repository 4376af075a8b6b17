/** missing-dimension-reduction: valid and invalid cases, with hand-computed savings. */
import { testFindings, testMessages } from '../helpers/lint.js';
import { lintStdlib, STDLIB_NETWORKS } from '../helpers/lint-stdlib.js';

const rule = 'missing-dimension-reduction';
// Lines 1-3; the first layer is on line 4, column 3.
const head = 'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 17x17x768\n';

describe(rule, () => {
  testFindings(
    rule,
    [
      ['a 1x1 reduction in front', `${head}  conv 1x1 192 -> conv 3x3 192\n}\n`],
      // Any 1x1 in front counts: the rule asks for one, it does not judge its width.
      ['a widening 1x1 in front', `${head}  conv 1x1 1024 -> conv 3x3 192\n}\n`],
      // 192 < 256 channels: the Table 1 stem's conv 3x3 288 on 35x35x192.
      ['a narrow input', 'network N {\n  input 35x35x192\n  conv 3x3 288\n}\n'],
      ['a 1x3 (already factorized)', `${head}  conv 1x3 384\n}\n`],
      ['a 1x7 then 7x1', `${head}  conv 1x7 192 -> conv 7x1 192\n}\n`],
      // Figure 10's stride-2 branch on 288 channels: a grid reduction, left out by default.
      ['a strided conv', 'network N {\n  input 35x35x288\n  conv 3x3/2 384 valid\n}\n'],
      [
        'a 768-channel input under minInputChannels 1024',
        `${head}  conv 3x3 192\n}\n`,
        { [rule]: ['warn', { minInputChannels: 1024 }] },
      ],
      // conv 3x3 768 on 768 channels, r = 384: 44% saved (below), under a minSaving of 0.5.
      ['a saving under minSaving', `${head}  conv 3x3 768\n}\n`, { [rule]: ['warn', { minSaving: 0.5 }] }],
      [
        'a wide 3x3 with its suppression comment',
        `${head}  // incc-disable-next-line ${rule} -- the checkpoint has this layer\n  conv 3x3 192\n}\n`,
      ],
    ],
    [
      ['a 3x3 on 768 channels', `${head}  conv 3x3 192\n}\n`, [[4, 3, 'noReduction']]],
      ['a 5x5 on 768 channels', `${head}  conv 5x5 128\n}\n`, [[4, 3, 'noReduction']]],
      ['a 3x3 behind a pool', `${head}  avgpool 3x3\n  conv 3x3 192\n}\n`, [[5, 3, 'noReduction']]],
      [
        'a 3x3 in a concat branch',
        `${head}  concat {\n    conv 1x1 192\n    branch3x3: conv 3x3 192\n  }\n}\n`,
        [[6, 16, 'noReduction']],
      ],
      [
        'a strided conv with includeStrided',
        'network N {\n  input 35x35x288\n  conv 3x3/2 384 valid\n}\n',
        [[3, 3, 'noReduction']],
        { [rule]: ['warn', { includeStrided: true }] },
      ],
      [
        'a 3x3 on 192 channels under minInputChannels 128',
        'network N {\n  input 35x35x192\n  conv 3x3 288\n}\n',
        [[3, 3, 'noReduction']],
        { [rule]: ['warn', { minInputChannels: 128 }] },
      ],
    ],
  );

  testMessages(rule, [
    // conv 3x3 192 on 17x17x768, SAME: r = min(768 / 2, 192) = 192.
    // Before: 289*9*768*192 = 289 * 1,327,104 = 383,533,056 multiply-adds; 1,327,104 weights.
    // 1x1: 289*768*192 = 42,614,784; 3x3 on 192: 289*9*192*192 = 289 * 331,776 = 95,883,264.
    // After: 138,498,048; saved 245,035,008 (63.9%). Weights: 768*192 + 9*192*192 = 147,456 + 331,776 = 479,232.
    [
      'the message gives the 1x1, the smaller kxk and the saving: reduce to the output width',
      `${head}  conv 3x3 192\n}\n`,
      [
        'conv 3x3 192 conv1 aggregates over all 768 channels of 17x17x768 with no 1x1 reduction in front',
        'a conv 1x1 192 first (768 -> 192 channels, 42,614,784 multiply-adds) and the 3x3 on 192 channels (95,883,264)',
        'would cost 138,498,048 multiply-adds instead of 383,533,056 (245,035,008 fewer, 64%)',
        '479,232 weights instead of 1,327,104',
      ],
    ],
    // conv 3x3 768 on 17x17x768: r = min(384, 768) = 384.
    // Before: 289*9*768*768 = 289 * 5,308,416 = 1,534,132,224. 1x1: 289*768*384 = 85,229,568;
    // 3x3 on 384: 289*9*384*768 = 767,066,112. After: 852,295,680; saved 681,836,544 (44.4%).
    [
      'reduce to half the input width when the conv is wider than that',
      `${head}  conv 3x3 768\n}\n`,
      [
        'a conv 1x1 384 first (768 -> 384 channels, 85,229,568 multiply-adds) and the 3x3 on 384 channels ' +
          '(767,066,112)',
        '852,295,680 multiply-adds instead of 1,534,132,224 (681,836,544 fewer, 44%)',
      ],
    ],
    // conv 3x3/2 384 valid on 35x35x288 -> 17x17x384. Before: 289*9*288*384 = 287,649,792.
    // r = min(144, 384) = 144. 1x1 at 35x35: 1,225*288*144 = 50,803,200; 3x3/2 on 144: 289*9*144*384 =
    // 143,824,896. After: 194,628,096; saved 93,021,696 (32.3%).
    [
      'a strided conv: the 1x1 runs at the input grid',
      'network N {\n  input 35x35x288\n  conv 3x3/2 384 valid\n}\n',
      [
        'a conv 1x1 144 first (288 -> 144 channels, 50,803,200 multiply-adds) and the 3x3/2 on 144 channels ' +
          '(143,824,896)',
        '194,628,096 multiply-adds instead of 287,649,792 (93,021,696 fewer, 32%)',
      ],
      { [rule]: ['warn', { includeStrided: true }] },
    ],
    // conv 3x3 768 on 17x17x768 with reduction 4: r = 192. 1x1: 289*768*192 = 42,614,784;
    // 3x3: 289*9*192*768 = 383,533,056. After: 426,147,840 of 1,534,132,224: saved 1,107,984,384 (72.2%).
    [
      'the reduction option: reduce to a quarter',
      `${head}  conv 3x3 768\n}\n`,
      ['426,147,840 multiply-adds instead of 1,534,132,224 (1,107,984,384 fewer, 72%)'],
      { [rule]: ['warn', { reduction: 4 }] },
    ],
  ]);

  // Every spatial conv of the modules follows a 1x1; the stems' convs read 3 to 192 channels; the stride-2
  // branches of the grid reductions (Figure 10, 288 channels) are left out.
  test.each(STDLIB_NETWORKS)('%s is clean', (file) => {
    expect(lintStdlib(file, rule)).toEqual({ failures: [], messages: [], suppressed: [] });
  });
});
