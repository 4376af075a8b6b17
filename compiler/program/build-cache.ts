/**
 * Builds of networks kept between analyses of an edited file (the language server's one-character edits of a
 * 5,000-line file): a network whose sources did not change is not elaborated, rewritten or linted again.
 *
 * A network's build reads only these sources, which its key holds:
 *   - the text of each declaration it can reach by name: the network, then every block, rule or network that
 *     a name written in a reached declaration (any identifier-like word of its text, comments and strings
 *     included) names in the scope of the file that declares it; and which declaration each such name named;
 *   - for each file of a reached declaration: its path, display name, the names its scope holds (with the kind
 *     and file of each: "did you mean" hints list them) and its top-level `defaults` statements;
 *   - the column each of those declarations and statements starts at, and the build's options.
 * Two programs with equal keys build the network alike but for positions: each declaration's spans are where
 * the same text starts now, so a kept build is handed out with every span moved by the distance its
 * declaration moved (an edit above it). A build with a span outside those declarations (none is known) is
 * not kept. test/build-cache.test.ts compares kept builds and lint findings with fresh ones over random edits.
 */
import type * as A from '../syntax/ast.js';
import type { Declaration, LoadedFile, Program } from './program.js';
import { parsedFrom } from '../syntax/incremental.js';

/** A top-level item a kept value's spans may lie in, where it is in the version the value was made for. */
interface Region {
  file: string;
  start: number;
  end: number;
  line: number;
}

/** A value with its spans: each distinct span object with the region it lies in, and the objects holding one. */
interface Placed<T> {
  value: T;
  regions: Region[];
  spans: Map<A.Span, number>;
  /** Every object of the value, and whether it holds a span. */
  carriers: Map<object, boolean | undefined>;
}

/** A network's build (pipeline.ts's NetworkBuild: plain data, spans in it). */
type Build = object;

/** What of pipeline.ts's BuildOptions a build depends on, besides the network. */
interface Options {
  args?: Record<string, unknown>;
  rules?: string[];
  noRewrite?: boolean;
}

/** Resolutions of a file's declarations, by the declaration as first parsed (its text), with their signature. */
type Resolutions = Map<A.TopLevel, { signature: string; placed: Placed<unknown[]> }>;

interface Entry {
  key: string;
  build: Placed<Build>;
  /** The lint findings of the build, and the lint configuration they were made with. */
  findings?: { config: string; placed: Placed<unknown[]> };
}

export interface BuildCacheStats {
  /** Builds handed out from the cache (`moved`: of those, the ones whose spans moved), and builds made. */
  hits: number;
  moved: number;
  misses: number;
  /** Builds made that could not be kept (a span outside the network's sources). */
  unkept: number;
  /** Declarations whose name resolution (resolve.ts) was kept, and those resolved. */
  resolutionsKept: number;
  resolutionsMade: number;
}

export interface BuildCache {
  /** The build of `decl`, kept or made by `make` (and then kept). */
  build<B extends Build>(program: Program, decl: A.NetworkDecl, options: Options, make: () => B): B;
  /** The lint findings of a build this cache handed out, for a configuration, kept or made by `make`. */
  findings<T>(build: Build, config: string, make: () => T[]): T[];
  /**
   * The name resolution of the declarations of `file` (resolve.ts), for one resolution of the file: a function
   * giving each item's problems, kept or made by `make`. What was kept for items the file no longer has is
   * dropped.
   */
  resolving<T>(file: LoadedFile): (item: A.TopLevel, make: () => T[]) => T[];
  /** Drops what was kept for the networks of a file (a closed document). */
  forget(path: string): void;
  /** Drops what was kept for the networks of a file that it no longer declares. */
  retain(path: string, networks: readonly string[]): void;
  readonly stats: BuildCacheStats;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The distinct identifier-like words of a top-level item's text, by the item as first parsed (the same text
 * however far an edit moved it: compiler/syntax/incremental.ts).
 */
const words = new WeakMap<object, string[]>();
function wordsOf(file: LoadedFile, item: A.TopLevel): string[] {
  const parsed = parsedFrom(item);
  let w = words.get(parsed);
  if (!w) {
    w = [...new Set(file.text.slice(item.span.startOffset, item.span.endOffset).match(IDENTIFIER))];
    words.set(parsed, w);
  }
  return w;
}

