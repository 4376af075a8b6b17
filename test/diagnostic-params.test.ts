/**
 * Diagnostic message parameters are typed from their templates (compiler/diagnostics/template.ts): a call
 * that misses a parameter or passes an unknown one does not compile, and no template can print a literal
 * `{name}`. The type checks run the TypeScript compiler on a probe file, as `tsc` would on a call site.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { diagnostic, diagnosticTable } from '../compiler/diagnostics/diagnostics.js';
import { fillTemplate, templateParameters } from '../compiler/diagnostics/template.js';
import { repoRoot } from './helpers/cli.js';

describe('the template engine', () => {
  test('fills required and optional parameters', () => {
    expect(fillTemplate('{a} and {b?}.', { a: 1, b: 'x' })).toBe('1 and x.');
    expect(fillTemplate('{a} and {b?}.', { a: 'y' })).toBe('y and .');
  });

  test('throws on a missing required parameter instead of printing `{name}`', () => {
    expect(() => fillTemplate('unknown `{name}`', {})).toThrow(/missing its parameter \{name\}/);
  });

  test('lists parameters once each, in order, with whether they are optional', () => {
    expect(templateParameters('{a} {b?} {a}')).toEqual([
      { name: 'a', optional: false },
      { name: 'b', optional: true },
    ]);
  });

  test('a diagnostic clips a very long value', () => {
    const d = diagnostic('unknown-name', undefined, { name: 'n'.repeat(2000) });
    expect(d.message.length).toBeLessThan(400);
    expect(d.message).toContain('(2000 characters)');
  });
});

describe('the diagnostics table', () => {
  test.each(Object.entries(diagnosticTable))('%s: braces only around parameters', (_, entry) => {
    const rest = entry.message.replace(/\{\w+\??\}/g, '');
    expect(rest).not.toMatch(/[{}]/);
  });

  test.each(Object.entries(diagnosticTable))('%s: every parameter filled prints no brace', (code, entry) => {
    const params = Object.fromEntries(templateParameters(entry.message).map((p) => [p.name, 'X']));
    type Untyped = (c: string, s: undefined, p: Record<string, string>) => { message: string };
    const d = (diagnostic as Untyped)(code, undefined, params);
    expect(d.message).not.toMatch(/[{}]/);
  });
});

describe('call sites and lint reports are type-checked against the template', () => {
  /** A lint rule with one option `n` and one message `m` with parameter `b`, reporting `report`. */
  const rule = (report: string) =>
    "defineRule({ id: 'x', section: 's', description: 'd', defaultSeverity: 'warning', " +
    "options: { n: { description: 'n', default: 1 } }, messages: { m: 'a {b}' }, " +
    `check(_, c) { c.report(${report}); } });`;
  // Each probe line is marked with the error it must give, or none.
  const probe = [
    ['ok', "diagnostic('unknown-name', undefined, { name: 'x' });"],
    ['ok', "diagnostic('unknown-name', undefined, { name: 'x', hint: '; did you mean y?' });"],
    ['ok', "diagnostic('division-by-zero', undefined);"],
    ['ok', "diagnostic('syntax-error', undefined, { found: 'x' }, { expected: ['a'] });"],
    ['missing', "diagnostic('unknown-name', undefined, {});"],
    ['missing', "diagnostic('unknown-name', undefined);"],
    ['unknown', "diagnostic('unknown-name', undefined, { name: 'x', extra: 1 });"],
    ['unknown', "diagnostic('division-by-zero', undefined, { value: 1 });"],
    ['missing', "fail('syntax-error', undefined, {});"],
    ['unknown', "diagnostic('not-a-code', undefined, {});"],
    ['ok', rule("{ messageId: 'm', data: { b: c.options.n } }")],
    ['missing', rule("{ messageId: 'm', data: {} }")],
    ['unknown', rule("{ messageId: 'm', data: { b: 1, c: 2 } }")],
    ['unknown', rule("{ messageId: 'z', data: { b: 1 } }")],
  ] as const;

  test('a missing or unknown parameter, code or message id is a compile error; a right call is not', () => {
    const dir = mkdtempSync(join(repoRoot, 'compiler', 'diagnostics', '.probe-'));
    try {
      const file = join(dir, 'probe.ts');
      const header =
        "import { diagnostic, fail } from '../diagnostics.js'; import { defineRule } from '../../lint/engine/rule.js';";
      writeFileSync(file, [header, ...probe.map(([, line]) => line)].join('\n'));
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        types: [],
      };
      const program = ts.createProgram([file], options);
      const errorLines = new Set(
        ts
          .getPreEmitDiagnostics(program)
          .filter((d) => d.file?.fileName === program.getSourceFile(file)?.fileName)
          .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line),
      );
      const got = probe.map(([, line], i) => [line, errorLines.has(i + 1) ? 'error' : 'ok']);
      const want = probe.map(([kind, line]) => [line, kind === 'ok' ? 'ok' : 'error']);
      expect(got).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
