/**
 * A program: the entry file and every file it imports, parsed, with the declarations each file sees.
 * Resolves `std/...` to the stdlib shipped in this package and other paths relative to the importing
 * file; reports missing files, import cycles and clashing names.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as A from '../syntax/ast.js';
import { diagnostic, didYouMean, type Diagnostic } from '../diagnostics/diagnostics.js';
import { parseSource } from '../syntax/parse.js';

export type Declaration = A.BlockDecl | A.NetworkDecl | A.RuleDecl;

export interface LoadedFile {
  /** Absolute path (or the name given to `loadProgramFromText`). */
  path: string;
  /** The name diagnostics print: relative to the working directory, or `std/...` for the stdlib. */
  displayName: string;
  text: string;
  ast?: A.SourceFile;
  /** Declarations visible in this file: its own, then imported ones. */
  scope: Map<string, Declaration>;
  /** Declarations this file makes itself, in source order. */
  own: Declaration[];
}

export interface Program {
  entry: LoadedFile;
  files: Map<string, LoadedFile>;
  diagnostics: Diagnostic[];
  /** Source text by display name, for code frames. */
  sourceOf(displayName: string): string | undefined;
}

/** Reads files for the loader; tests and the formatter may give their own. */
export interface FileHost {
  readFile(path: string): string | undefined;
}

/**
 * The largest .incp file incc reads (a 10 MB file is refused with a diagnostic, not parsed). Parsing
 * costs a few microseconds a token: a MiB of the densest text (`;;;...`) takes about 3 s to check.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

export const nodeFileHost: FileHost = {
  readFile(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** The package root: the nearest folder above this module with a stdlib/ folder (works from dist/ and from sources). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'stdlib')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return dirname(fileURLToPath(import.meta.url));
}

/** This package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export const stdlibDir = join(packageRoot(), 'stdlib');

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

export function loadProgram(entryPath: string, host: FileHost = nodeFileHost): Program {
  const path = resolve(entryPath);
  const text = host.readFile(path);
  if (text === undefined) throw new Error(`cannot read ${entryPath}`);
  return new Loader(host).load(path, text);
}

/** A program whose entry file is given as text (the formatter, tests, editors). */
export function loadProgramFromText(text: string, path: string, host: FileHost = nodeFileHost): Program {
  return new Loader(host).load(resolve(path), text);
}

/**
 * The last parse of each path: a process that loads several programs (`incc lint stdlib/`, where every
 * file imports std/modules) parses a shared file once. Keyed by path and checked against the text.
 */
const parseCache = new Map<string, { displayName: string; text: string; result: ReturnType<typeof parseSource> }>();

function parseCached(path: string, displayName: string, text: string): ReturnType<typeof parseSource> {
  const hit = parseCache.get(path);
  if (hit && hit.text === text && hit.displayName === displayName) return hit.result;
  const result = parseSource(text, displayName);
  parseCache.set(path, { displayName, text, result });
  return result;
}

class Loader {
  private readonly files = new Map<string, LoadedFile>();
  private readonly diagnostics: Diagnostic[] = [];
  /** Files being loaded, in import order: an import of one of these is a cycle. */
  private readonly stack: string[] = [];

  constructor(private readonly host: FileHost) {}

  load(path: string, text: string): Program {
    const entry = this.loadFile(path, text);
    const byName = new Map<string, string>();
    for (const f of this.files.values()) byName.set(f.displayName, f.text);
    return { entry, files: this.files, diagnostics: this.diagnostics, sourceOf: (name) => byName.get(name) };
  }

  private loadFile(path: string, text: string): LoadedFile {
    const displayName = displayNameOf(path);
    const file: LoadedFile = { path, displayName, text, scope: new Map(), own: [] };
    this.files.set(path, file);
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      const span = { file: displayName, startOffset: 0, endOffset: 1, startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
      this.diagnostics.push(diagnostic('file-too-large', span, { size: `${Buffer.byteLength(text)} bytes`, limit: `${MAX_FILE_BYTES} bytes` }));
      return file;
    }
    const parsed = parseCached(path, displayName, text);
    this.diagnostics.push(...parsed.diagnostics);
    if (!parsed.ast) return file;
    file.ast = parsed.ast;
    this.declareOwn(file);
    this.stack.push(path);
    for (const item of parsed.ast.items) if (item.kind === 'Import') this.importInto(file, item);
    this.stack.pop();
    return file;
  }

  private declareOwn(file: LoadedFile): void {
    for (const item of file.ast!.items) {
      if (item.kind !== 'BlockDecl' && item.kind !== 'NetworkDecl' && item.kind !== 'RuleDecl') continue;
      const name = item.name.name;
      const previous = file.scope.get(name);
      if (previous) {
        this.diagnostics.push(
          diagnostic('duplicate-name', item.name.span, { what: describeDecl(item), name }, { related: [{ message: 'first declared here', span: previous.name.span }] }),
        );
        continue;
      }
      file.scope.set(name, item);
      file.own.push(item);
    }
  }

  private importInto(file: LoadedFile, imp: A.ImportDecl): void {
    const target = resolveImport(imp.path.value, file.path);
    if (this.stack.includes(target)) {
      const cycle = [...this.stack.slice(this.stack.indexOf(target)), target].map(displayNameOf).join(' -> ');
      this.diagnostics.push(diagnostic('import-cycle', imp.path.span, { cycle }));
      return;
    }
    let imported = this.files.get(target);
    if (!imported) {
      const text = this.host.readFile(target);
      if (text === undefined) {
        this.diagnostics.push(diagnostic('import-not-found', imp.path.span, { path: `"${imp.path.value}" (looked for ${displayNameOf(target)})` }));
        return;
      }
      imported = this.loadFile(target, text);
    }
    const wanted = imp.names ?? imported.own.map((d) => d.name);
    for (const id of wanted) {
      const decl = imported.own.find((d) => d.name.name === id.name);
      if (!decl) {
        const hint = didYouMean(id.name, imported.own.map((d) => d.name.name));
        this.diagnostics.push(diagnostic('unknown-import-name', id.span, { path: `"${imp.path.value}"`, name: id.name, hint }));
        continue;
      }
      const existing = file.scope.get(id.name);
      if (existing && existing !== decl) {
        if (file.own.includes(existing)) continue; // a file's own declaration shadows an imported one
        this.diagnostics.push(
          diagnostic('duplicate-name', imp.span, { what: describeDecl(decl), name: id.name }, { related: [{ message: 'also imported here', span: existing.name.span }] }),
        );
        continue;
      }
      file.scope.set(id.name, decl);
    }
  }
}

function describeDecl(d: Declaration): string {
  return d.kind === 'BlockDecl' ? 'block' : d.kind === 'NetworkDecl' ? 'network' : 'rule';
}
