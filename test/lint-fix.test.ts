/**
 * compiler/lint/fix.ts: the text edits of a rule fix, a suppression and a "did you mean", applied to texts
 * and linted again (spec/lint.md, "Fixing findings"). The expected texts are written by hand.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyEdits, positionAt, ruleFix, ruleFixes, suggestionFix, suppressionFix } from '../compiler/lint/fix.js';
import type { LintResult } from '../compiler/lint/engine/lint.js';
import { lintFile } from '../compiler/lint/engine/lint-file.js';
import { parseSource } from '../compiler/syntax/parse.js';
import { nodeFileHost } from '../compiler/program/node-host.js';
import { buildProgram } from '../compiler/program/pipeline.js';
import { loadProgramFromText } from '../compiler/program/node-host.js';

const FILE = resolve('test-output/lint-fix/case.incp');

/** Lints `text` as a file with every rule at its default. */
function lint(text: string): LintResult {
  const host = { readFile: (p: string) => (p === FILE ? text : nodeFileHost.readFile(p)) };
  return lintFile(FILE, { config: {}, host });
}

function ast(text: string) {
  const parsed = parseSource(text, 'case.incp');
  if (!parsed.ast) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.ast;
}

/** Every rule fix of the file's findings, applied. */
function fixAll(text: string): string {
  const fix = ruleFixes(text, ast(text), lint(text).messages);
  return fix ? applyEdits(text, fix.edits) : text;
}

const example = (name: string) => readFileSync(join('examples/lint', `${name}.before.incp`), 'utf8');

describe('rule fixes: an `apply` statement and the import', () => {
  test('large-unfactorized-kernel: factor_5x5 on the 5x5, imported from std/rules, nothing else changed', () => {
    const text = example('large-unfactorized-kernel');
    const fixed = fixAll(text);
    expect(fixed).toBe(
      text
        .replace('defaults conv', 'import { factor_5x5 } from "std/rules"\n\ndefaults conv')
        .replace('  dense 10 act=softmax\n', '  dense 10 act=softmax\n\n  apply factor_5x5 to branch5x5/conv2\n'),
    );
    const after = lint(fixed);
    expect(after.failures).toEqual([]);
    expect(after.messages).toEqual([]);
  });

  test('a chain rule names both layers it matches; the apply goes before the train section', () => {
    const text = example('costly-grid-reduction');
    const fixed = fixAll(text);
    expect(fixed).toContain(
      '  predictions: dense classes act=softmax\n\n  apply efficient_grid_reduction_conv_pool to conv2, ' +
        'maxpool1\n\n  train {',
    );
    expect(fixed).toContain('import { efficient_grid_reduction_conv_pool } from "std/rules"\n');
    // The parallel reduction answers the representational bottleneck after the pool too (the example says so).
    expect(lint(fixed).messages.map((m) => m.ruleId)).toEqual([]);
  });

  test('representational-bottleneck: efficient_grid_reduction on the pool and the conv', () => {
    const fixed = fixAll(example('representational-bottleneck'));
    expect(fixed).toContain('\n  apply efficient_grid_reduction to maxpool1, conv1\n');
    expect(lint(fixed).messages.filter((m) => m.ruleId === 'representational-bottleneck')).toEqual([]);
  });

  test('auxiliary-classifier: bn_auxiliary on both heads in one apply, in the layers of std/modules', () => {
    const fixed = fixAll(example('auxiliary-classifier'));
    expect(fixed).toContain('\n  apply bn_auxiliary to aux1/dense1, aux2/dense1\n}\n');
    const after = lint(fixed);
    expect(after.failures).toEqual([]);
    expect(after.messages.filter((m) => m.messageId === 'unnormalizedLayer')).toEqual([]);
  });

  test('rules without a std/rules fix give none', () => {
    for (const name of ['missing-dimension-reduction', 'training-recipe', 'width-depth-balance']) {
      const text = example(name);
      expect(ruleFixes(text, ast(text), lint(text).messages)).toBeUndefined();
    }
  });

  test('a 7x7 off the grid range of asymmetric has no fix; on 17x17 it is asymmetric(n=7)', () => {
    const net = (grid: number) =>
      `defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input ${grid}x${grid}x64\n  big: conv 7x7 64\n}\n`;
    const off = lint(net(35)).messages.find((m) => m.ruleId === 'large-unfactorized-kernel')!;
    expect(off.fix).toBeUndefined();
    const on = net(17);
    const fixed = fixAll(on);
    expect(fixed).toBe(
      'import { asymmetric } from "std/rules"\n\n' +
        'defaults conv(bias=false, bn=true, act=relu)\nnetwork N {\n  input 17x17x64\n  big: conv 7x7 64\n\n' +
        '  apply asymmetric(n=7) to big\n}\n',
    );
    expect(lint(fixed).messages).toEqual([]);
  });

  test('an existing import and apply of the same rule are extended; comments and CRLF line ends kept', () => {
    const text = [
      '// header',
      'import { Figure5 } from "std/modules"',
      'import { factor_5x5 } from "std/rules" // the rules',
      '',
      'defaults conv(bias=false, bn=true, act=relu)',
      'network N {',
      '  input 35x35x64',
      '  a: conv 5x5 64 // first',
      '  b: conv 5x5 64   /* second */',
      '  apply factor_5x5 to a // done by hand',
      '  gap',
      '}',
      '',
    ].join('\r\n');
    const fixed = fixAll(text);
    expect(fixed).toBe(text.replace('apply factor_5x5 to a //', 'apply factor_5x5 to a, b //'));
    expect(lint(fixed).messages).toEqual([]);
  });

  test('a second rule goes into the existing import; a one-line body gets lines of its own', () => {
    const text =
      'import { bn_gamma } from "std/rules"\ndefaults conv(bias=false, bn=true, act=relu)\n' +
      'network N { input 17x17x64; a: conv 7x7 64; b: conv 5x5 64 }\n';
    const fixed = fixAll(text);
    expect(fixed).toBe(
      'import { bn_gamma, asymmetric, factor_5x5 } from "std/rules"\ndefaults conv(bias=false, bn=true, act=relu)\n' +
        ('network N { input 17x17x64; a: conv 7x7 64; b: conv 5x5 64 \n  apply asymmetric(n=7) to a\n  apply ' +
          'factor_5x5 to b\n}\n'),
    );
    expect(lint(fixed).messages).toEqual([]);
  });

  test('one finding, one fix (what a code action offers)', () => {
    const text = example('large-unfactorized-kernel');
    const m = lint(text).messages[0]!;
    const fix = ruleFix(text, ast(text), m)!;
    expect(fix.title).toBe('apply factor_5x5 to branch5x5/conv2');
    expect(fix.kind).toBe('rule');
    expect(fix.edits.every((e) => e.start === e.end)).toBe(true); // insertions only
  });
});

