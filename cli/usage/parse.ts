/** `incc parse`'s usage: name, summary, options and help (cli/commands/parse.ts runs it). */
import { commandUsage } from '../command.js';

export const parseUsage = commandUsage({
  name: 'parse',
  summary: 'print the AST of a .incp file (spans included)',
  options: { boolean: 'json' },
  help: `Usage: incc parse FILE --json

Parses one file (imports are not followed) and prints its abstract syntax
tree as JSON: every node has a "kind" and a "span" {file, startOffset,
endOffset, startLine, startColumn, endLine, endColumn} (1-based lines and
columns, end exclusive). Comments are listed under "comments".

Options:
  --json    print JSON (the only output format, required for forward compatibility)

Exit codes: 0 parsed, 1 syntax errors, 2 usage error or unreadable file.`,
});
