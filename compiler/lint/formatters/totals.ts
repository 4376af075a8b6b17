/** The one-line totals that close every human-readable lint output. */
import type { LintResult } from '../engine/lint.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 problems (1 error, 2 warnings, 0 info) in 2 files`, or `2 files linted: no problems`. */
export function totalsText(results: LintResult[]): string {
  const count = (f: (r: LintResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const [errors, warnings, infos] = [
    count((r) => r.errorCount),
    count((r) => r.warningCount),
    count((r) => r.infoCount),
  ];
  const total = errors + warnings + infos;
  const files = plural(results.length, 'file');
  return total === 0
    ? `${files} linted: no problems`
    : `${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info) ` +
        `in ${files}`;
}
