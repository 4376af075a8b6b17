/**
 * One incc command: its usage (cli/usage/NAME.ts: name, summary, options, help) and its code
 * (cli/commands/NAME.ts, exporting `run`), which cli/registry.ts joins, importing the code only when it runs.
 */
import type { ParseArgsConfig } from 'node:util';

/** A command's options, as node:util parseArgs takes them: the one definition that parsing, `--help` and the
 * README's command table (scripts/cli-docs.mjs, checked by test/cli-docs.test.ts) agree with. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** A command's options by kind, each kind a list of names separated by single spaces (as minimist takes them by
 * kind): `{ string: 'out seed', boolean: 'force' }`. */
export interface OptionNames {
  /** Options that take a value: `--out PATH`. */
  string?: string;
  /** Options that take a value and may be given again: `--set NAME=VALUE`... (an array of the values). */
  multiple?: string;
  /** Flags: `--force`. */
  boolean?: string;
}

/** The names of a list separated by spaces: `'out seed'` -> `'out' | 'seed'`. */
type Names<L extends string> = L extends `${infer N} ${infer Rest}` ? N | Names<Rest> : L;

/** The names `K` gives options of kind `Kind`; none when it gives no such kind. */
type NamesOf<K extends OptionNames, Kind extends keyof OptionNames> = K extends { [P in Kind]: infer L extends string }
  ? Names<L>
  : never;

/** The parseArgs options of `OptionNames`, each name with its type. */
export type OptionsOf<K extends OptionNames> = { [N in NamesOf<K, 'string'>]: { type: 'string' } } & {
  [N in NamesOf<K, 'multiple'>]: { type: 'string'; multiple: true };
} & { [N in NamesOf<K, 'boolean'>]: { type: 'boolean' } };

/** What a command needs to show its help and be listed (cli/usage/), without the code that runs it. */
export interface CommandUsage<O extends CommandOptions = CommandOptions> {
  name: string;
  /** One line: what the command does (`incc --help`, the README's command table). */
  summary: string;
  /** The options the command accepts; `help` lists each of them in its `Options:` section. */
  options: O;
  /** `incc NAME --help`: `Usage:` lines first, then an `Options:` section with one `--option` a line. */
  help: string;
  /**
   * A command that runs for a second or so at most on small files (the front end alone): the `incc` process turns
   * V8's optimizing compiler off for it when its files are small (cli/incc.ts), where it costs more than it saves.
   */
  shortLived?: boolean;
  /**
   * A command that builds a whole file's AST and IR, keeps them to the end, and exits: the `incc` process keeps
   * V8's young generation at its initial size for it (cli/incc.ts), so that the survivors are promoted early
   * instead of copied by ever larger scavenges into fresh memory.
   */
  keepsWholeProgram?: boolean;
}

/** A command's usage, its options given by kind. */
export function commandUsage<const K extends OptionNames>(
  usage: Omit<CommandUsage, 'options'> & { options: K },
): CommandUsage<OptionsOf<K>> {
  const options: CommandOptions = {};
  for (const [kind, names] of Object.entries(usage.options) as [keyof OptionNames, string][])
    for (const name of names.split(' '))
      options[name] = kind === 'multiple' ? { type: 'string', multiple: true } : { type: kind };
  return { ...usage, options: options as OptionsOf<K> };
}

type ValueOf<T> = T extends { type: 'boolean' } ? boolean : T extends { multiple: true } ? string[] : string;

/** parseArgs's values for `O`: each option's value, undefined when it is not given. */
export type OptionValues<O extends CommandOptions> = { [N in keyof O]?: ValueOf<O[N]> };

/** A command line, parsed by its command's options (cli/command-line.ts), as the command's `run` takes it. */
export interface CommandLine<U extends CommandUsage = CommandUsage> {
  values: OptionValues<U['options']>;
  /** The arguments that are not options, in order. */
  positionals: string[];
  /** The one positional argument (`what`: FILE, RUN_DIR, ...), or a usage error: `expected exactly one FILE`. */
  operand: (what: string) => string;
  /** The positional arguments, files to expand, or a usage error when there are none: `no input files`. */
  inputs: () => string[];
}

/** What cli/commands/NAME.ts exports: the code of command NAME. */
export interface CommandModule {
  run(line: CommandLine): Promise<number>;
}

/** A command as `incc` lists and runs it: its usage, and `run`, which parses `args` and runs its module. */
export interface Command extends CommandUsage {
  run(args: string[]): Promise<number>;
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
