/**
 * The node host: the CompilerHost (host.ts) of `incc` and of the library on Node. Files are read from
 * disk, paths are relative to the working directory, `std/NAME` is NAME.incp in the stdlib shipped in this
 * package. The only module of the front end that uses node:fs and node:path.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../package.js';
import type { CompilerHost, FileHost } from './host.js';
import { createProgram, type Program } from './program.js';

export const stdlibDir = join(packageRoot(), 'stdlib');

/** The name diagnostics print: relative to the working directory, or `std/...` for the stdlib. */
export function displayNameOf(path: string): string {
  const inStd = relative(stdlibDir, path);
  if (!inStd.startsWith('..') && !inStd.startsWith('/')) return `std/${inStd.replace(/\\/g, '/')}`;
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** `std/x` -> the stdlib file; `./x`, `../x`, `x` -> relative to the importing file. `.incp` is optional. */
export function resolveImport(spec: string, fromFile: string): string {
  const base = spec.startsWith('std/') ? join(stdlibDir, spec.slice(4)) : resolve(dirname(fromFile), spec);
  return base.endsWith('.incp') ? base : `${base}.incp`;
}

export const nodeHost: CompilerHost = {
  readFile(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolvePath: (path) => resolve(path),
  resolveImport,
  displayName: displayNameOf,
};

/** The node host reading files from disk (the FileHost part of nodeHost). */
export const nodeFileHost: FileHost = nodeHost;

/** The node host with its files read by `files` (a test's or an editor's texts over the disk); a whole host as is. */
export function nodeHostReading(files: FileHost | CompilerHost): CompilerHost {
  if ('resolveImport' in files) return files;
  return { ...nodeHost, readFile: (path) => files.readFile(path) };
}

/** The program of a .incp file on disk (or read through `files`). Throws when the entry file cannot be read. */
export function loadProgram(entryPath: string, files: FileHost | CompilerHost = nodeHost): Program {
  return createProgram(nodeHostReading(files), entryPath);
}

/** A program whose entry file is given as text (the formatter, tests, editors). */
export function loadProgramFromText(text: string, path: string, files: FileHost | CompilerHost = nodeHost): Program {
  return createProgram(nodeHostReading(files), path, text);
}
