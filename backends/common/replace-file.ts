/**
 * Rewriting a file the user owns (`incc fmt --write`) the way an editor saves it, losing nothing:
 *
 * - a symbolic link is followed: the file it points to gets the new contents, the link stays a link;
 * - the file keeps its mode, owner and group;
 * - a file with one link is replaced atomically: the new contents go to a temporary file next to it, which
 *   gets the file's mode, owner and group and is then renamed over it (readers see the old or the new
 *   file, never half of one);
 * - a file with hard links (or whose owner cannot be given to a new file) is rewritten in place, so every
 *   link sees the new contents. That cannot be atomic: the old contents are first copied to
 *   `.NAME.incc-fmt-backup-PID` next to it, removed once the file is rewritten; if incc is killed in
 *   between, that copy holds what the file was;
 * - a read-only file (no write permission bit, whoever runs incc, root included) or one incc may not
 *   write is refused with a ReplaceError, and left untouched.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class ReplaceError extends Error {}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Replaces the contents of the file at `path` (see above); a ReplaceError, with nothing changed, when it may not. */
export function replaceFileContents(path: string, data: string | Uint8Array): void {
  let target: string;
  let stats: Stats;
  try {
    target = realpathSync(path);
    stats = statSync(target);
  } catch (e) {
    throw new ReplaceError(`cannot write ${path}: ${why(e)}`);
  }
  if (!stats.isFile()) throw new ReplaceError(`cannot write ${path}: not a regular file`);
  const mode = stats.mode & 0o7777;
  if ((mode & 0o222) === 0)
    throw new ReplaceError(`${path} is read-only (mode ${mode.toString(8).padStart(4, '0')}): not changed`);
  try {
    accessSync(target, constants.W_OK);
  } catch {
    throw new ReplaceError(`${path}: no permission to write it: not changed`);
  }
  if (stats.nlink > 1 || !replaceByRename(target, data, stats)) writeInPlace(path, target, data);
}

/** The atomic way; false when the temporary file cannot be made or given the file's owner (nothing changed then). */
function replaceByRename(target: string, data: string | Uint8Array, stats: Stats): boolean {
  const temp = join(dirname(target), `.${basename(target)}.incc-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(temp, data, { flag: 'wx', mode: 0o600 });
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
  try {
    if (stats.uid !== process.getuid?.() || stats.gid !== process.getgid?.()) chownSync(temp, stats.uid, stats.gid);
    chmodSync(temp, stats.mode & 0o7777);
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
  try {
    const fd = openSync(temp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new ReplaceError(`cannot write ${target}: ${why(e)}`);
  }
  return true;
}

/** The same file (inode) gets the new contents; a copy of the old ones stands next to it meanwhile. */
function writeInPlace(path: string, target: string, data: string | Uint8Array): void {
  const old = readFileSync(target);
  const backup = join(dirname(target), `.${basename(target)}.incc-fmt-backup-${process.pid}`);
  let backedUp = true;
  try {
    writeFileSync(backup, old, { flag: 'wx', mode: 0o600 });
  } catch {
    backedUp = false; // a folder incc may not write: the file is rewritten without the copy
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(target, 'r+');
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
    fsyncSync(fd);
  } catch (e) {
    throw new ReplaceError(
      `cannot write ${path}: ${why(e)}${backedUp ? ` (its previous contents are in ${backup})` : ''}`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (backedUp) rmSync(backup, { force: true });
}
