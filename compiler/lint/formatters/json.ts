/**
 * `--format json`: ESLint's LintResult[] shape (severity 2 error, 1 warning; info is 1 with "level": "info").
 * A compiler error that kept the file from being linted is a fatal message, as ESLint reports a parse error:
 * `ruleId: null, fatal: true, severity: 2`, with the diagnostic's code in `code`.
 */
import type { LintMessage, LintResult } from '../engine/lint.js';

const severityNumber = (m: LintMessage) => (m.severity === 'error' ? 2 : 1);

/** ESLint's fixable counts: the findings of a severity that carry a fix (those `incc lint --fix` makes). */
const fixable = (r: LintResult, severity: LintMessage['severity']) =>
  r.messages.filter((m) => m.fix && !m.fatal && m.severity === severity).length;

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
