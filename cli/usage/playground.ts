/** `incc playground`'s usage: name, summary, options and help (cli/commands/playground.ts runs it). */
import { commandUsage } from '../command.js';

/** The port `incc playground` serves on when --port is not given. */
export const DEFAULT_PORT = 4177;

export const playgroundUsage = commandUsage({
  name: 'playground',
  summary: 'serve the playground (edit .incp in a browser: diagram, summary, lint, live) on 127.0.0.1',
  options: { string: 'port' },
  help: `Usage: incc playground [--port N]

Serves the playground, a page that compiles .incp as you type (diagnostics, the
summary, lint findings, rewrites and the diagram; nothing leaves the browser), on
http://127.0.0.1:N/ and prints that address. Ctrl-C stops it. The same folder
(dist/playground/ in the package) can be put on any static host.

Options:
  --port N   the port (default ${DEFAULT_PORT}; 0 picks a free one)

Exit codes: 2 usage error, the port is taken or the playground is not built; 130 stopped by Ctrl-C.`,
});
