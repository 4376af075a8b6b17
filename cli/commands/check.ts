import { checkFiles } from '../../compiler/program/check.js';
import { parseCommandArgs, printDiagnostics, summaryLine, UsageError } from '../io.js';
import type { Command } from '../command.js';

const options = { quiet: { type: 'boolean' } } as const;

export const checkCommand: Command = {
  name: 'check',
  options,
  summary: 'parse and check .incp files; print diagnostics',
  help: `Usage: incc check FILE... [--quiet]

Parses each file and everything it imports, elaborates every network in it
(with its parameters' defaults) and checks names, arguments and shapes.
Prints nothing and exits 0 when there is nothing to report.

Options:
  --quiet   print only errors (no warnings)

Exit codes: 0 no errors, 1 errors, 2 usage error or unreadable file.`,
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
