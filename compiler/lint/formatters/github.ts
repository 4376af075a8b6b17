/**
 * `--format github`: GitHub Actions workflow commands, one annotation a finding:
 * `::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`.
 */
import type { LintResult } from '../engine/lint.js';

/** Message text escapes % CR LF; property values also escape : and , (the runner's own rules). */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(results: LintResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      const command = m.severity === 'error' ? 'error' : m.severity === 'warning' ? 'warning' : 'notice';
      const props = [
        `file=${escapeProperty(m.file)}`,
        `line=${m.line}`,
        `col=${m.column}`,
        `endLine=${m.endLine}`,
        `endColumn=${m.endColumn}`,
        `title=${escapeProperty(`incc ${m.ruleId}`)}`,
      ];
      lines.push(`::${command} ${props.join(',')}::${escapeData(m.message)}`);
    }
  }
  return lines.join('\n');
}
