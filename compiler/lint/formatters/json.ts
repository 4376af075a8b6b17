/**
 * `--format json`: ESLint's LintResult[] shape (severity 2 error, 1 warning; info is 1 with "level": "info").
 * A compiler error that kept the file from being linted is a fatal message, as ESLint reports a parse error:
 * `ruleId: null, fatal: true, severity: 2`, with the diagnostic's code in `code`.
 *
 * Fixes, as ESLint writes them (spec/lint.md, "Fixing findings"): a finding that a std/rules rule fixes has
 * `fix: { range, text }` (the edits of compiler/lint/fix.ts merged into one replacement of the source's
 * UTF-16 offsets [start, end), as ESLint merges a rule's several fixes) and `ruleFix` (the rule application as
 * data); a finding in the linted file has `suggestions: [{ desc, fix }]`: its suppression with a reason.
 */
import type { LintMessage, LintResult } from '../engine/lint.js';
import { applyEdits, ruleFix, suppressionFix, type Fix } from '../fix.js';

const severityNumber = (m: LintMessage) => (m.severity === 'error' ? 2 : 1);

/** ESLint's fixable counts: the findings of a severity that carry a fix (those `incc lint --fix` makes). */
const fixable = (r: LintResult, severity: LintMessage['severity']) =>
  r.messages.filter((m) => m.fix && !m.fatal && m.severity === severity).length;

/** ESLint's `{ range, text }`: a fix's edits as one replacement (undefined when it has none). */
export function eslintFix(source: string, fix: Fix): { range: [number, number]; text: string } | undefined {
  if (fix.edits.length === 0) return undefined;
  const start = Math.min(...fix.edits.map((e) => e.start));
  const end = Math.max(...fix.edits.map((e) => e.end));
  const shifted = fix.edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
  return { range: [start, end], text: applyEdits(source.slice(start, end), shifted) };
}

function fixesOf(r: LintResult, m: LintMessage) {
  if (m.fatal) return {};
  const rule = m.fix && r.ast ? ruleFix(r.source, r.ast, m) : undefined;
  const fix = rule ? eslintFix(r.source, rule) : undefined;
  // A finding placed in another file (an imported block's) is suppressed there, not in this source.
  const suppression = m.file === r.file ? suppressionFix(r.source, m.ruleId, m.line) : undefined;
  const suggestion = suppression ? eslintFix(r.source, suppression) : undefined;
  return {
    ...(fix ? { fix } : {}),
    ...(m.fix ? { ruleFix: m.fix } : {}),
    ...(suggestion ? { suggestions: [{ desc: suppression!.title, fix: suggestion }] } : {}),
  };
}

export function formatJson(results: LintResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map((m) => ({
        ruleId: m.fatal ? null : m.ruleId,
        ...(m.fatal ? { fatal: true, code: m.ruleId } : {}),
        severity: severityNumber(m),
        level: m.severity,
        message: m.message,
        line: m.line,
        column: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
        ...(m.node ? { node: m.node } : {}),
        ...(m.network ? { network: m.network } : {}),
        ...(m.file !== r.file ? { file: m.file } : {}),
        ...fixesOf(r, m),
      })),
      suppressedMessages: r.suppressed.map((m) => ({
        ruleId: m.ruleId,
        severity: severityNumber(m),
        message: m.message,
        line: m.line,
        column: m.column,
        suppressions: [{ kind: 'directive', justification: m.reason ?? '' }],
      })),
      errorCount: r.errorCount,
      warningCount: r.warningCount,
      infoCount: r.infoCount,
      fatalErrorCount: r.messages.filter((m) => m.fatal).length,
      fixableErrorCount: fixable(r, 'error'),
      fixableWarningCount: fixable(r, 'warning'),
      fixableInfoCount: fixable(r, 'info'),
      usedDeprecatedRules: [],
    })),
    null,
    2,
  );
}
