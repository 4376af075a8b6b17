/** auxiliary-classifier: position, count and batch norm of aux heads, with the stdlib networks' heads turned on. */
import { join } from 'node:path';
import { findRule } from '../../compiler/lint/engine/registry.js';
import type { Report } from '../../compiler/lint/engine/rule.js';
import { buildNetwork } from '../../compiler/program/pipeline.js';
import { loadProgram, stdlibDir } from '../../compiler/program/node-host.js';
import { lintText, testFindings, testMessages } from '../helpers/lint.js';

const rule = 'auxiliary-classifier';

// 35x35x64 -> s (35x35x64) -> a (17x17x128) -> b -> c (17x17) -> d (8x8x256) -> e (8x8x512) -> classifier; the aux head
// on line 11.
const trunk = [
  'defaults conv(bias=false, bn=true, act=relu)',
  'network N {',
  '  input 35x35x64',
  '  s: conv 3x3 64',
  '  a: conv 3x3/2 128 valid',
  '  b: conv 3x3 128',
  '  c: conv 3x3 128',
  '  d: conv 3x3/2 256 valid',
  '  e: conv 3x3 512',
  '  gap -> dense 10 act=softmax',
].join('\n');
const bnHead = '{\n    avgpool 5x5/3 valid\n    conv 1x1 32\n    flatten\n    dense 10 act=softmax\n  }';
const net = (aux: string) => `${trunk}\n${aux}\n}\n`;

/** The reports of the rule on a stdlib network with the given arguments (default options). */
function reportsOn(
  file: string,
  network: string,
  args: Record<string, number | boolean>,
): { messageId: string; at: string; data: Record<string, string | number> }[] {
  const built = buildNetwork(loadProgram(join(stdlibDir, file)), { network, args });
  if (!built.graph) throw new Error(built.diagnostics.map((d) => d.message).join('; '));
  const graph = built.graph;
  const r = findRule(rule)!;
  const out: { messageId: string; at: string; data: Record<string, string | number> }[] = [];
  const options = Object.fromEntries(Object.entries(r.options).map(([k, o]) => [k, o.default]));
  r.check(graph, {
    options,
    report: (x: Report) =>
      out.push({
        messageId: x.messageId,
        at: x.node ? x.node.name : graph.aux.find((a) => a.span === x.span)!.name,
        data: x.data ?? {},
      }),
  });
  return out;
}

