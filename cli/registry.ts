/**
 * The list of incc commands, each a thin wrapper in cli/commands/. A command's module (and all it imports) is
 * loaded only when that command runs: `--help`, the usage lines and the README's table come from cli/usage/,
 * so `incc check` loads none of lint's rules, fmt's printer, the language server or the other commands.
 */
import { packageVersion } from '../compiler/package.js';
import { EXIT_STATUSES, type Command, type CommandUsage } from './command.js';
import {
  checkUsage,
  compileUsage,
  fmtUsage,
  graphUsage,
  lintUsage,
  lspUsage,
  parseUsage,
  playgroundUsage,
  reportUsage,
  rewriteUsage,
  summaryUsage,
  trainUsage,
  weightsUsage,
} from './usage/index.js';

export type { Command } from './command.js';

/** A command whose code is imported when it runs. */
function lazy(usage: CommandUsage, load: () => Promise<Command>, shortLived = false): Command {
  return { ...usage, run: async (args) => (await load()).run(args), ...(shortLived ? { shortLived } : {}) };
}

export const commands: Command[] = [
  lazy(checkUsage, async () => (await import('./commands/check.js')).checkCommand, true),
  lazy(parseUsage, async () => (await import('./commands/parse.js')).parseCommand),
  lazy(summaryUsage, async () => (await import('./commands/summary.js')).summaryCommand),
  lazy(rewriteUsage, async () => (await import('./commands/rewrite.js')).rewriteCommand),
  lazy(graphUsage, async () => (await import('./commands/graph.js')).graphCommand),
  lazy(lintUsage, async () => (await import('./commands/lint.js')).lintCommand, true),
  lazy(fmtUsage, async () => (await import('./commands/fmt.js')).fmtCommand),
  lazy(compileUsage, async () => (await import('./commands/compile.js')).compileCommand),
  lazy(trainUsage, async () => (await import('./commands/train.js')).trainCommand),
  lazy(weightsUsage, async () => (await import('./commands/weights.js')).weightsCommand),
  lazy(reportUsage, async () => (await import('./commands/report.js')).reportCommand),
  lazy(lspUsage, async () => (await import('./commands/lsp.js')).lspCommand),
  lazy(playgroundUsage, async () => (await import('./commands/playground.js')).playgroundCommand),
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
