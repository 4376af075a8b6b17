/**
 * `incc.config.json` on disk (Node only): finding the nearest one above a file and reading it. The contents
 * are checked by config.ts, which a browser uses too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE, ConfigError, parseConfig, type LintConfig } from './config.js';

/** The nearest incc.config.json at or above `dir`, if any. */
export function findConfig(dir: string): string | undefined {
  let current = resolve(dir);
  while (true) {
    const candidate = join(current, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The configuration in the file `path`: a ConfigError when it cannot be read or is invalid. */
export function readConfig(path: string): LintConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseConfig(text, path);
}
