import { checkFiles } from '../../compiler/program/check.js';
import { printDiagnostics, summaryLine } from '../io.js';
import type { CommandLine } from '../command.js';
import type { checkUsage } from '../usage/check.js';

export async function run({ values, inputs }: CommandLine<typeof checkUsage>): Promise<number> {
  const result = checkFiles(inputs());
  if (result.unreadable.length > 0) {
    for (const f of result.unreadable) process.stderr.write(`incc check: cannot read ${f}\n`);
    return 2;
  }
  const shown = values.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
  printDiagnostics(shown, result.sourceOf);
  if (shown.length > 0) process.stderr.write(`${summaryLine(result.diagnostics)}\n`);
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
