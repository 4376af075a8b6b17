/**
 * `incc rewrite --explain`: each rule application with where it happened, what it replaced, and the
 * weights, parameters and multiply-adds before and after, then the totals.
 * (compiler/rewrite/cost.ts says what each figure counts.)
 */
import type { Cost } from './cost.js';
import { describeLayer } from '../ir/kinds/index.js';
import { toPlain } from '../ir/values.js';
import { groupDigits } from '../print/text.js';
import { literal } from '../print/emit.js';
import type { Application } from './rewrite.js';

export interface ExplainedApplication {
  rule: string;
  args: Record<string, unknown>;
  node: string;
  source: { file: string; line: number; column: number };
  before: string[];
  after: string[];
  cost: { before: Cost; after: Cost };
}

export function explainApplications(applications: Application[]): ExplainedApplication[] {
  return applications.map((a) => {
    const last = a.before[a.before.length - 1]!;
    return {
      rule: a.rule,
      args: Object.fromEntries(Object.entries(a.args).map(([k, v]) => [k, toPlain(v)])),
      node: last.name,
      source: { file: last.span.file, line: last.span.startLine, column: last.span.startColumn },
      before: a.before.map((n) => describeLayer(n.attrs)),
      after: a.after.map((n) => describeLayer(n.attrs)),
      cost: a.cost,
    };
  });
}

/** `before -> after (saves p%)`: how every figure of the report is written. */
export function saving(before: number, after: number): string {
  if (before === 0) return `${groupDigits(before)} -> ${groupDigits(after)}`;
  const pct = ((before - after) / before) * 100;
  const word = pct >= 0 ? 'saves' : 'adds';
  return `${groupDigits(before)} -> ${groupDigits(after)} (${word} ${Math.abs(pct).toFixed(1)}%)`;
}

export function explainText(items: ExplainedApplication[], totals: { before: Cost; after: Cost }): string {
  const out: string[] = [];
  items.forEach((a, i) => {
    const args = Object.entries(a.args)
      .map(([k, v]) => `${k}=${literal(v)}`)
      .join(', ');
    out.push(`${i + 1}. ${a.rule}(${args}) at ${a.node} (${a.source.file}:${a.source.line}:${a.source.column})`);
    out.push(`   before: ${a.before.join(' -> ')}`);
    out.push(`   after:  ${a.after.join(' -> ')}`);
    out.push(`   weights   ${saving(a.cost.before.weights, a.cost.after.weights)}`);
    out.push(`   params    ${saving(a.cost.before.params, a.cost.after.params)}`);
    out.push(`   mult-adds ${saving(a.cost.before.macs, a.cost.after.macs)}`);
  });
  if (items.length === 0) out.push('No rule applied.');
  out.push('');
  out.push(`Total: ${items.length} application${items.length === 1 ? '' : 's'}`);
  out.push(`  network params    ${saving(totals.before.params, totals.after.params)}`);
  out.push(`  network mult-adds ${saving(totals.before.macs, totals.after.macs)}`);
  return out.join('\n');
}
