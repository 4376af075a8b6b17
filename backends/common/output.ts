/**
 * The one output policy of every command and target that writes files (README, "Output files"):
 *
 * - Atomic: a file or a folder appears complete or not at all. It is written under a temporary name next to
 *   the destination (`.NAME.incc-tmp-PID-HEX`, same file system), then renamed into place; a folder being
 *   replaced is first moved aside (`.NAME.incc-old-PID-HEX`) and removed once the new one is in place.
 * - Never replaces what incc did not write: an existing destination is replaced only when the writer knows
 *   it as its own: a folder that holds nothing but entries (not symbolic links) with the names a backend writes
 *   (`replaceable`), a file whose first bytes say incc wrote it (`isOwn`: an ONNX model whose producer is
 *   incc, a diagram with incc's marker). Anything else is an OutputError naming it, unless `force`. Even
 *   with `force`, the current folder and the folders above it are never replaced.
 * - Symbolic links are followed: a destination that is a link is written where the link points (the link
 *   itself stays); a link that points nowhere is an OutputError. Entries of a folder that are links are not
 *   a backend's files, so such a folder is replaced only with `force`.
 * - Temporary files never outlive the process: they are removed on an error, at exit (an uncaught exception
 *   included), and on SIGINT, SIGTERM and SIGHUP (the signal waits for the write's synchronous steps, then
 *   takes effect as it would have). A process killed outright (SIGKILL, a power cut) leaves them behind: the
 *   next write into the same folder removes those of processes no longer running, and puts back a folder
 *   that an interrupted replace had moved aside.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export type FileData = string | Uint8Array;

export class OutputError extends Error {}

export interface OutputOptions {
  /** Replace the destination even when incc does not know it as its own (`--force`). */
  force?: boolean;
}

export interface FolderOutputOptions extends OutputOptions {
  /** Only files inside the folder are replaced, never the folder itself (a training checkpoint). */
  keepsFolder?: boolean;
}

export interface FileOutputOptions extends OutputOptions {
  /** Whether an existing file is one incc wrote, from its first bytes (at most HEAD_BYTES). */
  isOwn?: (head: Buffer) => boolean;
}

/** How much of an existing file `isOwn` sees. */
export const HEAD_BYTES = 4096;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// temporary files: named, tracked while they exist, removed on exit and on signals

const TEMP = /^\.(.+)\.incc-(tmp|old)-(\d+)-[0-9a-f]{8}$/;
/** Temporary files and folders of this process that exist now. */
const live = new Set<string>();
let hooked = false;

function removeLive(): void {
  for (const path of live) rmSync(path, { recursive: true, force: true });
  live.clear();
}

/** A signal's default effect, after the temporary files are gone (unless someone else handles it). */
function onSignal(signal: NodeJS.Signals): void {
  removeLive();
  if (process.listenerCount(signal) > 1) return;
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeLive);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

