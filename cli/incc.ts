#!/usr/bin/env node
/**
 * The incc command line: a thin layer over the library API. Exit codes: 0 clean, 1 diagnostics with
 * errors, 2 usage error or unreadable file. An unexpected exception is reported as an internal error
 * (exit 70), never as a bare stack trace. When the reader of standard output or standard error goes away
 * (`incc parse --json | head`), incc stops at once and quietly with status 141 (128 + SIGPIPE: what the
 * shell reports for `cat` or `yes` in that pipe); every command's output goes through these two streams,
 * so this is the one place that handles it.
 */
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { commands, printUsage, VERSION } from './registry.js';
import { didYouMean } from '../compiler/diagnostics/diagnostics.js';
import { UsageError, type CommandUsage } from './command.js';

/** The most bytes of input files for which a short-lived command runs without TurboFan (about 8,000 lines). */
const SHORT_RUN_BYTES = 256 * 1024;

/**
 * The bytes of the files a command line names as operands (options, their values and what does not exist count
 * nothing). Read before the command parses its line, to choose V8's flags; a bad line is reported by the command.
 */
function operandBytes(args: readonly string[], options: CommandUsage['options']): number {
  let bytes = 0;
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' && !optionsEnded) {
      optionsEnded = true;
      continue;
    }
    if (a.startsWith('-') && !optionsEnded) {
      const name = a.replace(/^--?/, '').split('=')[0]!;
      if (!a.includes('=') && options[name] !== undefined && options[name].type === 'string') i++; // its value
      continue;
    }
    try {
      const s = statSync(a);
      bytes += s.isFile() ? s.size : SHORT_RUN_BYTES + 1; // a folder: as many files as it holds, so large
    } catch {
      // Not a file: the command reports it.
    }
  }
  return bytes;
}

/**
 * Sets a V8 flag for this run, and sets it back (`restore`: V8's default) when the process exits: the launcher
 * (cli/launcher.ts) makes its code cache then, and V8 rejects a cache made under flags other than those of the
 * next run's start.
 */
function tuneV8(flag: string, restore: string): void {
  setFlagsFromString(flag);
  process.once('exit', () => setFlagsFromString(restore));
}

/** The status of a process whose output pipe was closed by its reader: 128 + SIGPIPE (13). */
const CLOSED_PIPE_STATUS = 141;

function endOnOutputError(stream: NodeJS.WriteStream, name: string): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(CLOSED_PIPE_STATUS);
    if (stream !== process.stderr) process.stderr.write(`incc: cannot write to ${name}: ${e.message}\n`);
    process.exit(2);
  });
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printUsage(process.stdout);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const close = didYouMean(
      name,
      commands.map((c) => c.name),
    );
    process.stderr.write(`incc: '${name}' is not an incc command${close}\nRun 'incc --help' for the commands.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  // V8 compiles the functions a process runs often with TurboFan, on another thread, and the code pays back only
  // after many calls: in `incc check` of the 5,000-line benchmark file (157 kB) it compiled some 170 functions, a
  // third of the process's CPU time, and the run ended before it paid back (interpreted, with the baseline
  // compiler, the run took a third less time). On larger inputs it pays back: 25,000 lines (785 kB) took about
  // 10% longer without it, and `lint`, whose rules run long loops, took twice as long on 5,000 lines. So: off for
  // a short-lived command whose files are small.
  if (command.shortLived && operandBytes(rest, command.options) <= SHORT_RUN_BYTES) tuneV8('--no-opt', '--opt');
  // V8 starts the young generation at 1 MB a semi-space and doubles it as objects survive. Check and lint keep
  // what they build (tokens, AST, IR) to the end, so nearly everything survives: each larger scavenge copied more
  // of it into newly touched memory (page faults cost much in a VM) and the process ended at 74 MB. Kept at its
  // first size, survivors are promoted after one or two small scavenges: in bench/check.mjs's 5,000-line file the
  // process peaked at 61 MB and took about 15% less time, lint of that file 17% less, check of 25,000 lines 16%
  // less (interleaved runs, medians). Commands that lower or train (large, short-lived temporaries) ran 10%
  // slower with it, so it is not the default.
  if (command.keepsWholeProgram) tuneV8('--semi-space-growth-factor=1', '--semi-space-growth-factor=2');
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      // As git and npm do: the one line that says what is wrong, and where the usage is; not the whole help.
      process.stderr.write(`incc ${name}: ${e.message}\n${e.showHelp ? `Run 'incc ${name} --help' for usage.\n` : ''}`);
      return 2;
    }
    throw e;
  }
}

endOnOutputError(process.stdout, 'standard output');
endOnOutputError(process.stderr, 'standard error');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(
      `incc: internal error: ${e instanceof Error ? e.message : String(e)}\nPlease report it with the input ` +
        `that caused it.\n`,
    );
    if (process.env['INCC_DEBUG']) process.stderr.write(`${detail}\n`);
    process.exitCode = 70;
  },
);