describe('suppressions', () => {
  test('a comment above the line, indented as it is, silences the finding with its reason', () => {
    const text = example('large-unfactorized-kernel');
    const m = lint(text).messages[0]!;
    const fix = suppressionFix(text, m.ruleId, m.line, 'kept for the pretrained weights');
    const fixed = applyEdits(text, fix.edits);
    expect(fixed).toBe(
      text.replace(
        '    branch5x5:',
        '    // incc-disable-next-line large-unfactorized-kernel -- kept for the pretrained weights\n    branch5x5:',
      ),
    );
    const after = lint(fixed);
    expect(after.messages).toEqual([]);
    expect(after.suppressed.map((s) => [s.ruleId, s.reason])).toEqual([
      ['large-unfactorized-kernel', 'kept for the pretrained weights'],
    ]);
  });

  test('a second rule on the same line joins the comment already above it', () => {
    const text = example('costly-grid-reduction').replace(
      '  conv 3x3 64 //',
      '  // incc-disable-next-line representational-bottleneck -- measured\n  conv 3x3 64 //',
    );
    const m = lint(text).messages.find((x) => x.ruleId === 'costly-grid-reduction')!;
    const fixed = applyEdits(text, suppressionFix(text, m.ruleId, m.line).edits);
    expect(fixed).toContain(
      '// incc-disable-next-line representational-bottleneck, costly-grid-reduction -- measured\n  conv 3x3 64',
    );
    expect(lint(fixed).messages.filter((x) => x.ruleId === 'costly-grid-reduction')).toEqual([]);
  });

  test('without a reason, the comment asks for one', () => {
    const fix = suppressionFix('network N {\n  input 8x8x3\n}\n', 'training-recipe', 1);
    expect(applyEdits('network N {\n  input 8x8x3\n}\n', fix.edits)).toBe(
      '// incc-disable-next-line training-recipe -- TODO: say why this deviates from the paper\nnetwork N ' +
        '{\n  input 8x8x3\n}\n',
    );
  });
});

describe('did-you-mean quick fixes', () => {
  const cases: [string, string, string][] = [
    ['a layer kind', 'network N {\n  input 8x8x3\n  cnv 3x3 8\n}\n', 'conv'],
    ['a layer option', 'network N {\n  input 8x8x3\n  conv 3x3 8 actt=relu\n}\n', 'act'],
    [
      'a rule',
      'import { factor_5x5 } from "std/rules"\nnetwork N {\n  input 8x8x3\n  apply factor_5x6\n}\n',
      'factor_5x5',
    ],
    ['an imported name', 'import { Figur5 } from "std/modules"\nnetwork N {\n  input 35x35x192\n}\n', 'Figure5'],
  ];
  test.each(cases)('%s', (_what, text, replacement) => {
    const program = loadProgramFromText(text, FILE);
    const diagnostics = [...program.diagnostics, ...buildProgram(program, { every: true }).diagnostics];
    const d = diagnostics.find((x) => x.suggestion)!;
    expect(d.suggestion!.replacement).toBe(replacement);
    const fixed = applyEdits(text, suggestionFix(text, d)!.edits);
    const after = loadProgramFromText(fixed, FILE);
    const errors = [...after.diagnostics, ...buildProgram(after, { every: true }).diagnostics].filter(
      (x) => x.severity === 'error',
    );
    expect(errors.map((x) => x.message)).toEqual([]);
  });
});

describe('edits', () => {
  test('overlapping edits are refused; positions count lines from 0 and CR LF as one break', () => {
    expect(() =>
      applyEdits('abcdef', [
        { start: 1, end: 3, newText: 'x' },
        { start: 2, end: 4, newText: 'y' },
      ]),
    ).toThrow('overlapping');
    expect(positionAt('ab\r\ncd\ref', 5)).toEqual({ line: 1, character: 1 });
    expect(positionAt('ab\r\ncd\ref', 7)).toEqual({ line: 2, character: 0 });
  });
});
