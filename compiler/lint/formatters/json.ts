/** `--format json`: ESLint's LintResult[] shape (severity 2 error, 1 warning; info is 1 with "level": "info"). */
import type { LintResult } from '../engine/lint.js';

export function formatJson(results: LintResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      filePath: r.filePath,
      messages: r.messages.map((m) => ({
        ruleId: m.ruleId,
        severity: m.severity === 'error' ? 2 : 1,
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
      suppressedMessages: r.suppressed.map((m) => ({ ruleId: m.ruleId, severity: m.severity === 'error' ? 2 : 1, message: m.message, line: m.line, column: m.column, suppressions: [{ kind: 'directive', justification: m.reason ?? '' }] })),
      errorCount: r.errorCount,
      warningCount: r.warningCount,
      infoCount: r.infoCount,
      fatalErrorCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    })),
    null,
    2,
  );
}
