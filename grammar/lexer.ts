/**
 * Tokenizing .incp text: one pass over the characters that makes the tokens of tokens.ts, then the newline
 * filter that makes line breaks significant only where they can end a statement (spec/language.md,
 * "Statements and newlines").
 *
 * The scanner is written by hand rather than built by Chevrotain's Lexer from the patterns: that lexer
 * analyses its patterns each time a process starts and then tries them one by one at each offset, which
 * was a fifth of the time `incc check` spent on a 5,000-line file. The scanner makes exactly the tokens,
 * comments, errors and positions that Chevrotain's Lexer makes from `allTokens` (with recovery and full
 * position tracking): test/lexer.test.ts compares the two on every example and on generated text, so a
 * change to a pattern in tokens.ts that the scanner does not follow fails there.
 */
import type { IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { TokenTable } from './token-table.js';

export interface LexProblem {
  /** `unexpected-character`, `unterminated-comment`, `unterminated-string` or `invalid-escape`. */
  code: 'unexpected-character' | 'unterminated-comment' | 'unterminated-string' | 'invalid-escape';
  offset: number;
  length: number;
  line: number;
  column: number;
  text: string;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  problems: LexProblem[];
}

/** Tokens after which a line break cannot end a statement, so the newline is dropped. */
const continuesLine = new Set<TokenType>([
  T.LBrace,
  T.LParen,
  T.LBracket,
  T.Comma,
  T.Arrow,
  T.Equals,
  T.Colon,
  T.Plus,
  T.Minus,
  T.Star,
  T.Slash,
  T.Percent,
  T.EqEq,
  T.NotEq,
  T.Less,
  T.LessEq,
  T.Greater,
  T.GreaterEq,
  T.And,
  T.Or,
  T.Not,
  T.DotDot,
  T.Dot,
  T.Cross,
  T.Newline,
  T.Semicolon,
  T.In,
]);
/** Tokens before which a line break is dropped (`}` closes a body anyway; `{` and `else` may start the next line). */
const continuedBy = new Set<TokenType>([T.RBrace, T.RParen, T.RBracket, T.LBrace, T.Else, T.Arrow]);

export function tokenize(text: string): LexResult {
  const { table, comments, problems } = lex(text);
  return { tokens: table.tokens(), comments, problems };
}

/** What `tokenize` finds, with the tokens as a table (what the parser of valid input reads). */
export interface LexTable {
  table: TokenTable;
  comments: IToken[];
  problems: LexProblem[];
}

export function lex(text: string): LexTable {
  const { table, comments, errors } = scanTable(text);
  const problems: LexProblem[] = [];
  let kept = 0;
  for (let i = 0; i < table.count; i++) {
    const type = table.types[i];
    if (type === T.UnterminatedComment || type === T.UnterminatedString) {
      const code = type === T.UnterminatedComment ? 'unterminated-comment' : 'unterminated-string';
      const image = table.image(i);
      problems.push({
        code,
        offset: table.startOffset[i]!,
        length: code === 'unterminated-comment' ? 2 : image.length,
        line: table.startLine[i]!,
        column: table.startColumn[i]!,
        text: image.slice(0, 20),
      });
      continue;
    }
    if (type === T.InvalidEscapeString) {
      // Report the first unknown escape, then let the parser see an ordinary string.
      const image = table.image(i);
      const at = firstInvalidEscape(image);
      problems.push({
        code: 'invalid-escape',
        offset: table.startOffset[i]! + at,
        length: 2,
        line: table.startLine[i]!,
        column: table.startColumn[i]! + at,
        text: image.slice(at, at + 2),
      });
      table.types[i] = T.StringLiteral;
    }
    table.move(i, kept++);
  }
  table.truncate(kept);
  for (const err of errors) {
    problems.push({
      code: 'unexpected-character',
      offset: err.offset,
      length: err.length,
      line: err.line ?? 1,
      column: err.column ?? 1,
      text: text.substr(err.offset, Math.min(err.length, 20)),
    });
  }
  problems.sort((a, b) => a.offset - b.offset);
  filterNewlines(table);
  return { table, comments, problems };
}

/** The offset of the first escape in a string token that is not \" \\ \n \r or \t. */
function firstInvalidEscape(image: string): number {
  for (let i = 1; i < image.length - 1; i++) {
    if (image[i] !== '\\') continue;
    if (!'"\\nrt'.includes(image[i + 1]!)) return i;
    i++;
  }
  return 0;
}

/**
 * Drops the newlines that cannot end a statement: inside ( ) and [ ], after a token that needs more
 * (an operator, `,`, `{`, `->`, another newline), before a token that continues (`}`, `)`, `else`, `->`),
 * and at the start and end of the file. In place: the tokens kept move down.
 */
function filterNewlines(table: TokenTable): void {
  const types = table.types;
  let kept = 0;
  let depth = 0;
  for (let i = 0; i < table.count; i++) {
    const type = types[i]!;
    if (type === T.LParen || type === T.LBracket) depth++;
    else if ((type === T.RParen || type === T.RBracket) && depth > 0) depth--;
    if (type === T.Newline) {
      if (depth > 0 || kept === 0) continue;
      if (continuesLine.has(types[kept - 1]!)) continue;
      const next = i + 1 < table.count ? types[i + 1] : undefined;
      if (next === undefined || continuedBy.has(next) || next === T.Newline) continue;
    }
    table.move(i, kept++);
  }
  table.truncate(kept);
}

/** What the scanner finds, as Chevrotain's Lexer reports it: tokens, the `comments` group, and errors. */
export interface ScanResult {
  tokens: IToken[];
  comments: IToken[];
  errors: { offset: number; length: number; line: number; column: number }[];
}

/** Sticky copies of the patterns that the scanner runs as they are (strings and numbers with a fraction). */
const sticky = (t: TokenType): RegExp => new RegExp((t.PATTERN as RegExp).source, 'y');
const stringPatterns: [TokenType, RegExp][] = [T.StringLiteral, T.InvalidEscapeString, T.UnterminatedString].map(
  (t) => [t, sticky(t)],
);
const floatPattern = sticky(T.FloatLiteral);

/**
 * The punctuation tokens by their text: those whose pattern in tokens.ts is one or two characters of punctuation
 * (escaped as needed), so the text is written once, in the pattern.
 */
const punctuation = new Map<string, TokenType>();
for (const t of T.allTokens) {
  const text = t.PATTERN instanceof RegExp ? t.PATTERN.source.replace(/\\(.)/g, '$1') : '';
  if (/^[^\w\s]{1,2}$/.test(text)) punctuation.set(text, t);
}
/** `-` `.` `=` `<` `>` `!`: the token of the character alone, and of it followed by a second one. */
const twoCharacter = new Map<number, { alone: TokenType | undefined; second: number; pair: TokenType }>();
/** The tokens of one character that no second character extends, by its code. */
const singleCharacter = new Map<number, TokenType>();
for (const [text, pair] of punctuation) {
  if (text.length !== 2) continue;
  // Two pairs with one first character (`-=` beside `->`) would need a scanner that tries both.
  if (twoCharacter.has(text.charCodeAt(0))) throw new Error(`lexer: two tokens start with ${text[0]}`);
  twoCharacter.set(text.charCodeAt(0), { alone: punctuation.get(text[0]!), second: text.charCodeAt(1), pair });
}
for (const [text, t] of punctuation) {
  if (text.length === 1 && !twoCharacter.has(text.charCodeAt(0))) singleCharacter.set(text.charCodeAt(0), t);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c);
/** Space, tab, form feed, byte-order mark. */
const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 12 || c === 0xfeff;
const LF = 10;
const CR = 13;

/**
 * The tokens of `text`: what Chevrotain's Lexer makes of it from tokens.ts's `allTokens` (the first pattern
 * in that order that matches, a keyword only when no longer identifier matches; an unmatched stretch of
 * characters is one error, up to the next offset where some token can start).
 */
export function scan(text: string): ScanResult {
  const { table, comments, errors } = scanTable(text);
  return { tokens: table.tokens(), comments, errors };
}

/** `scan`, with the tokens as a table. */
function scanTable(text: string): { table: TokenTable; comments: IToken[]; errors: ScanResult['errors'] } {
  // Fewer tokens than half the characters in any realistic file (one for every four or five): rarely grown.
  const table = new TokenTable(text, 16 + (text.length >> 1));
  const comments: IToken[] = [];
  const errors: ScanResult['errors'] = [];
  const n = text.length;
  let offset = 0;
  let line = 1;
  /** The offset where the current line starts. */
  let lineStart = 0;

  /** Adds the token of `type` from `offset` to `end` (exclusive), on one line. */
  const push = (type: TokenType, end: number): void => {
    const column = offset - lineStart + 1;
    table.push(type, offset, end - 1, line, column, line, column + end - offset - 1);
  };
  /** Adds the comment from `offset` to `end` (exclusive), on one line (passLines moves its end). */
  const pushComment = (type: TokenType, end: number): IToken => {
    const column = offset - lineStart + 1;
    const comment: IToken = {
      image: text.substring(offset, end),
      startOffset: offset,
      endOffset: end - 1,
      startLine: line,
      endLine: line,
      startColumn: column,
      endColumn: column + end - offset - 1,
      tokenTypeIdx: type.tokenTypeIdx!,
      tokenType: type,
    };
    comments.push(comment);
    return comment;
  };
  /**
   * Moves the line count past the line breaks in `[from, to)`; where the token there ends on another line, its end
   * as Chevrotain sets it, or undefined.
   */
  const passLines = (from: number, to: number): { endLine: number; endColumn: number } | undefined => {
    let breaks = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      else if (c !== CR && c !== LF) continue;
      breaks++;
      lineStart = i + 1;
    }
    if (breaks === 0) return undefined;
    line += breaks;
    const endsInBreak = lineStart === to;
    if (breaks === 1 && endsInBreak) return undefined;
    // Chevrotain's lexer: a token that ends in a line break ends on the line before, after the break's column.
    return endsInBreak
      ? { endLine: line - 1, endColumn: to - lineStart + 1 }
      : { endLine: line, endColumn: to - lineStart };
  };

  while (offset < n) {
    const c = text.charCodeAt(offset);
    let end = offset + 1;
    let type: TokenType | undefined;
    if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(end) === LF) end++;
      push(T.Newline, end);
      line++;
      lineStart = end;
      offset = end;
      continue;
    } else if (isBlank(c)) {
      while (end < n && isBlank(text.charCodeAt(end))) end++;
      offset = end;
      continue;
    } else if (c === 47 /* / */) {
      const next = text.charCodeAt(end);
      if (next === 47) {
        while (end < n && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
        pushComment(T.LineComment, end);
        offset = end;
        continue;
      }
      if (next === 42 /* * */) {
        const close = text.indexOf('*/', offset + 2);
        end = close < 0 ? n : close + 2;
        const comment = close < 0 ? undefined : pushComment(T.BlockComment, end);
        if (close < 0) push(T.UnterminatedComment, end);
        const moved = passLines(offset, end);
        if (moved && comment) Object.assign(comment, moved);
        else if (moved) {
          table.endLine[table.count - 1] = moved.endLine;
          table.endColumn[table.count - 1] = moved.endColumn;
        }
        offset = end;
        continue;
      }
      type = T.Slash;
    } else if (c === 34 /* " */) {
      for (const [t, pattern] of stringPatterns) {
        pattern.lastIndex = offset;
        if (pattern.test(text)) {
          type = t;
          end = pattern.lastIndex;
          break;
        }
      }
    } else if (isDigit(c)) {
      floatPattern.lastIndex = offset;
      if (floatPattern.test(text)) {
        type = T.FloatLiteral;
        end = floatPattern.lastIndex;
      } else {
        while (end < n && isDigit(text.charCodeAt(end))) end++;
        type = T.IntegerLiteral;
      }
    } else if (isWordStart(c)) {
      if (c === 120 /* x */ && T.matchCross(text, offset, [], {}) !== null) type = T.Cross;
      else {
        while (end < n && isWordPart(text.charCodeAt(end))) end++;
        type = T.keywordTypes.get(text.substring(offset, end)) ?? T.Identifier;
      }
    } else {
      type = singleCharacter.get(c);
      if (type === undefined) {
        const two = twoCharacter.get(c);
        if (two !== undefined && text.charCodeAt(end) === two.second) {
          type = two.pair;
          end++;
        } else type = two?.alone;
      }
    }
    if (type !== undefined) {
      push(type, end);
      offset = end;
      continue;
    }
    // No token starts here: one error up to the next offset where one can.
    const start = offset;
    do offset++;
    while (offset < n && !tokenCanStart(text, offset));
    errors.push({ offset: start, length: offset - start, line, column: start - lineStart + 1 });
  }
  return { table, comments, errors };
}

/** Whether some token of tokens.ts matches at `offset` (every character but `!` alone starts one, or none). */
function tokenCanStart(text: string, offset: number): boolean {
  const c = text.charCodeAt(offset);
  if (c === LF || c === CR || isBlank(c) || c === 47 || c === 34 || isDigit(c) || isWordStart(c)) return true;
  if (singleCharacter.has(c)) return true;
  const two = twoCharacter.get(c);
  return two !== undefined && (two.alone !== undefined || text.charCodeAt(offset + 1) === two.second);
}
