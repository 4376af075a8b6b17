/** `--format stylish` (the default): each finding with its code frame, grouped by file, then a summary line. */
import { formatDiagnostic } from '../../print/code-frame.js';
import type { LintResult } from '../engine/lint.js';

export function formatStylish(results: LintResult[], options: { color?: boolean } = {}): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    out.push(r.file);
    for (const m of r.messages) {
      const span = { file: m.file, startOffset: 0, endOffset: 0, startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn };
      const text = formatDiagnostic(
        { code: m.ruleId as never, severity: m.severity, message: m.message, span, related: (m.related ?? []).map((x) => ({ message: x.message, span: { ...span, file: x.file, startLine: x.line, startColumn: x.column } })) },
        r.sourceOf,
        options,
      );
      out.push(...text.split('\n').map((l) => `  ${l}`));
    }
    out.push('');
    errors += r.errorCount;
    warnings += r.warningCount;
    infos += r.infoCount;
  }
  const total = errors + warnings + infos;
  const files = results.length;
  out.push(
    total === 0
      ? `${files} file${files === 1 ? '' : 's'} linted: no problems`
      : `${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info) in ${files} file${files === 1 ? '' : 's'}`,
  );
  return out.join('\n');
}
