import { readFileSync } from 'node:fs';
import { parseSource } from '../../compiler/syntax/parse.js';
import { displayNameOf } from '../../compiler/program/node-host.js';
import { resolve } from 'node:path';
import { parseCommandArgs, printDiagnostics, UsageError } from '../io.js';
import type { Command } from '../command.js';

const options = { json: { type: 'boolean' } } as const;

export const parseCommand: Command = {
  name: 'parse',
  options,
  summary: 'print the AST of a .incp file (spans included)',
  help: `Usage: incc parse FILE --json

Parses one file (imports are not followed) and prints its abstract syntax
tree as JSON: every node has a "kind" and a "span" {file, startOffset,
endOffset, startLine, startColumn, endLine, endColumn} (1-based lines and
columns, end exclusive). Comments are listed under "comments".

Options:
  --json    print JSON (the only output format, required for forward compatibility)

Exit codes: 0 parsed, 1 syntax errors, 2 usage error or unreadable file.`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    if (!values['json']) throw new UsageError('--json is required: the AST is printed as JSON');
    const path = positionals[0]!;
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
  },
};