const declarationKind = (d: Declaration) =>
  d.kind === 'BlockDecl' ? 'block' : d.kind === 'NetworkDecl' ? 'network' : 'rule';

/** The key and regions of a network's build (see the top of this file), or undefined where none is exact. */
function sourcesOf(
  program: Program,
  decl: A.NetworkDecl,
  options: Options,
  fileOf: Map<Declaration, LoadedFile>,
): { key: string; regions: Region[] } | undefined {
  const parts: string[] = [JSON.stringify([options.args ?? null, options.rules ?? null, options.noRewrite ?? false])];
  const regions: Region[] = [];
  const files = new Map<LoadedFile, number>();
  const displayNames = new Set<string>();
  const region = (file: LoadedFile, span: A.Span, what: string) => {
    regions.push({ file: file.displayName, start: span.startOffset, end: span.endOffset, line: span.startLine });
    parts.push(`${what} ${files.get(file)} ${span.startColumn}\n${file.text.slice(span.startOffset, span.endOffset)}`);
  };
  const fileIndex = (file: LoadedFile): number => {
    let i = files.get(file);
    if (i !== undefined) return i;
    if (displayNames.has(file.displayName)) throw new Unkeyable();
    displayNames.add(file.displayName);
    files.set(file, (i = files.size));
    const scope = [...file.scope].map(([name, d]) => `${name}:${declarationKind(d)}:${fileOf.get(d)?.path}`);
    parts.push(`file ${i} ${file.path}\n${file.displayName}\n${scope.join(' ')}`);
    for (const item of file.ast?.items ?? []) if (item.kind === 'Defaults') region(file, item.span, 'defaults');
    return i;
  };
  const reached = new Map<Declaration, number>();
  const queue: Declaration[] = [];
  const reach = (d: Declaration): number => {
    let i = reached.get(d);
    if (i !== undefined) return i;
    const file = fileOf.get(d);
    if (!file) throw new Unkeyable();
    fileIndex(file);
    reached.set(d, (i = reached.size));
    queue.push(d);
    region(file, d.span, `declaration ${i}`);
    return i;
  };
  try {
    reach(decl);
    for (let q = 0; q < queue.length; q++) {
      const d = queue[q]!;
      const file = fileOf.get(d)!;
      const names = wordsOf(file, d);
      const edges: string[] = [];
      for (const name of names) {
        const target = file.scope.get(name);
        if (target) edges.push(`${name}=${reach(target)}`);
      }
      parts.push(`names of ${reached.get(d)}: ${edges.join(' ')}`);
    }
  } catch (e) {
    if (e instanceof Unkeyable) return undefined;
    throw e;
  }
  return { key: parts.join('\n\u0000'), regions };
}

class Unkeyable extends Error {}

/**
 * What the resolution of any declaration of `file` reads besides the declaration (resolve.ts): the file's
 * names and what kind of declaration each names ("did you mean" hints list them).
 */
function resolutionHeader(file: LoadedFile): string {
  const scope = [...file.scope].map(([name, d]) => `${name}:${declarationKind(d)}`);
  return `${file.path}\n${file.displayName}\n${scope.join(' ')}`;
}

/** The parameter names of a declaration, by the declaration as first parsed (they are in its text). */
const parameters = new WeakMap<object, string>();
function parametersOf(d: Declaration): string {
  const parsed = parsedFrom(d);
  let p = parameters.get(parsed);
  if (p === undefined) parameters.set(parsed, (p = d.params.map((x) => x.name.name).join(',')));
  return p;
}

/**
 * What the resolution of `item` reads besides its text (which the item as first parsed stands for): its
 * column, and for each name in it (any identifier-like word) that the file's scope holds, the kind and the
 * parameters of what it names (a call's arguments are checked against them).
 */
function itemSignature(file: LoadedFile, item: A.TopLevel): string {
  const names: string[] = [];
  for (const name of wordsOf(file, item)) {
    const d = file.scope.get(name);
    if (d) names.push(`${name}:${declarationKind(d)}:${parametersOf(d)}`);
  }
  return `${item.span.startColumn}\n${names.join(' ')}`;
}

