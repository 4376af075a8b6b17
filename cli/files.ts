/**
 * Expanding the files a command is given: plain paths, folders (every .incp below them) and globs
 * (`*` within a path segment, `**` for any depth, `?` for one character). The result is sorted and
 * free of duplicates, so the order of output is the same on every machine.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, normalize, relative, sep } from 'node:path';

const skipped = new Set(['node_modules', '.git', 'dist']);

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (skipped.has(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile() && e.name.endsWith('.incp')) out.push(path);
  }
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The .incp files `args` name; `missing` lists the arguments that matched nothing. */
export function expandFiles(args: string[]): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const arg of args) {
    if (/[*?]/.test(arg)) {
      const base = arg.slice(0, arg.search(/[*?]/)).replace(/[^/]*$/, '') || '.';
      const re = globToRegExp(arg.replace(/^\.\//, ''));
      const found: string[] = [];
      walk(base, found);
      const matched = found.filter((f) => re.test(relative('.', f).split(sep).join('/')));
      if (matched.length === 0) missing.push(arg);
      matched.forEach((f) => files.add(f));
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      missing.push(arg);
      continue;
    }
    if (isDir) {
      const found: string[] = [];
      walk(arg, found);
      found.forEach((f) => files.add(f));
    } else files.add(normalize(arg)); // `./a.incp` and `a.incp` are one file
  }
  return { files: [...files].sort(), missing };
}
