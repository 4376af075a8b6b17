/**
 * Text -> AST: the lexer, the nesting guard, the Chevrotain parser, then the CST -> AST visitor.
 * Never throws on bad input; every problem comes back as a diagnostic with a span.
 */
import type { IToken } from 'chevrotain';
import { tokenize } from '../grammar/lexer.js';
import { parseTokens } from '../grammar/parser.js';
import * as T from '../grammar/tokens.js';
import type { SourceFile, Span } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import { diagnostic, type Diagnostic } from './diagnostics.js';

/** Brackets and prefix operators nest the parser's recursion; past this, report instead of recursing. */
export const MAX_NESTING = 64;
/** At most this many syntax errors are reported for one file (the first ones; the rest are noise). */
const MAX_SYNTAX_ERRORS = 20;

export interface ParseResult {
  ast?: SourceFile;
  diagnostics: Diagnostic[];
}

export function parseSource(text: string, file: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = tokenize(text);
  for (const p of lexed.problems.slice(0, MAX_SYNTAX_ERRORS)) {
    const span = spanAt(file, p.offset, p.length, p.line, p.column, text);
    diagnostics.push(diagnostic(p.code, span, { text: JSON.stringify(p.text) }));
  }
  const deep = tooDeep(lexed.tokens);
  if (deep) {
    diagnostics.push(diagnostic('nesting-too-deep', tokenSpan(file, deep.token), { depth: `over ${MAX_NESTING}`, limit: MAX_NESTING }));
    return { diagnostics };
  }
  try {
    const parsed = parseTokens(lexed.tokens);
    for (const p of parsed.problems.slice(0, MAX_SYNTAX_ERRORS)) {
      diagnostics.push(syntaxError(file, text, p.token, p.expected));
    }
    if (diagnostics.length > 0 || !parsed.cst) return { diagnostics };
    const builder = new AstBuilder(file);
    const ast = builder.sourceFile(parsed.cst, text, lexed.comments);
    diagnostics.push(...builder.diagnostics);
    return { ast, diagnostics };
  } catch (e) {
    // The guard above keeps recursion shallow (an `else if` chain thousands long is the one way past it);
    // this is the last line of defence against a stack overflow.
    if (e instanceof RangeError) {
      diagnostics.push(diagnostic('nesting-too-deep', spanAt(file, 0, 1, 1, 1, text), { depth: 'too many', limit: MAX_NESTING }));
      return { diagnostics };
    }
    throw e;
  }
}

function syntaxError(file: string, text: string, token: IToken, expected: string[]): Diagnostic {
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  const found = atEnd ? 'end of file' : describeToken(token);
  const span = atEnd ? endOfFile(file, text) : tokenSpan(file, token);
  return diagnostic('syntax-error', span, { found }, { expected });
}

function describeToken(t: IToken): string {
  if (t.tokenType === T.Newline) return 'end of line';
  if (t.tokenType === T.Identifier) return `name \`${t.image}\``;
  if (t.tokenType === T.IntegerLiteral || t.tokenType === T.FloatLiteral) return `number ${t.image}`;
  if (t.tokenType === T.StringLiteral) return `string ${t.image.length > 30 ? t.image.slice(0, 27) + '..."' : t.image}`;
  return `\`${t.image}\``;
}

function tokenSpan(file: string, t: IToken): Span {
  return {
    file,
    startOffset: t.startOffset,
    endOffset: (t.endOffset ?? t.startOffset) + 1,
    startLine: t.startLine ?? 1,
    startColumn: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endColumn: (t.endColumn ?? t.startColumn ?? 1) + 1,
  };
}

function spanAt(file: string, offset: number, length: number, line: number, column: number, text: string): Span {
  const firstLineEnd = text.indexOf('\n', offset);
  const len = firstLineEnd >= 0 ? Math.min(length, Math.max(1, firstLineEnd - offset)) : length;
  return { file, startOffset: offset, endOffset: offset + len, startLine: line, startColumn: column, endLine: line, endColumn: column + len };
}

function endOfFile(file: string, text: string): Span {
  const lines = text.split('\n');
  const line = lines.length;
  const column = lines[line - 1]!.length + 1;
  return { file, startOffset: text.length, endOffset: text.length, startLine: line, startColumn: column, endLine: line, endColumn: column + 1 };
}

/** The first token where brackets plus runs of prefix operators (`-`, `not`) nest deeper than MAX_NESTING. */
function tooDeep(tokens: IToken[]): { token: IToken } | undefined {
  let depth = 0;
  let prefixRun = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace) depth = Math.max(0, depth - 1);
    prefixRun = type === T.Minus || type === T.Not ? prefixRun + 1 : 0;
    if (depth + prefixRun > MAX_NESTING) return { token: t };
  }
  return undefined;
}
