/**
 * Writing Python source as `ruff format` (Black's style, 88 columns) leaves it, so that the generated files
 * pass `ruff format --check` unchanged (test/pytorch-lint.test.ts checks it with ruff itself).
 */

export const LINE = 88;

/** A Python float literal (`1.0`, `0.001`, `1e-07` is written `1e-7`, which Python reads the same). */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** A Python string literal in double quotes. */
export function pyString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function pyTuple(xs: readonly (number | string)[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/** An argument: a plain expression, or a list of expressions (split one per line when too long). */
export type Arg = string | { list: string[]; keyword?: string };

function argText(a: Arg): string {
  if (typeof a === 'string') return a;
  return `${a.keyword ? `${a.keyword}=` : ''}[${a.list.join(', ')}]`;
}

/**
 * `prefix(args)` at `indent` spaces, as ruff formats it: one line if it fits; else the arguments on one
 * line of their own; else one argument a line with a trailing comma (a list argument itself exploded when
 * it does not fit on its line). `prefix` is e.g. `x = self.conv1` or `return torch.cat`.
 */
export function call(indent: number, prefix: string, args: readonly Arg[]): string[] {
  const pad = ' '.repeat(indent);
  const inner = ' '.repeat(indent + 4);
  const flat = args.map(argText).join(', ');
  const one = `${pad}${prefix}(${flat})`;
  if (one.length <= LINE) return [one];
  const body = `${inner}${flat}`;
  // A single list argument hugs nothing in Black's stable style: it is split like any other.
  if (body.length <= LINE) return [`${pad}${prefix}(`, body, `${pad})`];
  const lines = [`${pad}${prefix}(`];
  for (const a of args) {
    const text = `${inner}${argText(a)},`;
    if (typeof a === 'string' || text.length <= LINE) lines.push(text);
    else {
      lines.push(`${inner}${a.keyword ? `${a.keyword}=` : ''}[`);
      for (const item of a.list) lines.push(`${inner}    ${item},`);
      lines.push(`${inner}],`);
    }
  }
  lines.push(`${pad})`);
  return lines;
}
