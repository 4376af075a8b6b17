import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSource } from '../../compiler/syntax/parse.js';
import { displayNameOf } from '../../compiler/program/program.js';
import { expandFiles } from '../files.js';
import { parseCommandArgs, printDiagnostics, UsageError } from '../io.js';
import type { Command } from '../registry.js';

export const fmtCommand: Command = {
  name: 'fmt',
  summary: 'format .incp files in the canonical style (the Prettier plugin); --check for CI',
  help: `Usage: incc fmt FILE|DIR|GLOB... [--check | --write] [--print-width N]

Formats .incp files with incc's Prettier plugin (the same as
\`prettier --plugin incc/prettier\`). With one file and no flag, prints the
formatted text. A file with syntax errors is not formatted: its diagnostics
are printed and it is left untouched.

Options:
  --check          list the files that are not formatted; exit 1 if any
  --write          rewrite the files in place
  --print-width N  the line width to fit (default 100)

Exit codes: 0 done (or all formatted), 1 files would change (--check) or
have syntax errors, 2 usage error or unreadable file.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      check: { type: 'boolean' },
      write: { type: 'boolean' },
      'print-width': { type: 'string' },
    });
    if (values['check'] && values['write']) throw new UsageError('give --check or --write, not both');
    const width = values['print-width'] === undefined ? 100 : Number(values['print-width']);
    if (!Number.isInteger(width) || width < 20) throw new UsageError('--print-width takes a whole number of at least 20');
    if (positionals.length === 0) throw new UsageError('no input files');
    const { files, missing } = expandFiles(positionals);
    if (missing.length > 0) {
      for (const m of missing) process.stderr.write(`incc fmt: no .incp file matches ${m}\n`);
      return 2;
    }
    if (files.length > 1 && !values['check'] && !values['write']) throw new UsageError('several files: give --check or --write');
    // Prettier loads only here: the check and lint paths never pay for it.
    const { formatIncp } = await import('../../format/index.js');
    let unformatted = 0;
    let broken = 0;
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        process.stderr.write(`incc fmt: cannot read ${file}\n`);
        return 2;
      }
      const name = displayNameOf(resolve(file));
      const parsed = parseSource(text, name);
      if (!parsed.ast || parsed.diagnostics.some((d) => d.severity === 'error')) {
        printDiagnostics(parsed.diagnostics, (f) => (f === name ? text : undefined));
        broken++;
        continue;
      }
      const formatted = await formatIncp(text, { printWidth: width, filepath: file });
      if (values['check']) {
        if (formatted !== text) {
          process.stdout.write(`${file}\n`);
          unformatted++;
        }
      } else if (values['write']) {
        if (formatted !== text) {
          const temp = `${file}.incc-fmt-${process.pid}`;
          writeFileSync(temp, formatted);
          renameSync(temp, file);
        }
      } else {
        process.stdout.write(formatted);
      }
    }
    if (values['check'] && unformatted > 0) process.stderr.write(`incc fmt: ${unformatted} file${unformatted === 1 ? '' : 's'} not formatted (run incc fmt --write)\n`);
    return broken > 0 || unformatted > 0 ? 1 : 0;
  },
};
