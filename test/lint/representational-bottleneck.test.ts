/** representational-bottleneck: valid and invalid cases, with hand-computed representation sizes. */
import { lintText, testFindings, testMessages } from '../helpers/lint.js';
import { lintStdlib, STDLIB_NETWORKS } from '../helpers/lint-stdlib.js';

const rule = 'representational-bottleneck';
// Lines 1-3; the first layer is on line 4, column 3. 35x35x288 = 352,800 values.
const head = 'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 35x35x288\n';

describe(rule, () => {
  testFindings(
    rule,
    [
      // 35x35x288 -> 17x17x768: 352,800 -> 221,952 values, 1.6x.
      [
        'a Figure 10 reduction',
        `${head}  concat {\n    conv 3x3/2 384 valid\n    conv 1x1 64 -> conv 3x3 96 -> conv 3x3/2 96 valid\n  ` +
          `  maxpool 3x3/2 valid\n  }\n  gap\n  dense 10\n}\n`,
      ],
      // 352,800 -> 17x17x288 = 83,232: 4.2x, under the 5x allowed early; the 1x1 after it does not widen.
      ['a stride-2 pool at constant width', `${head}  maxpool 3x3/2 valid\n  conv 1x1 288\n  gap\n}\n`],
      // The classifier: a 1x1 map (global pooling) and everything after it are left out.
      [
        'global pooling by a 35x35 average pool, then the classifier',
        `${head}  avgpool 35x35 valid\n  flatten\n  dense 10\n}\n`,
      ],
      // The Inception-v3 stem: 147x147x64 -> 73x73x64 (4.05x), then 64 -> 80 channels (1.25x, under 1.5x).
      [
        'the Inception-v3 stem pool',
        'network N {\n  input 147x147x64\n  maxpool 3x3/2 valid\n  conv 1x1 80 valid\n  gap\n}\n',
      ],
      // The branch's 1x1 to 32 channels is not a trunk step: the concat keeps 64 + 224 = 288 channels.
      [
        'a 1x1 reduction inside a branch',
        `${head}  concat {\n    conv 1x1 32 -> conv 3x3 64\n    conv 1x1 224\n  }\n}\n`,
      ],
      // 288 -> 48 channels is 6x: over the 5x allowed early, under the 8x allowed later (earlyGrid 1: nothing is
      // early).
      [
        'a 6x compression where nothing counts as early',
        `${head}  conv 1x1 48\n}\n`,
        { [rule]: ['warn', { earlyGrid: 1 }] },
      ],
      // Pool, then 288 -> 576 channels (2x): under a poolWidening of 3.
      [
        'pool then widen 2x, under a poolWidening of 3',
        `${head}  maxpool 3x3/2 valid\n  conv 1x1 576\n}\n`,
        { [rule]: ['warn', { poolWidening: 3 }] },
      ],
      [
        'a compression with its suppression comment',
        `${head}  // incc-disable-next-line ${rule} -- a deliberate bottleneck for the ablation\n  conv 1x1 32\n}\n`,
      ],
    ],
    [
      // 352,800 -> 35x35x32 = 39,200: 9.0x, early (35 > 0.25 * 35).
      ['a 1x1 compressing 288 -> 32 channels early', `${head}  conv 1x1 32\n}\n`, [[4, 3, 'shrinkEarly']]],
      // The same 9x where nothing counts as early: over maxShrink 8.
      [
        'the same compression later',
        `${head}  conv 1x1 32\n}\n`,
        [[4, 3, 'shrink']],
        { [rule]: ['warn', { earlyGrid: 1 }] },
      ],
      // A stride-3 pool: 35x35 -> 12x12 (SAME, ceil(35 / 3)), 1,225 / 144 = 8.5x.
      ['a stride-3 pool', `${head}  maxpool 3x3/3\n  conv 1x1 288\n}\n`, [[4, 3, 'shrinkEarly']]],
      // A module of 16 + 16 channels: 352,800 -> 39,200 (9x), reported at its concat.
      [
        'a narrow module',
        `${head}  concat {\n    conv 1x1 16\n    conv 1x1 16 -> conv 3x3 16\n  }\n}\n`,
        [[4, 3, 'shrinkEarly']],
      ],
      // Figure 9 left: 35x35x288 -> pool -> 17x17x288 -> conv -> 17x17x576.
      [
        'pool then widen (Figure 9 left)',
        `${head}  maxpool 3x3/2 valid\n  conv 3x3 576\n}\n`,
        [[4, 3, 'poolThenWiden']],
      ],
      [
        'pool then a widening module',
        `${head}  maxpool 3x3/2 valid\n  concat {\n    conv 1x1 288\n    conv 1x1 96 -> conv 3x3 288\n  }\n}\n`,
        [[4, 3, 'poolThenWiden']],
      ],
      [
        'a labeled pool in a chain',
        `${head}  down: maxpool 3x3/2 valid -> conv 1x1 768\n  gap\n}\n`,
        [[4, 9, 'poolThenWiden']],
      ],
    ],
  );

  testMessages(rule, [
    // 35x35x288 = 352,800 values -> 35x35x32 = 39,200: 9.0x. At least ceil(352,800 / (5 * 1,225)) = ceil(57.6)
    // = 58 filters keep the step within 5x (58 * 1,225 = 71,050; 352,800 / 71,050 = 4.97).
    [
      'the message gives both sizes, the ratio, the limit and the channels that would keep within it',
      `${head}  conv 1x1 32\n}\n`,
      [
        'conv 1x1 32 conv1 shrinks the representation 9.0x in one step, from 35x35x288 (352,800 values) to ' +
          '35x35x32 (39,200)',
        'more than the 5x allowed early (its grid side 35 is above 0.25 of the input side 35)',
        'give it at least 58 filters',
      ],
    ],
    // conv 3x3/2 32 valid on 35x35x288 -> 17x17x32: 352,800 -> 9,248 values, 38.1x.
    // ceil(352,800 / (5 * 289)) = ceil(244.2) = 245 filters.
    [
      'a strided conv: the filters that would keep it within the limit, or a Figure 10 module',
      `${head}  conv 3x3/2 32 valid\n}\n`,
      [
        'shrinks the representation 38.1x in one step, from 35x35x288 (352,800 values) to 17x17x32 (9,248)',
        'give it at least 245 filters, or reduce the grid with a module that widens as it halves (Figure 10, ' +
          'std/modules Figure10)',
      ],
    ],
    // concat of 16 + 16 channels: 352,800 -> 39,200 (9.0x); ceil(352,800 / (5 * 1,225)) = 58 channels.
    [
      'a narrow module: the channels its output needs',
      `${head}  concat {\n    conv 1x1 16\n    conv 1x1 16 -> conv 3x3 16\n  }\n}\n`,
      ['the module concat1 shrinks the representation 9.0x', 'widen its output to at least 58 channels'],
    ],
    // 35x35x288 (352,800) -> maxpool 3x3/2 valid -> 17x17x288 (83,232) -> conv 3x3 576 -> 17x17x576 (166,464):
    // 166,464 / 83,232 = 2.0x. The rule's stride-2 conv gets 576 - 288 = 288 filters.
    [
      'pool then widen: the pooled map against the widened one, and std/rules efficient_grid_reduction',
      `${head}  maxpool 3x3/2 valid\n  conv 3x3 576\n}\n`,
      [
        'maxpool 3x3/2 maxpool1 shrinks 35x35x288 (352,800 values) to 17x17x288 (83,232) right before conv 3x3 ' +
          '576 conv1 widens it to 17x17x576 (166,464)',
        'a 2.0x bottleneck',
        'apply std/rules efficient_grid_reduction: a stride-2 conv of 288 filters beside the pool gives ' +
          '17x17x576 directly',
      ],
    ],
    // 17x17x288 (83,232) -> 17x17x576 (288 + 288 channels, 166,464): 2.0x.
    [
      'pool then a widening module: the fix is a Figure 10 module',
      `${head}  maxpool 3x3/2 valid\n  concat {\n    conv 1x1 288\n    conv 1x1 96 -> conv 3x3 288\n  }\n}\n`,
      ['right before the module concat1 widens it to 17x17x576 (166,464)', 'std/modules Figure10'],
    ],
  ]);

  test('later, the limit is maxShrink', () => {
    // Input 299x299x3: early while the grid side is above 0.25 * 299 = 74.75. The grid (VALID):
    // ceil((299 - 2) / 2) = 149, ceil((149 - 2) / 2) = 74, 74 - 2 = 72. At 72x72 a 1x1 from 192 to 16 channels:
    // 72*72*192 = 995,328 -> 72*72*16 = 82,944 values, 12.0x > 8x; ceil(995,328 / (8 * 5,184)) = 24 filters.
    const text =
      'network N {\n  input 299x299x3\n  conv 3x3/2 32 valid\n  conv 3x3/2 192 valid\n  conv 3x3 192 valid\n ' +
      ' conv 1x1 16\n}\n';
    const messages = lintText(text, rule).messages;
    expect(messages.map((m) => [m.line, m.messageId])).toEqual([[6, 'shrink']]);
    expect(messages[0]!.message).toContain(
      'from 72x72x192 (995,328 values) to 72x72x16 (82,944), more than 8x: give it at least 24 filters',
    );
  });

  // Their stride-2 pools shrink 4.0x (GoogLeNet, SAME) to 4.1x (71x71 -> 35x35 VALID) at constant width, their
  // grid reductions after the stem 1.6x to 2.7x, and no pool precedes more than a 1.33x widening.
  test.each(STDLIB_NETWORKS)('%s is clean', (file) => {
    expect(lintStdlib(file, rule)).toEqual({ failures: [], messages: [], suppressed: [] });
  });
});
