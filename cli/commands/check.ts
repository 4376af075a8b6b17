import { checkFiles } from '../../compiler/program/check.js';
import { parseCommandArgs, printDiagnostics, summaryLine, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { checkUsage } from '../usage/index.js';

const { options } = checkUsage;

export const checkCommand: Command = {
  ...checkUsage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length === 0) throw new UsageError('no input files');
    const result = checkFiles(positionals);
    if (result.unreadable.length > 0) {
      for (const f of result.unreadable) process.stderr.write(`incc check: cannot read ${f}\n`);
      return 2;
    }
    const shown = values['quiet'] ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
    printDiagnostics(shown, result.sourceOf);
    if (shown.length > 0) process.stderr.write(`${summaryLine(result.diagnostics)}\n`);
    return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
