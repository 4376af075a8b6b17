/**
 * What `incc lint --fix` (or `--fix-dry-run`) changed in each file (spec/lint.md, "Fixing findings"): the
 * findings fixed and the `apply` that fixed each, every rewrite it made with its parameters and
 * multiply-adds before and after (as `incc rewrite --explain` reports them), each network's totals, and
 * the fixes that were not written and why.
 */
import type { Cost } from '../../rewrite/cost.js';
import { literal } from '../../print/emit.js';
import { saving } from '../../rewrite/explain.js';
import type { FileFix } from '../engine/fix-file.js';

const costLine = (before: Cost, after: Cost) =>
  `params ${saving(before.params, after.params)}, mult-adds ${saving(before.macs, after.macs)}`;

export function formatFixSummary(fixes: { file: string; fix: FileFix }[], dryRun: boolean): string {
  const out: string[] = [];
  let fixedCount = 0;
  let files = 0;
  for (const { file, fix } of fixes) {
    if (fix.fixed.length === 0 && fix.notFixed.length === 0) continue;
    fixedCount += fix.fixed.length;
    if (fix.fixed.length > 0) files++;
    const n = fix.fixed.length;
    out.push(n > 0 ? `${file}: ${dryRun ? 'would fix' : 'fixed'} ${n} finding${n === 1 ? '' : 's'}` : `${file}:`);
    for (const f of fix.fixed) {
      out.push(`  ${f.message.line}:${f.message.column}  ${f.message.ruleId}  apply ${f.apply}`);
    }
    for (const a of fix.applications) {
      const args = Object.entries(a.args)
        .map(([k, v]) => `${k}=${literal(v)}`)
        .join(', ');
      out.push(`    ${a.rule}(${args}) at ${a.node}: ${a.before.join(' -> ')}  =>  ${a.after.join(' -> ')}`);
      out.push(`      ${costLine(a.cost.before, a.cost.after)}`);
    }
    for (const c of fix.networks) out.push(`  network ${c.network}: ${costLine(c.before, c.after)}`);
    for (const x of fix.notFixed) {
      out.push(`  not fixed: ${x.message.line}:${x.message.column}  ${x.message.ruleId}: ${x.why}`);
    }
  }
  if (out.length === 0) return '';
  out.push(
    `${dryRun ? 'would fix' : 'fixed'} ${fixedCount} finding${fixedCount === 1 ? '' : 's'} in ${files} ` +
      `file${files === 1 ? '' : 's'}`,
  );
  return out.join('\n');
}
