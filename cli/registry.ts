/** The list of incc commands, each a thin wrapper in cli/commands/. */
import { packageVersion } from '../compiler/package.js';
import { checkCommand } from './commands/check.js';
import { compileCommand } from './commands/compile.js';
import { fmtCommand } from './commands/fmt.js';
import { graphCommand } from './commands/graph.js';
import { lintCommand } from './commands/lint.js';
import { lspCommand } from './commands/lsp.js';
import { parseCommand } from './commands/parse.js';
import { playgroundCommand } from './commands/playground.js';
import { rewriteCommand } from './commands/rewrite.js';
import { reportCommand } from './commands/report.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';
import { EXIT_STATUSES, type Command } from './command.js';
import { weightsCommand } from './commands/weights.js';

export type { Command } from './command.js';

export const commands: Command[] = [
  checkCommand,
  parseCommand,
  summaryCommand,
  rewriteCommand,
  graphCommand,
  lintCommand,
  fmtCommand,
  compileCommand,
  trainCommand,
  weightsCommand,
  reportCommand,
  lspCommand,
  playgroundCommand,
];

export const VERSION: string = packageVersion();

export function printUsage(stream: NodeJS.WritableStream): void {
  const width = Math.max(...commands.map((c) => c.name.length));
  stream.write(
    [
      'incc: the compiler for .incp, a language for Inception-family convolutional networks',
      '',
      'Usage: incc <command> [options]',
      '',
      'Commands:',
      ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
      '',
      'Options:',
      '  --help, -h     show help (also: incc <command> --help)',
      '  --version, -v  print the version',
      '',
      'Exit codes:',
      ...EXIT_STATUSES.map(({ status, meaning }) => `  ${String(status).padStart(3)}  ${meaning}`),
      '',
    ].join('\n'),
  );
}
