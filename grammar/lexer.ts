/**
 * Tokenizing .incp text: Chevrotain's lexer, then the newline filter that makes line breaks
 * significant only where they can end a statement (spec/language.md, "Statements and newlines").
 */
import { Lexer, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { grammarSelfChecks } from './self-checks.js';

const lexer = new Lexer(T.allTokens, {
  skipValidations: !grammarSelfChecks,
  positionTracking: 'full',
  ensureOptimizations: false,
  recoveryEnabled: true,
});

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
  const result = lexer.tokenize(text);
  const problems: LexProblem[] = [];
  const raw: IToken[] = [];
  for (const tok of result.tokens) {
    if (tok.tokenType === T.UnterminatedComment || tok.tokenType === T.UnterminatedString) {
      const code = tok.tokenType === T.UnterminatedComment ? 'unterminated-comment' : 'unterminated-string';
      problems.push({
        code,
        offset: tok.startOffset,
        length: code === 'unterminated-comment' ? 2 : tok.image.length,
        line: tok.startLine ?? 1,
        column: tok.startColumn ?? 1,
        text: tok.image.slice(0, 20),
      });
      continue;
    }
    if (tok.tokenType === T.InvalidEscapeString) {
      // Report the first unknown escape, then let the parser see an ordinary string.
      const at = firstInvalidEscape(tok.image);
      const line = tok.startLine ?? 1;
      problems.push({
        code: 'invalid-escape',
        offset: tok.startOffset + at,
        length: 2,
        line,
        column: (tok.startColumn ?? 1) + at,
        text: tok.image.slice(at, at + 2),
      });
      raw.push({ ...tok, tokenType: T.StringLiteral, tokenTypeIdx: T.StringLiteral.tokenTypeIdx! });
      continue;
    }
    raw.push(tok);
  }
  for (const err of result.errors) {
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
  const comments = result.groups['comments'] ?? [];
  return { tokens: filterNewlines(raw), comments, problems };
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
 * and at the start and end of the file.
 */
function filterNewlines(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const type = tok.tokenType;
    if (type === T.LParen || type === T.LBracket) depth++;
    else if ((type === T.RParen || type === T.RBracket) && depth > 0) depth--;
    if (type !== T.Newline) {
      out.push(tok);
      continue;
    }
    if (depth > 0 || out.length === 0) continue;
    if (continuesLine.has(out[out.length - 1]!.tokenType)) continue;
    const next = tokens[i + 1];
    if (next === undefined || continuedBy.has(next.tokenType) || next.tokenType === T.Newline) continue;
    out.push(tok);
  }
  return out;
}
