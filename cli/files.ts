/**
 * Expanding the files a command is given, as ESLint does: plain paths, folders (every .incp below them) and
 * glob patterns (tinyglobby: `*`, `**`, `?`, `[abc]`, `{a,b}`; a pattern that starts with `!` removes what
 * it matches from the other arguments' files). Files found in folders or by patterns are skipped when a
 * .gitignore (from the repository root down to the file's folder) or the `ignorePatterns` of the nearest
 * incc.config.json ignores them; a file named explicitly is always taken. The result is sorted and free of
 * duplicates, so the order of output is the same on every machine.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { CONFIG_FILE } from '../compiler/lint/engine/config.js';
import { findConfig, readConfig } from '../compiler/lint/engine/config-file.js';

/** Never searched: they hold installed or built copies, not the user's sources. */
const skipped = ['**/node_modules/**', '**/.git/**', '**/dist/**'];

const posix = (p: string): string => p.split(sep).join('/');

export interface ExpandOptions {
  /** Honour .gitignore files and incc.config.json `ignorePatterns` (default true). */
  ignoreFiles?: boolean;
}

/** The .incp files `args` name; `missing` lists the arguments that matched nothing. */
export function expandFiles(args: string[], options: ExpandOptions = {}): { files: string[]; missing: string[] } {
  const files = new Set<string>();
  const missing: string[] = [];
  const ignored = options.ignoreFiles === false ? () => false : ignoreChecker();
  const negations = args.filter((a) => a.startsWith('!')).map((a) => a.slice(1));
  for (const arg of args) {
    if (arg.startsWith('!')) continue;
    if (isDynamicPattern(arg)) {
      const matched = globSync(arg, { ignore: skipped, onlyFiles: true, dot: false, expandDirectories: false })
        .filter((f) => f.endsWith('.incp'))
        .map(normalize);
      const kept = matched.filter((f) => !ignored(f));
      if (matched.length === 0) missing.push(arg);
      kept.forEach((f) => files.add(f));
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
      const cwd = normalize(arg);
      const found = globSync('**/*.incp', { cwd, ignore: skipped, onlyFiles: true, dot: false }).map((f) =>
        join(cwd, f),
      );
      found.filter((f) => !ignored(f)).forEach((f) => files.add(f));
    } else files.add(normalize(arg)); // `./a.incp` and `a.incp` are one file; named files are never ignored
  }
  if (negations.length > 0) {
    const removed = new Set(globSync(negations, { onlyFiles: true, expandDirectories: false }).map(normalize));
    for (const f of [...files]) if (removed.has(f)) files.delete(f);
  }
  return { files: [...files].sort(), missing };
}

/** Whether a found file is ignored by a .gitignore above it (up to the repository root) or by its config. */
function ignoreChecker(): (file: string) => boolean {
  const perDir = new Map<string, Ignore | null>();
  const rules = (dir: string, file: string, patterns: () => string[] | undefined): Ignore | null => {
    const key = `${file}\u0000${dir}`;
    if (!perDir.has(key)) {
      const list = patterns();
      perDir.set(key, list && list.length > 0 ? ignore().add(list) : null);
    }
    return perDir.get(key)!;
  };
  return (file) => {
    const abs = resolve(file);
    // .gitignore files from the file's folder up to the repository root (the folder that holds .git).
    for (let dir = dirname(abs); ; dir = dirname(dir)) {
      const gitignore = join(dir, '.gitignore');
      const ig = rules(dir, '.gitignore', () =>
        existsSync(gitignore) ? readFileSync(gitignore, 'utf8').split(/\r?\n/) : undefined,
      );
      if (ig?.ignores(posix(relative(dir, abs)))) return true;
      if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
    }
    // ignorePatterns of the nearest incc.config.json, relative to its folder (as ESLint's eslintrc had them).
    const config = findConfig(dirname(abs));
    if (config) {
      const dir = dirname(config);
      const ig = rules(dir, CONFIG_FILE, () => readConfig(config).ignorePatterns);
      const rel = posix(relative(dir, abs));
      if (!rel.startsWith('..') && !isAbsolute(rel) && ig?.ignores(rel)) return true;
    }
    return false;
  };
}
