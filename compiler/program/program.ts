/**
 * A program: the entry file and every file it imports, parsed, with the declarations each file sees.
 * Reads through a CompilerHost (host.ts): `std/...` and relative imports are the host's to resolve, so this
 * module runs unchanged on Node (node-host.ts), in a browser and in a language server. Reports missing
 * files, import cycles and clashing names.
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, didYouMean, type Diagnostic } from '../diagnostics/diagnostics.js';
import { parseSource } from '../syntax/parse.js';
import { reparse } from '../syntax/incremental.js';
import { fileStartSpan } from '../syntax/spans.js';
import type { CompilerHost } from './host.js';

export type { CompilerHost, FileHost } from './host.js';

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
  /** The host the program was read through (the rewrite pass reads std/rules through it). */
  host: CompilerHost;
}

/**
 * The largest .incp file incc reads (a 10 MB file is refused with a diagnostic, not parsed). Parsing
 * costs a few microseconds a token: a MiB of the densest text (`;;;...`) takes about 3 s to check.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

/** The size of a text in UTF-8, without encoding it. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The program whose entry file is `entryPath` (as the user gave it), read through `host`; with `text`, the
 * entry file's text is that (an editor's buffer, a generated file). Throws when the entry file cannot be read.
 */
export function createProgram(host: CompilerHost, entryPath: string, text?: string): Program {
  const path = host.resolvePath(entryPath);
  const source = text ?? host.readFile(path);
  if (source === undefined) throw new Error(`cannot read ${entryPath}`);
  return new Loader(host).load(path, source);
}

/**
 * The last parse of each path: a process that loads several programs (`incc lint stdlib/`, where every
 * file imports std/modules) parses a shared file once. Keyed by path and checked against the text; a new
 * text of the same path is parsed from the last one where it can (compiler/syntax/incremental.ts).
 */
const parseCache = new Map<string, { displayName: string; text: string; result: ReturnType<typeof parseSource> }>();

function parseCached(path: string, displayName: string, text: string): ReturnType<typeof parseSource> {
  const hit = parseCache.get(path);
  if (hit && hit.text === text && hit.displayName === displayName) return hit.result;
  // An edited file (an editor's buffer): re-parse only the declarations the edit touches, when that is exact.
  const result =
    (hit && hit.displayName === displayName ? reparse(hit, text, displayName) : undefined) ??
    parseSource(text, displayName);
  parseCache.set(path, { displayName, text, result });
  return result;
}

class Loader {
  private readonly files = new Map<string, LoadedFile>();
  private readonly diagnostics: Diagnostic[] = [];
  /** Files being loaded, in import order: an import of one of these is a cycle. */
  private readonly stack: string[] = [];

  constructor(private readonly host: CompilerHost) {}

  load(path: string, text: string): Program {
    const entry = this.loadFile(path, text);
    const byName = new Map<string, string>();
    for (const f of this.files.values()) byName.set(f.displayName, f.text);
    const sourceOf = (name: string) => byName.get(name);
    return { entry, files: this.files, diagnostics: this.diagnostics, sourceOf, host: this.host };
  }

  private loadFile(path: string, text: string): LoadedFile {
    const displayName = this.host.displayName(path);
    const file: LoadedFile = { path, displayName, text, scope: new Map(), own: [] };
    this.files.set(path, file);
    const bytes = text.length > MAX_FILE_BYTES / 3 ? utf8Length(text) : text.length;
    if (bytes > MAX_FILE_BYTES) {
      const span = fileStartSpan(displayName);
      this.diagnostics.push(
        diagnostic('file-too-large', span, { size: `${bytes} bytes`, limit: `${MAX_FILE_BYTES} bytes` }),
      );
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
          diagnostic(
            'duplicate-name',
            item.name.span,
            { what: describeDecl(item), name },
            { related: [{ message: 'first declared here', span: previous.name.span }] },
          ),
        );
        continue;
      }
      file.scope.set(name, item);
      file.own.push(item);
    }
  }

  private importInto(file: LoadedFile, imp: A.ImportDecl): void {
    const target = this.host.resolveImport(imp.path.value, file.path);
    if (this.stack.includes(target)) {
      const cycle = [...this.stack.slice(this.stack.indexOf(target)), target]
        .map((p) => this.host.displayName(p))
        .join(' -> ');
      this.diagnostics.push(diagnostic('import-cycle', imp.path.span, { cycle }));
      return;
    }
    let imported = this.files.get(target);
    if (!imported) {
      const text = this.host.readFile(target);
      if (text === undefined) {
        this.diagnostics.push(
          diagnostic('import-not-found', imp.path.span, {
            path: `"${imp.path.value}" (looked for ${this.host.displayName(target)})`,
          }),
        );
        return;
      }
      imported = this.loadFile(target, text);
    }
    const wanted = imp.names ?? imported.own.map((d) => d.name);
    for (const id of wanted) {
      const decl = imported.own.find((d) => d.name.name === id.name);
      if (!decl) {
        const hint = didYouMean(
          id.name,
          imported.own.map((d) => d.name.name),
        );
        this.diagnostics.push(
          diagnostic('unknown-import-name', id.span, { path: `"${imp.path.value}"`, name: id.name, hint }),
        );
        continue;
      }
      const existing = file.scope.get(id.name);
      if (existing && existing !== decl) {
        if (file.own.includes(existing)) continue; // a file's own declaration shadows an imported one
        this.diagnostics.push(
          diagnostic(
            'duplicate-name',
            imp.span,
            { what: describeDecl(decl), name: id.name },
            { related: [{ message: 'also imported here', span: existing.name.span }] },
          ),
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