/** Where `value`'s spans lie among `regions`; undefined when one lies outside them or a value is not plain data. */
function place<T>(value: T, regions: Region[]): Placed<T> | undefined {
  const byFile = regionsByFile(regions);
  const spans = new Map<A.Span, number>();
  /** Each object visited: whether it holds a span; undefined while its members are being visited. */
  const carriers = new Map<object, boolean | undefined>();
  /** Whether `v` holds a span; throws Unkeyable where it cannot be kept. */
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function' || typeof v === 'symbol') throw new Unkeyable();
      return false;
    }
    const known = carriers.get(v);
    if (known !== undefined) return known;
    if (carriers.has(v)) throw new Unkeyable(); // a cycle
    if (Array.isArray(v)) {
      carriers.set(v, undefined);
      let carries = false;
      for (let i = 0; i < v.length; i++) if (visit(v[i])) carries = true;
      carriers.set(v, carries);
      return carries;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new Unkeyable();
    if (isSpan(v)) {
      const i = regionOf(byFile, regions, v);
      if (i === undefined) throw new Unkeyable();
      spans.set(v, i);
      carriers.set(v, true);
      return true;
    }
    carriers.set(v, undefined);
    let carries = false;
    for (const k in v) if (visit((v as Record<string, unknown>)[k])) carries = true;
    carriers.set(v, carries);
    return carries;
  };
  try {
    visit(value);
  } catch (e) {
    if (e instanceof Unkeyable) return undefined;
    throw e;
  }
  return { value, regions, spans, carriers };
}

const isSpan = (v: object): v is A.Span => 'startOffset' in v && 'endLine' in v && 'file' in v;

/** The regions of each file, by start (the top-level items of a file do not overlap). */
function regionsByFile(regions: Region[]): Map<string, number[]> {
  const byFile = new Map<string, number[]>();
  regions.forEach((r, i) => {
    const list = byFile.get(r.file);
    if (list) list.push(i);
    else byFile.set(r.file, [i]);
  });
  for (const list of byFile.values()) list.sort((a, b) => regions[a]!.start - regions[b]!.start);
  return byFile;
}

/** The region (its index) that holds the whole of `span`, if one does. */
function regionOf(byFile: Map<string, number[]>, regions: Region[], span: A.Span): number | undefined {
  const list = byFile.get(span.file);
  if (!list) return undefined;
  // The last region starting at or before the span.
  let low = 0;
  let high = list.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (regions[list[mid]!]!.start <= span.startOffset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (found < 0) return undefined;
  const i = list[found]!;
  return span.endOffset <= regions[i]!.end ? i : undefined;
}

/**
 * `placed`'s value with each span moved as its region moved from `placed.regions` to `to` (the same regions),
 * shared where nothing moved. Objects down to `lazy` levels are copied with their properties computed on
 * first read (a network's graphs are read by hover, not by the diagnostics an edit publishes); deeper ones at
 * once. Objects the value shares stay shared in the copy.
 */
function relocate<T>(placed: Placed<T>, to: Region[], lazy = 0): T {
  const shift = placed.regions.map((r, i) => ({ offset: to[i]!.start - r.start, line: to[i]!.line - r.line }));
  if (shift.every((s) => s.offset === 0 && s.line === 0)) return placed.value;
  const memo = new Map<object, unknown>();
  const copy = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object' || placed.carriers.get(v) !== true) return v;
    let c = memo.get(v);
    if (c !== undefined) return c;
    const region = placed.spans.get(v as A.Span);
    if (region !== undefined) {
      const s = v as A.Span;
      const d = shift[region]!;
      c = {
        ...s,
        startOffset: s.startOffset + d.offset,
        endOffset: s.endOffset + d.offset,
        startLine: s.startLine + d.line,
        endLine: s.endLine + d.line,
      };
      memo.set(v, c);
    } else if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      memo.set(v, out);
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i], 0);
      c = out;
    } else {
      const out: Record<string, unknown> = {};
      memo.set(v, out);
      const from = v as Record<string, unknown>;
      for (const k of Object.keys(from)) {
        const x = from[k];
        if (depth > 0 && x !== null && typeof x === 'object' && placed.carriers.get(x) === true) {
          Object.defineProperty(out, k, {
            configurable: true,
            enumerable: true,
            get() {
              const value = copy(x, depth - 1);
              Object.defineProperty(out, k, { value, configurable: true, enumerable: true, writable: true });
              return value;
            },
          });
        } else out[k] = copy(x, 0);
      }
      c = out;
    }
    return c;
  };
  return copy(placed.value, lazy) as T;
}

