/**
 * Parsing after an edit (the language server's one-character edits of a 5,000-line file): only the top-level
 * declarations the edit touches are parsed again; the others are taken from the previous tree, those after
 * the edit with their spans moved. It answers only when that gives exactly the tree a full parse gives:
 * the previous parse was clean, the re-parsed region parses clean, the edit leaves the declarations after it
 * at the same columns, and the file is small enough that the token limit cannot be reached; otherwise
 * undefined, and the caller parses the whole text (test/incremental-parse.test.ts compares the two on
 * thousands of edits).
 */
import type * as A from './ast.js';
import { MAX_TOKENS, parseSource, type ParseResult } from './parse.js';

/** Whether a value is a span (the AST's only objects with offsets). */
const isSpan = (v: object): v is A.Span => 'startOffset' in v && 'endLine' in v;

/**
 * A copy of `value` (an AST node, a list of them) with every span moved by `move`. (Indexed loops and
 * `for...in` rather than map and Object.entries: this copies half a 5,000-line file's tree on each edit.)
 */
function moved<T>(value: T, move: (s: A.Span) => A.Span): T {
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = moved(value[i], move);
    return out as T;
  }
  if (value === null || typeof value !== 'object') return value;
  if (isSpan(value)) return move(value) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = value[k];
    out[k] = v !== null && typeof v === 'object' ? moved(v, move) : v;
  }
  return out as T;
}

/** Declarations moved lazily (`shifted`): the declaration of a parse they are copies of, and how far they moved. */
const shifts = new WeakMap<object, { source: A.TopLevel; offset: number; lines: number }>();

/**
 * `item` moved by `offset` characters and `lines` lines (its columns unchanged), copied when read: each
 * property is copied with its spans moved on first read (most of a file's declarations are not read again
 * on an edit: their networks' builds are kept, compiler/program/build-cache.ts). A copy of a copy is made
 * from the first; one moved back where it was is that first one again.
 */
function shifted(item: A.TopLevel, offset: number, lines: number): A.TopLevel {
  const from = shifts.get(item);
  const source = from?.source ?? item;
  offset += from?.offset ?? 0;
  lines += from?.lines ?? 0;
  if (offset === 0 && lines === 0) return source;
  const move = (s: A.Span): A.Span => shiftSpan(s, offset, lines);
  const copy: Record<string, unknown> = {};
  const settle = (k: string, value: unknown) =>
    Object.defineProperty(copy, k, { value, writable: true, configurable: true, enumerable: true });
  for (const [k, v] of Object.entries(source)) {
    if (v === null || typeof v !== 'object') copy[k] = v;
    else
      Object.defineProperty(copy, k, {
        configurable: true,
        enumerable: true,
        get() {
          const value: unknown = moved(v, move);
          settle(k, value);
          return value;
        },
        set: (value: unknown) => settle(k, value),
      });
  }
  shifts.set(copy, { source, offset, lines });
  return copy as unknown as A.TopLevel;
}

/**
 * The declaration of the parse that `item` was moved from (itself if it was not): the same text at the same
 * column, so what depends only on those can be kept by it (compiler/program/build-cache.ts).
 */
export function parsedFrom(item: A.TopLevel): A.TopLevel {
  return shifts.get(item)?.source ?? item;
}

const newlines = (text: string, from: number, to: number) => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
};

/** The tree of `text` from the tree of `previous.text`, or undefined where only a full parse will do. */
export function reparse(
  previous: { text: string; result: ParseResult },
  text: string,
  file: string,
): ParseResult | undefined {
  const old = previous.result.ast;
  const oldText = previous.text;
  // A file with fewer characters than MAX_TOKENS cannot reach the token limit, whichever part is re-parsed.
  if (!old || previous.result.diagnostics.length > 0 || text.length >= MAX_TOKENS) return undefined;
  if (old.span.file !== file) return undefined;
  // The edit: the text between the common prefix and the common suffix.
  const shortest = Math.min(oldText.length, text.length);
  let prefix = 0;
  while (prefix < shortest && oldText.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    oldText.charCodeAt(oldText.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
  )
    suffix++;
  const editEnd = oldText.length - suffix;
  const delta = text.length - oldText.length;
  // The declarations kept before the edit end before it; those kept after start after it.
  const items = old.items;
  let first = 0;
  while (first < items.length && items[first]!.span.endOffset < prefix) first++;
  let last = items.length;
  while (last > first && items[last - 1]!.span.startOffset > editEnd) last--;
  const start = first > 0 ? items[first - 1]!.span.endOffset : 0;
  const end = last < items.length ? items[last]!.span.startOffset : oldText.length;
  const startLine = first > 0 ? items[first - 1]!.span.endLine : 1;
  const startColumn = first > 0 ? items[first - 1]!.span.endColumn : 1;
  // Declarations after the edit keep their columns (a line break between, or an edit that moves nothing).
  if (last < items.length) {
    const at = end + delta;
    const column = at - (Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1) + 1;
    if (column !== items[last]!.span.startColumn) return undefined;
  }
  const region = parseSource(text.slice(start, end + delta), file);
  if (!region.ast || region.diagnostics.length > 0) return undefined;
  // The region's spans: its first line is the line `start` is on, from `start`'s column.
  const into = (s: A.Span): A.Span => ({
    file,
    startOffset: s.startOffset + start,
    endOffset: s.endOffset + start,
    startLine: s.startLine + startLine - 1,
    startColumn: s.startLine === 1 ? s.startColumn + startColumn - 1 : s.startColumn,
    endLine: s.endLine + startLine - 1,
    endColumn: s.endLine === 1 ? s.endColumn + startColumn - 1 : s.endColumn,
  });
  const lineDelta = newlines(text, start, end + delta) - newlines(oldText, start, end);
  const after = (s: A.Span): A.Span => shiftSpan(s, delta, lineDelta);
  const before = (c: A.Comment) => c.span.endOffset <= start;
  const behind = (c: A.Comment) => c.span.startOffset >= end;
  const lines = text.split(/\r\n|\r|\n/);
  const ast: A.SourceFile = {
    kind: 'SourceFile',
    items: [
      ...items.slice(0, first),
      ...moved(region.ast.items, into),
      ...items.slice(last).map((item) => shifted(item, delta, lineDelta)),
    ],
    comments: [
      ...old.comments.filter(before),
      ...moved(region.ast.comments, into),
      ...moved(old.comments.filter(behind), after),
    ],
    span: {
      file,
      startOffset: 0,
      endOffset: text.length,
      startLine: 1,
      startColumn: 1,
      endLine: lines.length,
      endColumn: lines[lines.length - 1]!.length + 1,
    },
  };
  return { ast, diagnostics: [] };
}

/** A span moved by `offset` characters and `lines` lines, its columns unchanged. */
function shiftSpan(s: A.Span, offset: number, lines: number): A.Span {
  return {
    file: s.file,
    startOffset: s.startOffset + offset,
    endOffset: s.endOffset + offset,
    startLine: s.startLine + lines,
    startColumn: s.startColumn,
    endLine: s.endLine + lines,
    endColumn: s.endColumn,
  };
}
