import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSource } from '../../compiler/syntax/parse.js';
import { displayNameOf } from '../../compiler/program/node-host.js';
import { replaceFileContents, ReplaceError } from '../../backends/common/replace-file.js';
import { formattingProblem } from '../../format/verify.js';
import { expandFiles } from '../files.js';
import { printDiagnostics, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import type { fmtUsage } from '../usage/fmt.js';

export async function run({ values, inputs }: CommandLine<typeof fmtUsage>): Promise<number> {
  if (values.check && values.write) throw new UsageError('give --check or --write, not both');
  // Without --print-width, the width is the Prettier configuration's for each file, else the plugin's 100.
  const width = values['print-width'] === undefined ? undefined : Number(values['print-width']);
  if (width !== undefined && (!Number.isInteger(width) || width < 20))
    throw new UsageError('--print-width takes a whole number of at least 20');
  const { files, missing } = expandFiles(inputs());
  if (missing.length > 0) {
    for (const m of missing) process.stderr.write(`incc fmt: no .incp file matches ${m}\n`);
    return 2;
  }
  if (files.length > 1 && !values.check && !values.write)
    throw new UsageError('several files: give --check or --write');
  // Prettier loads only here: the check and lint paths never pay for it.
  const { formatIncp } = await import('../../format/index.js');
  const mode = values.check ? 'check' : values.write ? 'write' : 'print';
  const counts = { unformatted: 0, broken: 0, unwritable: 0, internal: 0 };
  for (const file of files) {
    const outcome = await formatFile(file, mode, (text) => formatIncp(text, { printWidth: width, filepath: file }));
    if (outcome === 'unreadable') return 2;
    if (outcome !== 'ok') counts[outcome]++;
  }
  const { unformatted, broken, unwritable, internal } = counts;
  if (values.check && unformatted > 0)
    process.stderr.write(
      `incc fmt: ${unformatted} file${unformatted === 1 ? '' : 's'} not formatted (run incc fmt --write)\n`,
    );
  if (internal > 0) return 70;
  if (unwritable > 0) return 2;
  return broken > 0 || unformatted > 0 ? 1 : 0;
}

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
