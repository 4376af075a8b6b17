/** `incc lsp`'s usage: name, summary, options and help (cli/commands/lsp.ts runs it). */
import { commandUsage } from '../command.js';

export const lspUsage = commandUsage({
  name: 'lsp',
  summary: 'run the language server (LSP over stdio) for editors',
  options: { string: 'docs-url', boolean: 'stdio' },
  help: `Usage: incc lsp [--stdio] [--docs-url URL]

Runs the .incp language server on standard input and output (the Language Server
Protocol; --stdio is accepted and is the default). Editors start it: see README,
"Editor", for Neovim, VS Code and other clients. Features: diagnostics and lint
findings as you type, hover (shapes, parameters, multiply-adds), definition,
references, completion, outline, folding, semantic tokens, formatting (incc fmt)
and quick fixes (spec/language-service.md).

Options:
  --stdio          talk over stdin/stdout (the default and only transport)
  --docs-url URL   where spec/ is on the web, for the links of codes and rules

Exit codes: 0 when the editor shuts it down, 1 when it exits without a shutdown
request (LSP's rule), 2 usage error.`,
});
