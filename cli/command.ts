/** One incc command (cli/commands/), as cli/registry.ts lists them. */
import type { ParseArgsConfig } from 'node:util';

/** A command's options, as node:util parseArgs takes them: the one definition that parsing, `--help` and the
 * README's command table (scripts/cli-docs.mjs, checked by test/cli-docs.test.ts) agree with. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** What the registry and `--help` need of a command (cli/usage/), without the code that runs it. */
export interface CommandUsage {
  name: string;
  /** One line: what the command does (`incc --help`, the README's command table). */
  summary: string;
  /** The options the command accepts; `help` lists each of them in its `Options:` section. */
  options: CommandOptions;
  /** `incc NAME --help`: `Usage:` lines first, then an `Options:` section with one `--option` a line. */
  help: string;
}

export interface Command extends CommandUsage {
  run(args: string[]): Promise<number>;
  /**
   * A command that runs for a second or so at most (the front end on files of at most MAX_TOKENS): the `incc`
   * process turns V8's optimizing compiler off for it (cli/incc.ts), which costs it more than its code saves.
   */
  shortLived?: boolean;
}

/** incc's exit statuses, for every command (`incc --help`, the README); a command's help says which it uses. */
export const EXIT_STATUSES: readonly { status: number; meaning: string }[] = [
  { status: 0, meaning: 'done, no errors' },
  { status: 1, meaning: 'diagnostics with errors (or lint findings over the limits)' },
  { status: 2, meaning: 'usage error, unreadable input or output that cannot be written' },
  { status: 70, meaning: 'internal error (a bug in incc: please report it with the input)' },
  { status: 130, meaning: 'stopped by Ctrl-C (incc train saves its checkpoint first)' },
  { status: 141, meaning: 'output pipe closed by its reader (`incc parse --json FILE | head`)' },
];

/** A command line that is wrong: incc prints the message (and where the usage is) and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showHelp = true,
  ) {
    super(message);
  }
}
