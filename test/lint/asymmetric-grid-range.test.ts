/** asymmetric-grid-range: valid and invalid cases, and the grid each message names. */
import { lintText, testFindings } from '../helpers/lint.js';

const rule = 'asymmetric-grid-range';
const net = (input: string, body: string) =>
  `defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input ${input}\n${body}}\n`;

describe(rule, () => {
  testFindings(
    rule,
    [
      ['1x7 then 7x1 on 17x17 (Figure 6)', net('17x17x64', '  conv 1x7 64\n  conv 7x1 64\n')],
      ['the low end of the range, 12x12', net('12x12x64', '  conv 1x3 64\n')],
      ['the high end of the range, 20x20', net('20x20x64', '  conv 3x1 64\n')],
      ['square kernels on 35x35', net('35x35x64', '  conv 3x3 64\n  conv 1x1 64\n')],
      ['a 1x1 on 8x8', net('8x8x64', '  conv 1x1 64\n')],
      [
        'Figure 7: 1x3 || 3x1 on 8x8 from the same input',
        net('8x8x64', '  conv 1x1 64 -> concat {\n    conv 1x3 64\n    conv 3x1 64\n  }\n'),
      ],
      // 1x7/1x2 valid: 17x17 -> 17x6; its 7x1/2x1 partner runs on 17x6 but belongs to the pair that began on 17x17.
      [
        'a strided pair measured on the grid it began on',
        net('17x17x64', '  conv 1x7/1x2 64 valid\n  conv 7x1/2x1 64 valid\n'),
      ],
      ['1x7 on 35x35 with high = 40', net('35x35x64', '  conv 1x7 64\n'), { [rule]: ['warn', { high: 40 }] }],
      [
        '1x7 on 35x35 with its suppression',
        net('35x35x64', `  // incc-disable-next-line ${rule} -- as in the reference\n  conv 1x7 64\n`),
      ],
      [
        'the stdlib module Figure 6 on 17x17',
        `import { Figure6 } from "std/modules"\nnetwork N {\n  input 17x17x768\n  Figure6(128)\n}\n`,
      ],
      [
        'the stdlib module Figure 7 on 8x8',
        `import { Figure7 } from "std/modules"\nnetwork N {\n  input 8x8x1280\n  Figure7()\n}\n`,
      ],
    ],
    [
      ['1x7 on 35x35', net('35x35x64', '  conv 1x7 64\n'), [[4, 3, 'large']]],
      ['7x1 on 21x21, just above the range', net('21x21x64', '  big: conv 7x1 64\n'), [[4, 8, 'large']]],
      [
        'a 1x3 then 3x1 sequence on 8x8',
        net('8x8x64', '  conv 1x3 64\n  conv 3x1 64\n'),
        [
          [4, 3, 'small'],
          [5, 3, 'small'],
        ],
      ],
      ['on 11x11, just below the range', net('11x11x64', '  conv 1x3 64\n'), [[4, 3, 'small']]],
      ['an oblong 35x10 grid: its smaller side counts', net('35x10x64', '  conv 1x3 64\n'), [[4, 3, 'small']]],
      [
        'a 1x3 || 3x1 concat whose halves read different inputs',
        net('8x8x64', '  concat {\n    conv 1x3 64\n    conv 1x1 32 -> conv 3x1 64\n  }\n'),
        [
          [5, 5, 'small'],
          [6, 20, 'small'],
        ],
      ],
      [
        'Figure 7 with expandedFilterBanks off',
        net('8x8x64', '  concat {\n    conv 1x3 64\n    conv 3x1 64\n  }\n'),
        [
          [5, 5, 'small'],
          [6, 5, 'small'],
        ],
        { [rule]: ['warn', { expandedFilterBanks: false }] },
      ],
      [
        '1x7 on 17x17 with low = 18',
        net('17x17x64', '  conv 1x7 64\n'),
        [[4, 3, 'small']],
        { [rule]: ['warn', { low: 18 }] },
      ],
    ],
  );

  test('the message names the conv, its grid and the range', () => {
    const [m] = lintText(net('35x35x64', '  conv 1x7 96\n'), rule).messages;
    expect(m!.message).toBe(
      'conv 1x7 conv1 runs on the 35x35 grid (input 35x35x64), larger than 20: the paper found asymmetric 1 ' +
        'x n / n x 1 factorization to work poorly on early layers and well on grids of 12 to 20 (section 3.2); ' +
        'keep a square kernel here (two 3x3 for a 5x5 window) and factorize asymmetrically on the medium grid',
    );
  });

  test('a coarse grid points to Figure 7', () => {
    const [m] = lintText(net('8x8x64', '  conv 3x1 64\n'), rule).messages;
    expect(m!.message).toContain('conv 3x1 conv1 runs on the 8x8 grid (input 8x8x64), smaller than 12');
    expect(m!.message).toContain('parallel 1x3 and 3x1 branches, concatenated');
  });

  test('the second factor of a strided pair on 35x35 names the grid the pair began on, 35x35', () => {
    // conv 1x7/1x2 valid on 35x35 -> 35x15 (ceil((35-6)/2) = 15); conv 7x1/2x1 valid -> 15x15.
    const ms = lintText(net('35x35x64', '  conv 1x7/1x2 64 valid\n  conv 7x1/2x1 64 valid\n'), rule).messages;
    expect(ms.map((m) => m.message.slice(0, m.message.indexOf(':')))).toEqual([
      'conv 1x7 conv1 runs on the 35x35 grid (input 35x35x64), larger than 20',
      'conv 7x1 conv2 runs on the 35x35 grid (input 35x15x64), larger than 20',
    ]);
  });
});
