import { readFileSync } from 'node:fs';
import { parseSource } from '../../compiler/syntax/parse.js';
import { displayNameOf } from '../../compiler/program/node-host.js';
import { resolve } from 'node:path';
import { printDiagnostics, UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import type { parseUsage } from '../usage/parse.js';

export async function run({ values, operand }: CommandLine<typeof parseUsage>): Promise<number> {
  const path = operand('FILE');
  if (!values.json) throw new UsageError('--json is required: the AST is printed as JSON');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    process.stderr.write(`incc parse: cannot read ${path}\n`);
    return 2;
  }
  const name = displayNameOf(resolve(path));
  const result = parseSource(text, name);
  if (!result.ast || result.diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(result.diagnostics, (f) => (f === name ? text : undefined));
    return 1;
  }
  process.stdout.write(`${JSON.stringify(result.ast, null, 2)}\n`);
  return 0;
}