describe(rule, () => {
  testFindings(
    rule,
    [
      ['a BN head on the last 17x17 stage', net(`  aux from c ${bnHead}`)],
      ['a BN head on the coarsest grid', net(`  aux from e ${bnHead}`)],
      [
        'a head whose only layer is the classifier, after a batchnorm',
        net('  aux from c {\n    gap\n    batchnorm\n    dense 10\n  }'),
      ],
      [
        'a hidden dense layer followed by batchnorm (std/rules bn_auxiliary)',
        net('  aux from c {\n    gap\n    dense 64 act=linear bias=false -> batchnorm -> relu\n    dense 10\n  }'),
      ],
      [
        'the BN-auxiliary head of std/modules',
        `import { AuxHead } from "std/modules"\n${net('  aux from c { AuxHead(10) }')}`,
      ],
      [
        'no batch norm, with batchNorm off',
        net('  aux from c {\n    gap\n    dense 10\n  }'),
        { [rule]: ['warn', { batchNorm: false }] },
      ],
      [
        'two heads with maxHeads = 2',
        net(`  aux from c ${bnHead}\n  aux from e ${bnHead}`),
        { [rule]: ['warn', { maxHeads: 2 }] },
      ],
      [
        'a head on the 35x35 stem with maxReductionsAfter = 2',
        net(`  aux from s ${bnHead}`),
        { [rule]: ['warn', { maxReductionsAfter: 2 }] },
      ],
      [
        'a head below the last stage, suppressed',
        net(`  // incc-disable-next-line ${rule} -- GoogLeNet's placement, for comparison\n  aux from b ${bnHead}`),
      ],
    ],
    [
      ['a head on b, below c at 17x17', net(`  aux from b ${bnHead}`), [[11, 3, 'notLastStage']]],
      [
        'a head on the 35x35 stem, two reductions below 8x8',
        net(`  aux_early: aux from s ${bnHead}`),
        [[11, 3, 'earlyGrid']],
      ],
      [
        'two heads: the lower one is reported',
        net(`  aux from c ${bnHead}\n  aux from e ${bnHead}`),
        [[11, 3, 'tooMany']],
      ],
      [
        'two heads declared top first: still the lower one',
        net(`  aux from e ${bnHead}\n  aux from b ${bnHead}`),
        [
          [17, 3, 'notLastStage'],
          [17, 3, 'tooMany'],
        ],
      ],
      ['no batch norm anywhere', net('  aux from c {\n    gap\n    dense 10\n  }'), [[11, 3, 'noBatchNorm']]],
      [
        'a convolution without bn (the classifier is not counted)',
        net('  aux from c {\n    conv 1x1 32 bn=false\n    conv 1x1 10 bn=false\n  }'),
        [[11, 3, 'noBatchNorm']],
      ],
      [
        'a hidden dense layer without batch norm',
        net('  aux from c {\n    conv 1x1 32\n    flatten\n    dense 64 act=relu\n    dense 10\n  }'),
        [[14, 5, 'unnormalizedLayer']],
      ],
      [
        "the plain head of std/modules (GoogLeNet's)",
        `import { AuxHeadPlain } from "std/modules"\n${net('  aux from c { AuxHeadPlain(10) }')}`,
        [[12, 16, 'unnormalizedLayer']],
      ],
    ],
  );

  test('notLastStage names the node read, the grid and the last stage there', () => {
    const [m] = lintText(net(`  aux from a ${bnHead}`), rule).messages;
    expect(m!.message).toBe(
      'aux head aux1 reads a (17x17x128), but the main path goes on at 17x17 through 2 more stages up to c: ' +
        'the paper found a lower auxiliary classifier useless and keeps one on top of the last layer of the ' +
        'grid (section 4); read from c',
    );
  });

  testMessages(rule, [
    // s is 35x35x64; the grids after it are 17x17 (a, b, c) and 8x8 (d, e): 2 reductions; the last stage
    // before the final reduction is c, 17x17x128.
    [
      'earlyGrid counts the reductions after the grid read and names the stage to read',
      net(`  aux from s ${bnHead}`),
      [
        'aux head aux1 reads s on the 35x35 grid, 2 grid reductions below the final 8x8 grid',
        'read from c (17x17x128)',
      ],
    ],
    // c is 17x17x128; conv 1x1 32 -> 17x17x32, flattened to 9,248, then dense 64.
    [
      'unnormalizedLayer describes the layer and points to std/rules bn_auxiliary',
      net('  aux from c {\n    conv 1x1 32\n    flatten\n    dense 64 act=relu\n    dense 10\n  }'),
      ['aux head aux1: aux1/dense1 (dense 9248 -> 64) is not batch-normalized', 'apply std/rules bn_auxiliary'],
    ],
  ]);

  test('a convolution without bn among normalized layers: set bn=true', () => {
    const [m] = lintText(
      net('  aux from c {\n    conv 1x1 32\n    conv 3x3 32 bn=false\n    conv 1x1 10\n  }'),
      rule,
    ).messages;
    expect(m!.messageId).toBe('unnormalizedLayer');
    expect(m!.message).toContain('aux1/conv2 (conv 3x3 17x17x32 -> 17x17x32) is not batch-normalized');
    expect(m!.message).toContain('set bn=true on its convolutions');
  });

  test(
    "GoogLeNet's two heads (aux_heads=true): both below the last 14x14 stage, the lower one too many, neither " +
      'batch-normalized',
    () => {
      // inception4a and inception4d are 14x14; inception4e is the last 14x14 stage before pool4 (7x7).
      expect(reportsOn('googlenet.incp', 'GoogLeNet', { aux_heads: true })).toEqual([
        {
          messageId: 'notLastStage',
          at: 'aux1',
          data: expect.objectContaining({ from: 'inception4a', grid: '14x14', count: 4, last: 'inception4e' }),
        },
        {
          messageId: 'notLastStage',
          at: 'aux2',
          data: expect.objectContaining({ from: 'inception4d', grid: '14x14', count: 1, last: 'inception4e' }),
        },
        {
          messageId: 'tooMany',
          at: 'aux1',
          data: expect.objectContaining({ count: 2, kept: 'aux2', keptFrom: 'inception4d' }),
        },
        { messageId: 'noBatchNorm', at: 'aux1', data: { head: 'aux1' } },
        { messageId: 'noBatchNorm', at: 'aux2', data: { head: 'aux2' } },
      ]);
    },
  );

  test('GoogLeNet batch-normalized (batch_norm=true): the fully connected layer of each head still is not', () => {
    const reports = reportsOn('googlenet.incp', 'GoogLeNet', { aux_heads: true, batch_norm: true }).filter(
      (r) => r.messageId === 'unnormalizedLayer',
    );
    expect(reports.map((r) => [r.at, r.data['layers']])).toEqual([
      ['aux1/dense1', 'aux1/dense1 (dense 2048 -> 1024)'],
      ['aux2/dense1', 'aux2/dense1 (dense 2048 -> 1024)'],
    ]);
  });

  test.each([
    ['inception_v3.incp', 'InceptionV3'],
    ['inception_v2.incp', 'InceptionV2'],
    ['lowres.incp', 'InceptionV3Res151'],
    ['lowres.incp', 'InceptionV3Res79'],
  ])('%s %s with its BN-auxiliary head on the last 17x17 stage: clean', (file, network) => {
    expect(reportsOn(file, network, { aux_head: true })).toEqual([]);
  });

  test.each([
    [1, ['unnormalizedLayer']],
    [4, ['unnormalizedLayer']],
    [5, []],
  ])('std/table3 row %d: the plain head until BN-auxiliary (row 5)', (row, expected) => {
    expect(reportsOn('table3.incp', 'InceptionV2Table3', { row }).map((r) => r.messageId)).toEqual(expected);
  });
});