function tempName(dest: string, what: 'tmp' | 'old'): string {
  const path = join(dirname(dest), `.${basename(dest)}.incc-${what}-${process.pid}-${randomBytes(4).toString('hex')}`);
  hookExit();
  live.add(path);
  return path;
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of killed incc runs from `dir` (those whose process is gone), putting back
 * a folder that an interrupted replace had moved aside when nothing took its place. Returns their names.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m) continue;
    const pid = Number(m[3]);
    if (pid === process.pid || processIsRunning(pid)) continue;
    const path = join(dir, name);
    try {
      const original = join(dir, m[1]!);
      if (m[2] === 'old' && statOrUndefined(original) === undefined) renameSync(path, original);
      else rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another run got there first, or it cannot be removed: leave it
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------------
// destinations

/** The path to write for `path`: itself, or where the link it is points. */
function followLinks(path: string): string {
  const abs = resolve(path);
  let isLink = false;
  try {
    isLink = lstatSync(abs).isSymbolicLink();
  } catch {
    return abs;
  }
  if (!isLink) return abs;
  try {
    return realpathSync(abs);
  } catch {
    throw new OutputError(`${path} is a symbolic link to ${readlinkSync(abs)}, which does not exist`);
  }
}

/** mkdir -p, returning the folders it made (deepest last); an OutputError, with nothing made, when it cannot. */
function makeParents(dir: string, what: string): string[] {
  const missing: string[] = [];
  for (let d = dir; statOrUndefined(d) === undefined; d = dirname(d)) {
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
    throw new OutputError(`cannot write ${what}: ${message(e)}`);
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

const FORCE_HINT = 'choose another name, or pass --force to replace it';

/** Whether `dest` is the current folder or one above it (never replaced, even with --force). */
function holdsCurrentFolder(dest: string): boolean {
  const rel = relative(dest, process.cwd());
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Whether the folder `dir` may be written by writeFolderAtomic: true when it exists and may be replaced
 * (it holds only entries `replaceable` accepts, none a symbolic link, or `force`), false when it does not exist; an
 * OutputError otherwise. Backends call it before the (slow) compile as well, to fail early.
 */
export function checkFolderReplaceable(
  dir: string,
  replaceable: (name: string) => boolean,
  options: FolderOutputOptions = {},
): boolean {
  const dest = followLinks(dir);
  const stats = statOrUndefined(dest);
  if (stats === undefined) return false;
  if (!options.keepsFolder && holdsCurrentFolder(dest))
    throw new OutputError(`${dir} is the current folder or holds it; name a new folder`);
  if (!stats.isDirectory()) {
    if (options.force && !options.keepsFolder) return true;
    throw new OutputError(`${dir} exists and is not a folder; ${FORCE_HINT}`);
  }
  let entries: string[];
  try {
    entries = readdirSync(dest);
  } catch (e) {
    throw new OutputError(`cannot write ${dir}: ${message(e)}`);
  }
  if (options.force) return true;
  const others = entries.filter(
    (name) => !TEMP.test(name) && !(replaceable(name) && !lstatSync(join(dest, name)).isSymbolicLink()),
  );
  if (others.length > 0) {
    const listed = `${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}`;
    throw new OutputError(
      `${dir} holds files incc did not write (${listed}); name a new or empty folder, or pass --force to replace it`,
    );
  }
  return true;
}

/**
 * Writes `files` (relative names, `/`-separated, no `..`) as the folder `dir`. `replaceable(name)` says
 * which entries of an existing `dir` are a backend's; any other entry makes it an OutputError unless
 * `options.force`. Returns the paths written.
 */
export function writeFolderAtomic(
  dir: string,
  files: ReadonlyMap<string, FileData>,
  replaceable: (name: string) => boolean,
  options: OutputOptions = {},
): string[] {
  for (const name of files.keys()) {
    if (name === '' || name.split('/').some((part) => part === '' || part === '.' || part === '..'))
      throw new OutputError(`bad output file name ${JSON.stringify(name)}`);
  }
  const dest = followLinks(dir);
  removeStaleTemps(dirname(dest));
  const replace = checkFolderReplaceable(dir, replaceable, options);
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
    live.delete(temp);
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    live.delete(temp);
    if (aside !== undefined && statOrUndefined(dest) === undefined) {
      try {
        renameSync(aside, dest);
        live.delete(aside);
        aside = undefined;
      } catch {
        // leave it where it is; the message below names it
      }
    }
    if (aside !== undefined) live.delete(aside); // keep the previous contents: they are all the user has
    removeMadeParents(made);
    throw new OutputError(
      `cannot write ${dir}: ${message(e)}${aside !== undefined ? ` (the previous contents are in ${aside})` : ''}`,
    );
  }
  if (aside !== undefined) {
    rmSync(aside, { recursive: true, force: true });
    live.delete(aside);
  }
  return [...files.keys()].map((name) => join(dir, ...name.split('/')));
}

function headOf(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the file `path` may be written by writeFileAtomic: true when it exists and may be replaced
 * (`isOwn` knows it, or `force`), false when it does not exist; an OutputError otherwise.
 */
export function checkFileReplaceable(path: string, options: FileOutputOptions = {}): boolean {
  const dest = followLinks(path);
  const stats = statOrUndefined(dest);
  if (stats === undefined) return false;
  if (stats.isDirectory()) throw new OutputError(`${path} is a folder`);
  if (!stats.isFile()) throw new OutputError(`${path} is not a regular file`);
  if (options.force) return true;
  let own = false;
  try {
    own = options.isOwn?.(headOf(dest)) ?? false;
  } catch (e) {
    throw new OutputError(`cannot read ${path}: ${message(e)}`);
  }
  if (!own) throw new OutputError(`${path} exists and incc did not write it; ${FORCE_HINT}`);
  return true;
}

/** Writes one file atomically (a temporary file next to it, then a rename), as the policy above says. */
export function writeFileAtomic(path: string, data: FileData, options: FileOutputOptions = {}): void {
  const dest = followLinks(path);
  removeStaleTemps(dirname(dest));
  checkFileReplaceable(path, options);
  const made = makeParents(dirname(dest), path);
  const temp = tempName(dest, 'tmp');
  try {
    writeFileSync(temp, data);
    renameSync(temp, dest);
  } catch (e) {
    rmSync(temp, { force: true });
    removeMadeParents(made);
    throw new OutputError(`cannot write ${path}: ${message(e)}`);
  } finally {
    live.delete(temp);
  }
}

/**
 * Replaces some files of an existing folder `dir` (a training checkpoint), leaving its other files alone:
 * every file is first written under a temporary name, then all are renamed into place in `files`' order,
 * with no await in between (so nothing but a kill can stop half way).
 */
export function replaceFilesInFolder(dir: string, files: ReadonlyMap<string, FileData>): void {
  removeStaleTemps(dir);
  const temps: [string, string][] = [];
  try {
    for (const [name, data] of files) {
      if (name === '' || name.includes('/') || name === '.' || name === '..')
        throw new OutputError(`bad output file name ${JSON.stringify(name)}`);
      const dest = join(dir, name);
      const temp = tempName(dest, 'tmp');
      temps.push([temp, dest]);
      writeFileSync(temp, data);
    }
    for (const [temp, dest] of temps) {
      renameSync(temp, dest);
      live.delete(temp);
    }
  } catch (e) {
    for (const [temp] of temps) {
      rmSync(temp, { force: true });
      live.delete(temp);
    }
    if (e instanceof OutputError) throw e;
    throw new OutputError(`cannot write ${dir}: ${message(e)}`);
  }
}
