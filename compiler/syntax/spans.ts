/**
 * Span factories: where a token, a CST node, a stretch of text or the end of a file is, as the AST and
 * diagnostics give it (spec/language.md: 1-based lines and columns, end exclusive; `\n`, `\r\n` and `\r`
 * break lines). The parser, the AST builder and the loader make their spans here.
 */
import type { CstNodeLocation, IToken } from 'chevrotain';
import type { Span } from './ast.js';
import type { TokenTable } from '../../grammar/token-table.js';

/** Where Chevrotain puts a token or a CST node: offsets, lines and columns, the end inclusive, some maybe absent. */
type ChevrotainPosition = Pick<
  IToken,
  'startOffset' | 'endOffset' | 'startLine' | 'startColumn' | 'endLine' | 'endColumn'
>;

/** A Chevrotain position as a span (end exclusive; an absent end is the start, an absent line or column 1). */
function positionSpan(file: string, p: ChevrotainPosition): Span {
  return rangeSpan(file, p, p);
}

/** A token's span. */
export function tokenSpan(file: string, t: IToken): Span {
  return positionSpan(file, t);
}

/** A CST node's span (from Chevrotain's node location). */
export function locationSpan(file: string, l: CstNodeLocation): Span {
  return positionSpan(file, l);
}

/** From the start of `first` to the end of `last`: two tokens are the span of the CST node they begin and end. */
export function rangeSpan(file: string, first: ChevrotainPosition, last: ChevrotainPosition): Span {
  return {
    file,
    startOffset: first.startOffset,
    endOffset: (last.endOffset ?? last.startOffset) + 1,
    startLine: first.startLine ?? 1,
    startColumn: first.startColumn ?? 1,
    endLine: last.endLine ?? last.startLine ?? 1,
    endColumn: (last.endColumn ?? last.startColumn ?? 1) + 1,
  };
}

/** From the start of token `first` to the end of token `last` of a token table (as rangeSpan of their objects). */
export function tableSpan(file: string, table: TokenTable, first: number, last: number): Span {
  return {
    file,
    startOffset: table.startOffset[first]!,
    endOffset: table.endOffset[last]! + 1,
    startLine: table.startLine[first]!,
    startColumn: table.startColumn[first]!,
    endLine: table.endLine[last]!,
    endColumn: table.endColumn[last]! + 1,
  };
}

/** From the start of `a` to the end of `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { ...a, endOffset: b.endOffset, endLine: b.endLine, endColumn: b.endColumn };
}

/** A line break as the lexer counts them. */
const lineBreak = /\r\n|\r|\n/g;

/** `length` characters of `text` from `offset` (at `line`:`column`), cut at the end of that line. */
export function spanAt(file: string, offset: number, length: number, line: number, column: number, text: string): Span {
  lineBreak.lastIndex = offset;
  const firstLineEnd = lineBreak.exec(text)?.index ?? -1;
  const len = firstLineEnd >= 0 ? Math.min(length, Math.max(1, firstLineEnd - offset)) : length;
  return {
    file,
    startOffset: offset,
    endOffset: offset + len,
    startLine: line,
    startColumn: column,
    endLine: line,
    endColumn: column + len,
  };
}

/** The first character of a file (a problem with the whole file). */
export function fileStartSpan(file: string): Span {
  return { file, startOffset: 0, endOffset: 1, startLine: 1, startColumn: 1, endLine: 1, endColumn: 2 };
}

/** The line and column just after the last character of `text` (its last line's length + 1). */
export function endPosition(text: string): { line: number; column: number } {
  // The line breaks found by the regular expression engine: a loop in JavaScript over each character of a 5,000-line
  // file took several times longer in a process too short for the loop to be compiled (2% of `incc check`).
  const breaks = /\r\n?|\n/g;
  let line = 1;
  let lineStart = 0;
  while (breaks.test(text)) {
    line++;
    lineStart = breaks.lastIndex;
  }
  return { line, column: text.length - lineStart + 1 };
}

/** Just after the last character of `text`. */
export function endOfFileSpan(file: string, text: string): Span {
  const { line, column } = endPosition(text);
  return {
    file,
    startOffset: text.length,
    endOffset: text.length,
    startLine: line,
    startColumn: column,
    endLine: line,
    endColumn: column + 1,
  };
}
