/** `--format stylish` (the default): each finding with its code frame, grouped by file, then a summary line. */
import { formatDiagnostic } from '../../print/code-frame.js';
import type { LintResult } from '../engine/lint.js';
import { totalsText } from './totals.js';

export function formatStylish(results: LintResult[], options: { color?: boolean } = {}): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.messages.length === 0) continue;
    out.push(r.file);
    for (const m of r.messages) {
      const span = {
        file: m.file,
        startOffset: 0,
        endOffset: 0,
        startLine: m.line,
        startColumn: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
      };
      const text = formatDiagnostic(
        {
          code: m.ruleId as never,
          severity: m.severity,
          message: m.message,
          span,
          related: (m.related ?? []).map((x) => ({
            message: x.message,
            span: { ...span, file: x.file, startLine: x.line, startColumn: x.column },
          })),
        },
        r.sourceOf,
        options,
      );
      out.push(...text.split('\n').map((l) => `  ${l}`));
    }
    out.push('');
  }
  out.push(totalsText(results));
  return out.join('\n');
}
