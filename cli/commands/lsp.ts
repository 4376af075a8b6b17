import { parseCommandArgs } from '../io.js';
import { packageInfo } from '../package-info.js';
import type { Command } from '../command.js';

const options = { stdio: { type: 'boolean' }, 'docs-url': { type: 'string' } } as const;

export const lspCommand: Command = {
  name: 'lsp',
  options,
  summary: 'run the language server (LSP over stdio) for editors',
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
  async run(args) {
    const { values } = parseCommandArgs(args, options);
    const { startServer } = await import('../../language-server/server.js');
    const docsUrl = (values['docs-url'] as string | undefined) ?? packageInfo().docsUrl;
    const connection = startServer(process.stdin, process.stdout, { docsUrl });
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
