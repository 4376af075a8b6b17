/** `incc check`'s usage: name, summary, options and help (cli/commands/check.ts runs it). */
import { commandUsage } from '../command.js';

export const checkUsage = commandUsage({
  name: 'check',
  keepsWholeProgram: true,
  shortLived: true,
  summary: 'parse and check .incp files; print diagnostics',
  options: { boolean: 'quiet' },
  help: `Usage: incc check FILE... [--quiet]

Parses each file and everything it imports, elaborates every network in it
(with its parameters' defaults) and checks names, arguments and shapes.
Prints nothing and exits 0 when there is nothing to report.

Options:
  --quiet   print only errors (no warnings)

Exit codes: 0 no errors, 1 errors, 2 usage error or unreadable file.`,
});
