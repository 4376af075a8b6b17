import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSource } from '../../compiler/syntax/parse.js';
import { displayNameOf } from '../../compiler/program/node-host.js';
import { replaceFileContents, ReplaceError } from '../../backends/common/replace-file.js';
import { formattingProblem } from '../../format/verify.js';
import { expandFiles } from '../files.js';
import { parseCommandArgs, printDiagnostics, UsageError } from '../io.js';
import type { Command } from '../command.js';

const options = {
  check: { type: 'boolean' },
  write: { type: 'boolean' },
  'print-width': { type: 'string' },
} as const;

export const fmtCommand: Command = {
  name: 'fmt',
  options,
  summary: 'format .incp files in the canonical style (the Prettier plugin); --check for CI',
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
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (values['check'] && values['write']) throw new UsageError('give --check or --write, not both');
    // Without --print-width, the width is the Prettier configuration's for each file, else the plugin's 100.
    const width = values['print-width'] === undefined ? undefined : Number(values['print-width']);
    if (width !== undefined && (!Number.isInteger(width) || width < 20))
      throw new UsageError('--print-width takes a whole number of at least 20');
    if (positionals.length === 0) throw new UsageError('no input files');
    const { files, missing } = expandFiles(positionals);
    if (missing.length > 0) {
      for (const m of missing) process.stderr.write(`incc fmt: no .incp file matches ${m}\n`);
      return 2;
    }
    if (files.length > 1 && !values['check'] && !values['write'])
      throw new UsageError('several files: give --check or --write');
    // Prettier loads only here: the check and lint paths never pay for it.
    const { formatIncp } = await import('../../format/index.js');
    const mode = values['check'] ? 'check' : values['write'] ? 'write' : 'print';
    const counts = { unformatted: 0, broken: 0, unwritable: 0, internal: 0 };
    for (const file of files) {
      const outcome = await formatFile(file, mode, (text) => formatIncp(text, { printWidth: width, filepath: file }));
      if (outcome === 'unreadable') return 2;
      if (outcome !== 'ok') counts[outcome]++;
    }
    const { unformatted, broken, unwritable, internal } = counts;
    if (values['check'] && unformatted > 0)
      process.stderr.write(
        `incc fmt: ${unformatted} file${unformatted === 1 ? '' : 's'} not formatted (run incc fmt --write)\n`,
      );
    if (internal > 0) return 70;
    if (unwritable > 0) return 2;
    return broken > 0 || unformatted > 0 ? 1 : 0;
  },
};

type Outcome = 'ok' | 'unformatted' | 'broken' | 'unwritable' | 'internal' | 'unreadable';

/**
 * One file of `incc fmt`: printed, checked or rewritten (`mode`) with `format`. Whatever `format` returns is
 * used only when it parses back to the same syntax tree with the same comments (format/verify.ts).
 */
export async function formatFile(
  file: string,
  mode: 'check' | 'write' | 'print',
  format: (text: string) => Promise<string>,
): Promise<Outcome> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    process.stderr.write(`incc fmt: cannot read ${file}\n`);
    return 'unreadable';
  }
  const name = displayNameOf(resolve(file));
  const parsed = parseSource(text, name);
  if (!parsed.ast || parsed.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(parsed.diagnostics, (f) => (f === name ? text : undefined));
    return 'broken';
  }
  let formatted: string;
  let problem: string | undefined;
  try {
    formatted = await format(text);
    problem = formattingProblem(text, formatted);
  } catch (e) {
    formatted = text;
    problem = `the formatter failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (problem !== undefined) {
    process.stderr.write(
      `incc fmt: internal error: ${file}: ${problem}; the file is left as it was. Please report it with the file.\n`,
    );
    return 'internal';
  }
  if (mode === 'print') {
    process.stdout.write(formatted);
    return 'ok';
  }
  if (formatted === text) return 'ok';
  if (mode === 'check') {
    process.stdout.write(`${file}\n`);
    return 'unformatted';
  }
  try {
    replaceFileContents(file, formatted);
  } catch (e) {
    if (!(e instanceof ReplaceError)) throw e;
    process.stderr.write(`incc fmt: ${e.message}\n`);
    return 'unwritable';
  }
  return 'ok';
}
