/**
 * Atomic output for the backends: a folder (or a file) appears complete or not at all.
 *
 * The files are written into a temporary folder next to the destination (same file system, so the final
 * step is a rename), then renamed into place. An existing destination is replaced only when it holds
 * nothing but files a backend writes (`replaceable`), so `--out .` or a folder of the user's never gets
 * deleted; it is moved aside, the new folder renamed in, and the old one removed. On any failure the
 * temporary folder, the folders made for the destination's parents and the moved-aside folder's move are
 * undone, and the error is thrown again.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export type FileData = string | Uint8Array;

export class OutputError extends Error {}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** mkdir -p, returning the folders it made (deepest last); an OutputError, with nothing made, when it cannot. */
function makeParents(dir: string, what: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !exists(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  const made: string[] = [];
  try {
    for (const d of missing) {
      mkdirSync(d);
      made.push(d);
    }
  } catch (e) {
    removeMadeParents(made);
    throw new OutputError(`cannot write ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return made;
}

function removeMadeParents(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}

function tempName(dest: string, what: string): string {
  return join(dirname(dest), `.${basename(dest)}.incc-${what}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Whether `dir` may be written by writeFolderAtomic: true when it exists and holds only entries
 * `replaceable` accepts, false when it does not exist; an OutputError otherwise. Backends call it before
 * the (slow) compile as well, to fail early.
 */
export function checkFolderReplaceable(dir: string, replaceable: (name: string) => boolean): boolean {
  const dest = resolve(dir);
  if (!exists(dest)) return false;
  if (!statSync(dest).isDirectory()) throw new OutputError(`${dir} exists and is not a folder`);
  let entries: string[];
  try {
    entries = readdirSync(dest);
  } catch (e) {
    throw new OutputError(`cannot write ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const others = entries.filter((name) => !replaceable(name));
  if (others.length > 0) throw new OutputError(`${dir} holds files incc did not write (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}); name a new or empty folder`);
  return true;
}

/**
 * Writes `files` (relative names, `/`-separated, no `..`) as the folder `dir`. `replaceable(name)` says
 * which entries of an existing `dir` may be replaced; any other entry makes it an OutputError.
 */
export function writeFolderAtomic(dir: string, files: ReadonlyMap<string, FileData>, replaceable: (name: string) => boolean): string[] {
  const dest = resolve(dir);
  for (const name of files.keys()) {
    if (name === '' || name.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new OutputError(`bad output file name ${JSON.stringify(name)}`);
  }
  const replace = checkFolderReplaceable(dir, replaceable);
  const made = makeParents(dirname(dest), dir);
  const temp = tempName(dest, 'tmp');
  let aside: string | undefined;
  try {
    mkdirSync(temp);
    for (const [name, data] of files) {
      const path = join(temp, ...name.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
    if (replace) {
      aside = tempName(dest, 'old');
      renameSync(dest, aside);
    }
    renameSync(temp, dest);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    if (aside !== undefined && !exists(dest)) {
      try {
        renameSync(aside, dest);
        aside = undefined;
      } catch {
        // leave it where it is; the message below names it
      }
    }
    removeMadeParents(made);
    const why = e instanceof Error ? e.message : String(e);
    throw new OutputError(`cannot write ${dir}: ${why}${aside !== undefined ? ` (the previous contents are in ${aside})` : ''}`);
  }
  if (aside !== undefined) rmSync(aside, { recursive: true, force: true });
  return [...files.keys()].map((name) => join(dir, ...name.split('/')));
}

/** Writes one file atomically (a temporary file next to it, then a rename). */
export function writeFileAtomic(path: string, data: FileData): void {
  const dest = resolve(path);
  if (exists(dest) && statSync(dest).isDirectory()) throw new OutputError(`${path} is a folder`);
  const made = makeParents(dirname(dest), path);
  const temp = tempName(dest, 'tmp');
  try {
    writeFileSync(temp, data);
    renameSync(temp, dest);
  } catch (e) {
    rmSync(temp, { force: true });
    removeMadeParents(made);
    throw new OutputError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