/** A cache of network builds and their lint findings, for one language service (or any caller that rebuilds). */
export function createBuildCache(): BuildCache {
  const entries = new Map<string, Entry>();
  /** The entry of each build handed out, and the regions where its sources are in that build's program. */
  const handedOut = new WeakMap<Build, { entry: Entry; regions: Region[] }>();
  const declaringFiles = new WeakMap<Program, Map<Declaration, LoadedFile>>();
  const stats: BuildCacheStats = { hits: 0, moved: 0, misses: 0, unkept: 0, resolutionsKept: 0, resolutionsMade: 0 };
  /** Kept resolutions by file: valid for the names of the file's scope (`header`), by declaration. */
  const resolutions = new Map<string, { header: string; items: Resolutions }>();
  const id = (path: string, network: string) => `${path}\n${network}`;
  return {
    stats,
    build<B extends Build>(program: Program, decl: A.NetworkDecl, options: Options, make: () => B): B {
      let fileOf = declaringFiles.get(program);
      if (!fileOf) {
        fileOf = new Map();
        for (const f of program.files.values()) for (const d of f.own) fileOf.set(d, f);
        declaringFiles.set(program, fileOf);
      }
      const name = id(program.entry.path, decl.name.name);
      const sources = sourcesOf(program, decl, options, fileOf);
      const entry = entries.get(name);
      if (sources && entry?.key === sources.key) {
        stats.hits++;
        const build = relocate(entry.build, sources.regions, 2) as B;
        if (build !== entry.build.value) stats.moved++;
        handedOut.set(build, { entry, regions: sources.regions });
        return build;
      }
      stats.misses++;
      const build = make();
      const placed = sources && place(build, sources.regions);
      if (!sources || !placed) {
        stats.unkept++;
        entries.delete(name);
        return build;
      }
      const made: Entry = { key: sources.key, build: placed };
      entries.set(name, made);
      handedOut.set(build, { entry: made, regions: sources.regions });
      return build;
    },
    findings<T>(build: Build, config: string, make: () => T[]): T[] {
      const from = handedOut.get(build);
      if (!from) return make();
      const kept = from.entry.findings;
      if (kept?.config === config) return relocate(kept.placed, from.regions) as T[];
      const findings = make();
      const placed = place(findings as unknown[], from.regions);
      if (placed) from.entry.findings = { config, placed };
      return findings;
    },
    resolving<T>(file: LoadedFile) {
      const header = resolutionHeader(file);
      const previous = resolutions.get(file.path);
      const kept = previous?.header === header ? previous.items : undefined;
      const items: Resolutions = new Map();
      resolutions.set(file.path, { header, items });
      return (item: A.TopLevel, make: () => T[]): T[] => {
        const parsed = parsedFrom(item);
        const signature = itemSignature(file, item);
        const span = item.span;
        const at: Region[] = [
          { file: file.displayName, start: span.startOffset, end: span.endOffset, line: span.startLine },
        ];
        const hit = items.get(parsed) ?? kept?.get(parsed);
        if (hit?.signature === signature) {
          stats.resolutionsKept++;
          items.set(parsed, hit);
          return relocate(hit.placed, at) as T[];
        }
        stats.resolutionsMade++;
        const made = make();
        const placed = place(made as unknown[], at);
        if (placed) items.set(parsed, { signature, placed });
        return made;
      };
    },
    forget(path) {
      resolutions.delete(path);
      for (const k of [...entries.keys()]) if (k.startsWith(`${path}\n`)) entries.delete(k);
    },
    retain(path, networks) {
      const keep = new Set(networks.map((n) => id(path, n)));
      for (const k of [...entries.keys()]) if (k.startsWith(`${path}\n`) && !keep.has(k)) entries.delete(k);
    },
  };
}
