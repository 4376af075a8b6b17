/** What the commands share: reading input files, printing diagnostics, `--set` values. */
import { formatDiagnostic } from '../compiler/print/code-frame.js';
import type { Diagnostic } from '../compiler/diagnostics/diagnostics.js';
import { parseValue, valueProblem } from '../compiler/syntax/parse-value.js';
import type { Value } from '../compiler/ir/values.js';
import { UsageError } from './command.js';

export { UsageError };

/**
 * At most this many diagnostics are printed (a generated file can have hundreds of thousands); the summary line counts
 * them all.
 */
export const MAX_PRINTED_DIAGNOSTICS = 100;

/**
 * Whether to colour what goes to `stream`, as Node's own tools and chalk decide: FORCE_COLOR (other than
 * "0" or "false") turns colour on, NO_COLOR turns it off, otherwise a terminal gets colour.
 */
export function useColor(stream: NodeJS.WritableStream): boolean {
  const force = process.env['FORCE_COLOR'];
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (force !== undefined || process.env['NO_COLOR']) return false;
  return (stream as NodeJS.WriteStream).isTTY === true;
}

export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  sourceOf: (file: string) => string | undefined,
  stream: NodeJS.WritableStream = process.stderr,
): void {
  const color = useColor(stream);
  for (const d of diagnostics.slice(0, MAX_PRINTED_DIAGNOSTICS))
    stream.write(`${formatDiagnostic(d, sourceOf, { color })}\n`);
  const more = diagnostics.length - MAX_PRINTED_DIAGNOSTICS;
  if (more > 0) stream.write(`... and ${more} more diagnostic${more === 1 ? '' : 's'} not shown\n`);
}

export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** Loads a program, or prints "cannot read" and returns undefined (the command then exits 2). */
export function readProgramOrExit<P>(path: string, load: (path: string) => P): P | undefined {
  try {
    return load(path);
  } catch {
    process.stderr.write(`incc: cannot read ${path}\n`);
    return undefined;
  }
}

/** `--set name=value` pairs, each value an .incp expression. */
export function parseSetArgs(pairs: string[] | undefined): Record<string, Value> {
  // No prototype: a parameter named `__proto__` or `constructor` is an own key like any other.
  const out = Object.create(null) as Record<string, Value>;
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs NAME=VALUE, got '${pair}'`);
    const name = pair.slice(0, eq).trim();
    const text = pair.slice(eq + 1);
    const value = parseValue(text);
    if (value === undefined) {
      const problem = valueProblem(text);
      throw new UsageError(
        problem !== undefined
          ? `--set ${name}: ${problem}`
          : `--set ${name}: '${text}' is not a value (an integer, number, true/false, size like 224x224x3, or ` +
              `"string")`,
      );
    }
    out[name] = value;
  }
  return out;
}
