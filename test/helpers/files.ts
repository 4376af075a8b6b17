/** Files for the tests: a temporary folder for a test file, and what is on disk, to compare before and after. */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new folder under the system's temporary folder (its name starts with `prefix`), removed after all the tests. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Every file under `path` (or the file itself) with its bytes and mtime, a symbolic link as a link (not
 * followed), by its path under `path`: equal snapshots before and after mean nothing on disk changed.
 */
export function snapshot(path: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string, key: string): void => {
    const s = lstatSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p).sort()) visit(join(p, name), `${key}/${name}`);
    else out.set(key, `${s.mtimeMs} ${s.isSymbolicLink() ? 'link' : readFileSync(p).toString('base64')}`);
  };
  visit(path, '.');
  return out;
}
