/** width-depth-balance: valid and invalid cases, with hand-computed stage widths, depths and shares. */
import { testFindings, testMessages } from '../helpers/lint.js';
import { lintStdlib, STDLIB_NETWORKS } from '../helpers/lint-stdlib.js';

const rule = 'width-depth-balance';
// Lines 1-4; the first layer is on line 5, column 3.
const head =
  'import { Figure5, Figure6, Figure10 } from "std/modules"\ndefaults conv(bias=false, bn=true, ' +
  'act=relu)\nnetwork N {\n  input 35x35x288\n';
// A Figure 5 module on 35x35x288 (std/modules defaults, 288 channels out), per position:
// 288*64 + 288*48 + 9*48*64 + 288*64 + 9*64*96 + 9*96*96 + 288*64 = 235,008; *1,225 = 287,884,800 multiply-adds.

describe(rule, () => {
  testFindings(
    rule,
    [
      // 35x35 stage: depth 3, 288 channels; 17x17 stage: Figure 10's stride-2 conv then Figure 6's 5 convs
      // (depth 6), 768 channels (2.7x).
      [
        'a Figure 10 reduction and a Figure 6 module',
        `${head}  mixed0: Figure5()\n  mixed1: Figure10()\n  mixed2: Figure6(128)\n  gap\n  dense 10\n}\n`,
      ],
      // 35x35x64 -> conv 3x3 64 (depth 1) -> conv 3x3/2 192 valid: 17x17x192, 3.0x at depth 1: not more than 3.
      // Shares: 35x35: 1,225*9*64*64 = 45,158,400 (59%); 17x17: 289*9*64*192 = 31,961,088 (41%). The 35x35 stage
      // takes more than half, but no stage is deeper than 1: no imbalance between stages.
      [
        'a 3x growth at depth 1 (the reference stems)',
        'network N {\n  input 35x35x64\n  conv 3x3 64\n  conv 3x3/2 192 valid\n  gap\n}\n',
      ],
      // GoogLeNet's stem: the 112x112 stage (conv1, 64 channels from 3) is the first with a conv, not compared
      // with the input. 56x56: 1x1 64 then 3x3 192, depth 2, 3.0x.
      [
        'the first stage is not compared with the image',
        'network N {\n  input 224x224x3\n  conv 7x7/2 64\n  maxpool 3x3/2\n  conv 1x1 64\n  conv 3x3 192\n  gap\n}\n',
      ],
      // One stage: nothing to compare its width or its share with.
      ['a single stage', 'network N {\n  input 35x35x192\n  conv 3x3 1024\n  gap\n  dense 10\n}\n'],
      // Three Figure 5 (depth 9) then conv 3x3/2 1024: 3.6x, under a maxWidthGrowth of 4; its share is 47%.
      [
        'a 3.6x growth under maxWidthGrowth 4',
        `${head}  mixed0..mixed2: repeat 3 { Figure5() }\n  wide: conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
        { [rule]: ['info', { maxWidthGrowth: 4 }] },
      ],
      // One Figure 5, then conv 3x3/2 768 (67% of the multiply-adds) under a maxShare of 0.7.
      [
        'a 67% share under maxShare 0.7',
        `${head}  mixed0: Figure5()\n  wide: conv 3x3/2 768 valid\n  gap\n  dense 10\n}\n`,
        { [rule]: ['info', { maxShare: 0.7 }] },
      ],
      // shallowDepth 0: no stage with a conv is shallow.
      [
        'shallowDepth 0',
        `${head}  mixed0: Figure5()\n  wide: conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
        { [rule]: ['info', { shallowDepth: 0 }] },
      ],
      [
        'a wide layer with its suppression comment',
        `${head}  mixed0: Figure5()\n  // incc-disable-next-line ${rule} -- a deliberately wide probe\n  wide: ` +
          `conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
      ],
    ],
    [
      // 288 -> 1024 channels (3.6x) at depth 1; 47% of the multiply-adds (under 50%).
      [
        'a wide strided conv after three modules',
        `${head}  mixed0..mixed2: repeat 3 { Figure5() }\n  wide: conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
        [[6, 9, 'widthJump']],
      ],
      // 288 -> 768 (2.7x) at depth 1, 67% of the multiply-adds.
      [
        'a shallow stage with two thirds of the compute',
        `${head}  mixed0: Figure5()\n  wide: conv 3x3/2 768 valid\n  gap\n  dense 10\n}\n`,
        [[6, 9, 'computeShare']],
      ],
      // 288 -> 1024 (3.6x) at depth 1, 73%: both, in the order they are checked.
      [
        'both',
        `${head}  mixed0: Figure5()\n  wide: conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
        [
          [6, 9, 'widthJump'],
          [6, 9, 'computeShare'],
        ],
      ],
      // The stage entered by a pool: the 1x1 conv 1024 reaches the width (depth 1, 3.6x).
      [
        'a pool then a wide 1x1',
        `${head}  mixed0..mixed2: repeat 3 { Figure5() }\n  maxpool 3x3/2 valid\n  conv 1x1 1024\n  gap\n` +
          `  dense 10\n}\n`,
        [[7, 3, 'widthJump']],
      ],
    ],
  );

  testMessages(rule, [
    // 17x17 stage: conv 3x3/2 1024 valid on 35x35x288: 289*9*288*1,024 = 767,066,112 multiply-adds.
    // Total: 3 * 287,884,800 + 767,066,112 + 1,024*10 (dense) = 1,630,730,752; 767,066,112 / 1,630,730,752 = 47.0%.
    // Same cost, twice the depth: m with 288*m + m*m <= 288*1,024 = 294,912: m = floor((-288 + sqrt(288^2 +
    // 4*288*1,024)) / 2) = floor((-288 + 1,123.65) / 2) = 417; 288*417 + 417*417 = 120,096 + 173,889 = 293,985.
    [
      'widthJump: the widths, the depths, the share, and two layers for the same cost',
      `${head}  mixed0..mixed2: repeat 3 { Figure5() }\n  wide: conv 3x3/2 1024 valid\n  gap\n  dense 10\n}\n`,
      [
        'the 17x17 stage widens the representation from 288 channels (the 35x35 stage, depth 9) to 1024 (3.6x, ' +
          'more than 3x) at a depth of 1 convolution',
        'where conv 3x3/2 1024 wide reaches it; the stage does 47% of the multiply-adds',
        'a conv 3x3/2 417 then a conv 3x3 417 would give this grid twice the depth (288*417 + 417*417 = ' +
          '293,985 weights per kernel tap and output position, against 288*1024 = 294,912 for this one)',
      ],
    ],
    // 17x17: 289*9*288*768 = 575,299,584. Total: 287,884,800 + 575,299,584 + 768*10 = 863,192,064: 66.6%.
    // The 35x35 stage: depth 3 (1x1 -> 3x3 -> 3x3), 287,884,800 / 863,192,064 = 33.4%.
    [
      'computeShare: the stage share and the other stages',
      `${head}  mixed0: Figure5()\n  wide: conv 3x3/2 768 valid\n  gap\n  dense 10\n}\n`,
      [
        "the 17x17 stage does 67% of the network's 863,192,064 multiply-adds (575,299,584) at a depth of 1 " +
          'convolution and a width of 768, more than 50%',
        '(the others: 35x35 at depth 3, 33%)',
      ],
    ],
  ]);

  // Stages (width; depth; share of the multiply-adds). Inception-v3: 149/147 (64; 3; 11%), 73/71 (192; 2; 13%),
  // 35 (288; 11; 19%), 17 (768; 24; 44%), 8 (2048; 7; 13%). GoogLeNet: 112 (64; 1; 7.5%), 56 (192; 2; 23%),
  // 28 (480; 4; 27%), 14 (832; 10; 35%), 7 (1024; 4; 8%). No shallow stage grows more than 3x or takes half.
  test.each(STDLIB_NETWORKS)('%s is clean', (file) => {
    expect(lintStdlib(file, rule)).toEqual({ failures: [], messages: [], suppressed: [] });
  });
});
