/**
 * Files that do not compile, reported as ESLint reports parse errors: a fatal message per compiler error,
 * in every output format, so code scanning and annotations show them (spec/lint.md, "Exit codes").
 */
import type { LintMessage, LintResult } from './lint.js';

/** The result with one fatal error message per failure (compiler errors; warnings stay out). */
export function withFatalMessages(result: LintResult): LintResult {
  const fatal: LintMessage[] = result.failures
    .filter((d) => d.severity === 'error')
    .map((d) => ({
      ruleId: d.code,
      messageId: 'fatal',
      severity: 'error',
      message: d.message,
      file: d.span?.file ?? result.file,
      line: d.span?.startLine ?? 1,
      column: d.span?.startColumn ?? 1,
      endLine: d.span?.endLine ?? d.span?.startLine ?? 1,
      endColumn: d.span?.endColumn ?? d.span?.startColumn ?? 1,
      ...(d.related && d.related.length > 0
        ? {
            related: d.related.map((r) => ({
              message: r.message,
              file: r.span.file,
              line: r.span.startLine,
              column: r.span.startColumn,
            })),
          }
        : {}),
      fatal: true,
    }));
  return { ...result, messages: [...fatal, ...result.messages], errorCount: result.errorCount + fatal.length };
}
