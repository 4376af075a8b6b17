/** A command line parsed by its command's options (node:util parseArgs), before the command's code loads. */
import { parseArgs } from 'node:util';
import { UsageError, type CommandLine, type CommandOptions, type CommandUsage } from './command.js';

/** `args` parsed by `options`, parseArgs's errors turned into usage errors. */
export function parseCommandLine<U extends CommandUsage>(args: string[], options: U['options']): CommandLine<U> {
  // `--seed -1`: Node's parser takes `-1` for an option and answers with its own advice; a negative number
  // after an option that takes a value is that value (the command then says what it accepts).
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i]!)?.[1];
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(args[i]!);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options: options as CommandOptions, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '') : String(e));
  }
  const { positionals } = parsed;
  return {
    values: parsed.values as CommandLine<U>['values'],
    positionals,
    operand(what) {
      if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}`);
      return positionals[0]!;
    },
    inputs() {
      if (positionals.length === 0) throw new UsageError('no input files');
      return positionals;
    },
  };
}
