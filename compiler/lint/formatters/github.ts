/**
 * `--format github`: GitHub Actions workflow commands, one annotation a finding:
 * `::warning file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`, then a notice with the totals
 * (GitHub shows at most 10 warning annotations a step). `formatGithubSummary` is the full table, in
 * Markdown, for `$GITHUB_STEP_SUMMARY`.
 */
import type { LintMessage, LintResult } from '../engine/lint.js';
import { totalsText } from './totals.js';

/** Message text escapes % CR LF; property values also escape : and , (the runner's own rules). */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

const title = (m: LintMessage) => `incc ${m.fatal ? `error ${m.ruleId}` : m.ruleId}`;

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
        `title=${escapeProperty(title(m))}`,
      ];
      lines.push(`::${command} ${props.join(',')}::${escapeData(m.message)}`);
    }
  }
  lines.push(`::notice title=${escapeProperty('incc lint')}::${escapeData(totalsText(results))}`);
  return lines.join('\n');
}

/** The job summary: totals, then every finding in a table (annotations beyond GitHub's limit included). */
export function formatGithubSummary(results: LintResult[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const rows = results.flatMap((r) =>
    r.messages.map(
      (m) => `| ${cell(`${m.file}:${m.line}:${m.column}`)} | ${m.severity} | \`${m.ruleId}\` | ${cell(m.message)} |`,
    ),
  );
  const out = ['## incc lint', '', totalsText(results)];
  if (rows.length > 0) out.push('', '| where | severity | rule | message |', '|---|---|---|---|', ...rows);
  return `${out.join('\n')}\n`;
}
