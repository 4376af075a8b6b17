/**
 * The incc commands: each a usage (cli/usage/NAME.ts) and a module (cli/commands/NAME.ts) that exports `run`. A
 * command's module (and all it imports) is loaded only when that command runs, after its command line parsed:
 * `--help`, the usage lines and the README's table come from cli/usage/, so `incc check` loads none of lint's
 * rules, fmt's printer, the language server or the other commands.
 */
import { packageVersion } from '../compiler/package.js';
import { EXIT_STATUSES, type Command, type CommandModule, type CommandUsage } from './command.js';
import { parseCommandLine } from './command-line.js';
import { usages } from './usage/index.js';

export type { Command } from './command.js';

/** The command of a usage: `args` parsed by its options, then given to `run` of cli/commands/NAME.ts. */
function command(usage: CommandUsage): Command {
  return {
    ...usage,
    async run(args) {
      const line = parseCommandLine(args, usage.options);
      const module = (await import(`./commands/${usage.name}.js`)) as CommandModule;
      return module.run(line);
    },
  };
}

export const commands: readonly Command[] = usages.map(command);

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
