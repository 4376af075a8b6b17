/** large-unfactorized-kernel: valid and invalid cases, with hand-computed savings. */
import { testFindings, testMessages } from '../helpers/lint.js';

const rule = 'large-unfactorized-kernel';
const head = 'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 35x35x64\n';

describe(rule, () => {
  testFindings(
    rule,
    [
      ['3x3 convs only', `${head}  conv 3x3 64\n  conv 3x3 64\n}\n`],
      ['a 1x7 then 7x1 pair', `${head}  conv 1x7 64\n  conv 7x1 64\n}\n`],
      ['a 5x5 under a minKernel of 7', `${head}  conv 5x5 64\n}\n`, { [rule]: ['warn', { minKernel: 7 }] }],
      [
        'a 5x5 with its suppression comment',
        `${head}  // incc-disable-next-line ${rule} -- kept for the pretrained weights\n  conv 5x5 64\n}\n`,
      ],
      ['a 7x1 (not square)', `${head}  conv 7x1 64\n}\n`],
    ],
    [
      ['a 5x5', `${head}  conv 5x5 64\n}\n`, [[4, 3, 'large']]],
      ['a 7x7 after a label', `${head}  big: conv 7x7 64\n}\n`, [[4, 8, 'large']]],
      [
        'two 5x5 in a concat',
        `${head}  concat {\n    conv 5x5 32\n    conv 1x1 8 -> conv 5x5 32\n  }\n}\n`,
        [
          [5, 5, 'large'],
          [6, 19, 'large'],
        ],
      ],
    ],
  );

  testMessages(rule, [
    // conv 5x5 64 on 35x35x64, SAME: 25*64*64 = 102,400 weights; two 3x3 at width 64: 2*9*64*64 = 73,728,
    // 28% fewer. Multiply-adds: 35*35*102,400 = 125,440,000 before; 35*35*73,728 = 90,316,800 after.
    [
      'the message gives the factorization saving at equal widths: 25 -> 18 weights per channel pair (28%)',
      `${head}  conv 5x5 64\n}\n`,
      [
        '73,728 weights instead of 102,400 (28% fewer)',
        '90,316,800 multiply-adds instead of 125,440,000 (28% fewer)',
        'factor_5x5',
      ],
    ],
    // conv 7x7/2 valid 64 on 35x35x64 -> 15x15x64 (ceil((35-6)/2) = 15).
    // Before: 49*64*64 = 200,704 weights; 15*15*200,704 = 45,158,400 multiply-adds.
    // After: 1x7/(1x2) valid: 35 x 15 grid, 7*64*64 = 28,672 weights -> 35*15*28,672 = 15,052,800;
    //        7x1/(2x1) valid: 15 x 15 grid, 28,672 weights -> 15*15*28,672 = 6,451,200. Total 57,344 weights
    //        (71% fewer) and 21,504,000 multiply-adds (52% fewer).
    [
      'a strided VALID 7x7: the asymmetric factorization splits the stride by axis',
      `${head}  conv 7x7/2 64 valid\n}\n`,
      [
        '57,344 weights instead of 200,704 (71% fewer)',
        '21,504,000 multiply-adds instead of 45,158,400 (52% fewer)',
        'asymmetric(n=7)',
      ],
    ],
    // conv 5x5 32 on 35x35x16 (GoogLeNet's 5x5 branch): 25*16*32 = 12,800 weights. Through 16 channels:
    // 9*16*16 + 9*16*32 = 6,912 (46% fewer); through 32 it would be 13,824, more than the 5x5.
    [
      'a widening 5x5 goes through the narrower width',
      'network N {\n  input 35x35x16\n  conv 5x5 32\n}\n',
      ['6,912 weights instead of 12,800 (46% fewer)', 'factor_5x5(mid=16)'],
    ],
  ]);
});
