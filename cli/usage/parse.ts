/** `incc parse`'s usage: name, summary, options and help (cli/commands/parse.ts runs it). */
import type { CommandUsage } from '../command.js';

const options = { json: { type: 'boolean' } } as const;

export const parseUsage = {
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
} satisfies CommandUsage;
