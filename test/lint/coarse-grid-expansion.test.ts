/** coarse-grid-expansion: the width leaving the coarsest grid against the width leaving the grid before. */
import { join } from 'node:path';
import { findRule } from '../../compiler/lint/engine/registry.js';
import type { Report } from '../../compiler/lint/engine/rule.js';
import { buildNetwork } from '../../compiler/program/pipeline.js';
import { loadProgram, stdlibDir } from '../../compiler/program/node-host.js';
import { lintText, testFindings } from '../helpers/lint.js';

const rule = 'coarse-grid-expansion';
const net = (input: string, body: string) =>
  `defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input ${input}\n${body}  gap\n  dense 10 ` +
  `act=softmax\n}\n`;

/** The reports of the rule on a stdlib network at its defaults. */
function reportsOn(file: string, network: string): Report[] {
  const built = buildNetwork(loadProgram(join(stdlibDir, file)), { network });
  if (!built.graph) throw new Error(built.diagnostics.map((d) => d.message).join('; '));
  const r = findRule(rule)!;
  const out: Report[] = [];
  r.check(built.graph, { options: { minWidening: 2 }, report: (x) => out.push(x) });
  return out;
}

describe(rule, () => {
  testFindings(
    rule,
    [
      [
        "Figure 10's reduction then Figure 7 (Inception-v3's 17x17x768 -> 8x8x2048)",
        `import { Figure10Factorized, Figure7 } from ` +
          `"std/modules"\n${net('17x17x768', '  Figure10Factorized()\n  Figure7()\n  Figure7()\n')}`,
      ],
      ['exactly twice the channels (16x16x64 -> 8x8x128)', net('16x16x64', '  conv 3x3/2 128\n')],
      ['a single grid: nothing to compare', net('8x8x64', '  conv 1x1 32\n')],
      ['1.5x with minWidening = 1.5', net('16x16x64', '  conv 3x3/2 96\n'), { [rule]: ['info', { minWidening: 1.5 }] }],
      [
        'a 1x1 map after global pooling is not a grid',
        `network N {\n  input 16x16x64\n  conv 3x3/2 128\n  avgpool 8x8 valid\n  conv 1x1 10\n}\n`,
      ],
      [
        '1.5x, suppressed',
        net('16x16x64', `  // incc-disable-next-line ${rule} -- a small test network\n  conv 3x3/2 96\n`),
      ],
    ],
    [
      ['16x16x64 -> 8x8x96 (1.5x)', net('16x16x64', '  conv 3x3/2 96\n'), [[4, 3, 'narrow']]],
      [
        'widened, then narrowed again before the pool: the last stage counts',
        net('16x16x64', '  conv 3x3/2 256\n  top: conv 1x1 96\n'),
        [[5, 8, 'narrow']],
      ],
      [
        'a max pool reduction: 32x32x64 -> 15x15x96',
        net('32x32x16', '  conv 3x3 64\n  maxpool 3x3/2 valid\n  conv 3x3 96\n'),
        [[6, 3, 'narrow']],
      ],
      [
        'the reduction of Figure 10 alone, no expanded stage (17x17x768 -> 8x8x1280)',
        `import { Figure10Factorized } from "std/modules"\n${net('17x17x768', '  mixed8: Figure10Factorized()\n')}`,
        [[5, 11, 'narrow']],
      ],
    ],
  );

  test('the message gives both shapes, the ratio, the activations and the width to reach', () => {
    // 16x16x64 = 16,384 activations; conv 3x3/2 96 SAME -> 8x8x96 = 6,144 (37.5%, 38%); 96 / 64 = 1.5; 2 x 64 = 128.
    const [m] = lintText(net('16x16x64', '  conv 3x3/2 96\n'), rule).messages;
    expect(m!.message).toBe(
      'the coarsest grid, 8x8, ends at conv1 (8x8x96) with 1.5x the 64 channels of input (16x16x64) before ' +
        'the last grid reduction, less than 2x; activations go from 16,384 to 6,144 (38% of them): ' +
        'higher-dimensional representations are easier to process locally (principle 2), so widen the last ' +
        'stage on 8x8, e.g. with expanded filter banks (Figure 7), to at least 128 channels (Inception-v3: ' +
        '17x17x768 -> 8x8x2048, 2.67x)',
    );
  });

  test("Inception-v3 without its Figure 7 stages: mixed8's 1280 channels are 1.67x mixed7's 768", () => {
    // 17x17x768 = 221,952 activations; 8x8x1280 = 81,920 (36.9%, 37%); 1280 / 768 = 1.666..; 2 x 768 = 1,536.
    const [m] = lintText(
      `import { Figure10Factorized } from "std/modules"\n${net('17x17x768', '  mixed8: Figure10Factorized()\n')}`,
      rule,
    ).messages;
    expect(m!.message).toContain('ends at mixed8 (8x8x1280) with 1.67x the 768 channels of input (17x17x768)');
    expect(m!.message).toContain('activations go from 221,952 to 81,920 (37% of them)');
    expect(m!.message).toContain('to at least 1,536 channels');
  });

  test('GoogLeNet: 7x7x1024 leaves the coarsest grid, 1.23x the 832 channels of inception4e (14x14x832)', () => {
    // 14x14x832 = 163,072; 7x7x1024 = 50,176 (30.8%, 31%); 1024 / 832 = 1.2307..; 2 x 832 = 1,664.
    const reports = reportsOn('googlenet.incp', 'GoogLeNet');
    expect(
      reports.map((r) => [
        r.node!.name,
        r.data!['ratio'],
        r.data!['prevName'],
        r.data!['actsPct'],
        r.data!['suggested'],
      ]),
    ).toEqual([['inception5b', '1.23', 'inception4e', '31%', '1,664']]);
  });

  test.each([
    ['inception_v3.incp', 'InceptionV3'],
    ['inception_v2.incp', 'InceptionV2'],
    ['lowres.incp', 'InceptionV3Res151'],
    ['lowres.incp', 'InceptionV3Res79'],
    ['table3.incp', 'InceptionV2Table3'],
  ])('%s %s widens its 8x8 grid: clean', (file, network) => {
    expect(reportsOn(file, network)).toEqual([]);
  });
});
