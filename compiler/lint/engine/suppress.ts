/**
 * Inline suppression comments (spec/lint.md, "Suppressing a finding"):
 *   // incc-disable-next-line RULE[, RULE...] -- reason     the next line
 *   // incc-disable-line RULE[, RULE...] -- reason          this line
 *   // incc-disable-file RULE[, RULE...] -- reason          the whole file
 * A suppression that suppresses nothing is reported (`unused-suppression`).
 */
import type { Comment, Span } from '../../syntax/ast.js';

export interface Suppression {
  scope: 'next-line' | 'line' | 'file';
  rules: string[];
  reason?: string;
  /** The line it covers (for next-line and line). */
  line?: number;
  span: Span;
  /** The rules it actually suppressed. */
  used: Set<string>;
}

const pattern = /^(?:\/\/|\/\*)\s*incc-disable-(next-line|line|file)\b\s*([^]*?)\s*(?:\*\/)?$/;

export function parseSuppressions(comments: Comment[]): Suppression[] {
  const out: Suppression[] = [];
  for (const c of comments) {
    const m = pattern.exec(c.text.trim());
    if (!m) continue;
    const scope = m[1] as Suppression['scope'];
    const [rulesText, ...reasonParts] = m[2]!.split(/\s--\s|\s--$|^--\s/);
    const reason = reasonParts.join(' -- ').trim();
    const rules = (rulesText ?? '').split(/[,\s]+/).filter((r) => r.length > 0);
    const s: Suppression = { scope, rules, span: c.span, used: new Set() };
    if (reason) s.reason = reason;
    if (scope === 'next-line') s.line = c.span.endLine + 1;
    if (scope === 'line') s.line = c.span.startLine;
    out.push(s);
  }
  return out;
}

/** The suppression that covers a finding of `ruleId` at `line`, marking it used. */
export function suppressedBy(suppressions: Suppression[], ruleId: string, line: number): Suppression | undefined {
  const s = suppressions.find((x) => x.rules.includes(ruleId) && (x.scope === 'file' || x.line === line));
  s?.used.add(ruleId);
  return s;
}
