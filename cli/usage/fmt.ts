/** `incc fmt`'s usage: name, summary, options and help (cli/commands/fmt.ts runs it). */
import { commandUsage } from '../command.js';

export const fmtUsage = commandUsage({
  name: 'fmt',
  summary: 'format .incp files in the canonical style (the Prettier plugin); --check for CI',
  options: { string: 'print-width', boolean: 'check write' },
  help: `Usage: incc fmt FILE|DIR|GLOB... [--check | --write] [--print-width N]

Formats .incp files with incc's Prettier plugin (the same as
\`prettier --plugin incc/prettier\`). With one file and no flag, prints the
formatted text. A file with syntax errors is not formatted: its diagnostics
are printed and it is left untouched.

--write rewrites a file only when the result parses back to the same syntax
tree with the same comments. It writes through a symbolic link to the file
it points to, keeps the file's mode, owner, group and hard links, and
refuses a read-only file (README, "Formatting").

Options:
  --check          list the files that are not formatted; exit 1 if any
  --write          rewrite the files in place
  --print-width N  the line width to fit (default: printWidth of the Prettier
                   configuration that applies to the file, else 100)

Exit codes: 0 done (or all formatted), 1 files would change (--check) or
have syntax errors, 2 usage error, unreadable or unwritable file, 70 the
formatter would have changed a file's meaning (a bug: the file is left as
it was).`,
});
