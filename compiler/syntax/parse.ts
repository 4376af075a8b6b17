/**
 * Text -> AST: the lexer, the nesting guard, then the parser of valid input (valid-parser.ts, tokens -> AST), or
 * where it gives up (a syntax error) the Chevrotain parser and the CST -> AST builder, which report the errors.
 * Never throws on bad input; every problem comes back as a diagnostic with a span.
 */
import type { IToken, TokenType } from 'chevrotain';
import { lex, type LexResult } from '../../grammar/lexer.js';
import { parseTokens } from '../../grammar/parser.js';
import { parseValidTokens } from './valid-parser.js';
import * as T from '../../grammar/tokens.js';
import type { SourceFile } from './ast.js';
import { endOfFileSpan, spanAt, tableSpan, tokenSpan } from './spans.js';
import { AstBuilder } from './builder.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostics.js';

/** Brackets and prefix operators nest the parser's recursion; past this, report instead of recursing. */
export const MAX_NESTING = 64;
/**
 * The most tokens parsed from one file. Parsing costs some 5 to 15 microseconds a token (a layer
 * argument is three CST nodes deep, an expression, its operand and a primary, and the CST is
 * garbage-collected as it grows): this keeps checking any file to a few seconds. A realistic 5,000-line
 * file has about 40,000 tokens; 30,000 lines of `conv 3x3 8` have 180,000.
 */
export const MAX_TOKENS = 250_000;
/** At most this many syntax errors are reported for one file (the first ones; the rest are noise). */
const MAX_SYNTAX_ERRORS = 20;

export interface ParseResult {
  ast?: SourceFile;
  diagnostics: Diagnostic[];
}

export function parseSource(text: string, file: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = lex(text);
  const tokens = lexed.table;
  if (tokens.count > MAX_TOKENS) {
    diagnostics.push(
      diagnostic('file-too-large', spanAt(file, 0, 1, 1, 1, text), {
        size: `${tokens.count} tokens`,
        limit: `${MAX_TOKENS} tokens`,
      }),
    );
    return { diagnostics };
  }
  for (const p of lexed.problems.slice(0, MAX_SYNTAX_ERRORS)) {
    const span = spanAt(file, p.offset, p.length, p.line, p.column, text);
    diagnostics.push(
      diagnostic(p.code, span, { text: p.code === 'unexpected-character' ? describeCharacters(p.text) : p.text }),
    );
  }
  const deep = tooDeep(tokens.types);
  if (deep !== undefined) {
    const span = tableSpan(file, tokens, deep, deep);
    diagnostics.push(diagnostic('nesting-too-deep', span, { depth: `over ${MAX_NESTING}`, limit: MAX_NESTING }));
    return { diagnostics };
  }
  try {
    // The parser of valid input first (valid-parser.ts: the AST straight from the tokens); where it gives up, the
    // file has a syntax error: Chevrotain's parser finds and reports it.
    const valid = diagnostics.length === 0 ? parseValidTokens(tokens, lexed.comments, file) : undefined;
    if (valid) {
      // At most MAX_SYNTAX_ERRORS of them (a file of 100,000 `1e999` would give as many), and no
      // `push(...xs)` of an unbounded array: spreading too many arguments overflows the stack.
      diagnostics.push(...valid.diagnostics.slice(0, MAX_SYNTAX_ERRORS));
      return { ast: valid.ast, diagnostics };
    }
    const chevrotainInput = { tokens: tokens.tokens(), comments: lexed.comments, problems: lexed.problems };
    return parseWithChevrotain(chevrotainInput, text, file, diagnostics);
  } catch (e) {
    // The guard above keeps recursion shallow (an `else if` chain thousands long is the one way past it);
    // this is the last line of defence against a stack overflow.
    if (e instanceof RangeError) {
      diagnostics.push(
        diagnostic('nesting-too-deep', spanAt(file, 0, 1, 1, 1, text), { depth: 'too many', limit: MAX_NESTING }),
      );
      return { diagnostics };
    }
    throw e;
  }
}

/**
 * Chevrotain's parser and the AST builder: the reference for valid input (test/valid-parser.test.ts), and the
 * errors and recovery for the rest. Each declaration is built as soon as it is parsed (its CST then dies young);
 * when the file turns out to have a syntax error, what was built is dropped, as the AST of a file with errors
 * always is.
 */
export function parseWithChevrotain(
  lexed: LexResult,
  text: string,
  file: string,
  diagnostics: Diagnostic[],
): ParseResult {
  const builder = new AstBuilder(file);
  const clean = diagnostics.length === 0;
  const parsed = parseTokens(lexed.tokens, clean ? (node) => builder.declaration(node) : undefined);
  for (const p of parsed.problems.slice(0, MAX_SYNTAX_ERRORS)) {
    diagnostics.push(syntaxError(file, text, p.token, p.expected));
  }
  if (diagnostics.length > 0 || !parsed.cst) return { diagnostics };
  const ast = builder.sourceFile(parsed.cst, text, lexed.comments);
  diagnostics.push(...builder.diagnostics.slice(0, MAX_SYNTAX_ERRORS));
  return { ast, diagnostics };
}

function syntaxError(file: string, text: string, token: IToken, expected: string[]): Diagnostic {
  const atEnd = token.tokenType.name === 'EOF' || Number.isNaN(token.startOffset);
  const found = atEnd ? 'end of file' : describeToken(token);
  const span = atEnd ? endOfFileSpan(file, text) : tokenSpan(file, token);
  return diagnostic('syntax-error', span, { found }, { expected });
}

function describeToken(t: IToken): string {
  if (t.tokenType === T.Newline) return 'end of line';
  if (t.tokenType === T.Identifier) return `name \`${t.image}\``;
  if (t.tokenType === T.IntegerLiteral || t.tokenType === T.FloatLiteral) return `number ${t.image}`;
  if (t.tokenType === T.StringLiteral) return `string ${t.image.length > 30 ? t.image.slice(0, 27) + '..."' : t.image}`;
  return `\`${t.image}\``;
}

/**
 * The first token where brackets, `else if` links and runs of prefix operators (`-`, `not`) nest deeper
 * than MAX_NESTING. An `else if` nests the rest of its chain (the grammar recurses on it), so each link
 * counts as one level until the chain ends: at a `}` not followed by `else`.
 */
function tooDeep(types: TokenType[]): number | undefined {
  // Open brackets, and `else if` links (marked ELSE_IF), innermost last.
  const open: (TokenType | typeof ELSE_IF)[] = [];
  let prefixRun = 0;
  for (let i = 0; i < types.length; i++) {
    const type = types[i]!;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) open.push(type);
    else if (type === T.If && types[i - 1] === T.Else) open.push(ELSE_IF);
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace) {
      // a bracket closed inside a chain ends it
      while (open.length > 0 && open[open.length - 1] === ELSE_IF) open.pop();
      open.pop();
      if (type === T.RBrace && types[i + 1] !== T.Else) {
        while (open.length > 0 && open[open.length - 1] === ELSE_IF) open.pop();
      }
    }
    prefixRun = type === T.Minus || type === T.Not ? prefixRun + 1 : 0;
    if (open.length + prefixRun > MAX_NESTING) return i;
  }
  return undefined;
}
const ELSE_IF = Symbol('else if');

/** Characters one cannot see or tell apart, named in messages (`"\u00a0" (U+00A0 NO-BREAK SPACE)`). */
const characterNames: Record<string, string> = {
  '\u00a0': 'NO-BREAK SPACE',
  '\u200b': 'ZERO WIDTH SPACE',
  '\u200c': 'ZERO WIDTH NON-JOINER',
  '\u200d': 'ZERO WIDTH JOINER',
  '\u2060': 'WORD JOINER',
  '\ufeff': 'BYTE ORDER MARK',
  '\u2002': 'EN SPACE',
  '\u2003': 'EM SPACE',
  '\u2009': 'THIN SPACE',
  '\u3000': 'IDEOGRAPHIC SPACE',
  '\u2013': 'EN DASH',
  '\u2014': 'EM DASH',
  '\u2212': 'MINUS SIGN',
  '\u00d7': 'MULTIPLICATION SIGN',
  '\u201c': 'LEFT DOUBLE QUOTATION MARK',
  '\u201d': 'RIGHT DOUBLE QUOTATION MARK',
};

/**
 * The text of an unexpected character as a message shows it: printable ASCII as itself in quotes; anything
 * else with its code point too, escaped when one cannot see it or tell it from ASCII (spaces, joiners, dashes,
 * quotes: those are named), as itself when it is a visible letter, digit or symbol (`"é" (U+00E9)`).
 */
export function describeCharacters(text: string): string {
  const quoted = JSON.stringify(text);
  const first = String.fromCodePoint(text.codePointAt(0) ?? 32);
  if (/^[\x21-\x7e]$/.test(first)) return quoted;
  const code = `U+${first.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = characterNames[first];
  const visible = name === undefined && /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(first);
  const escaped = visible
    ? JSON.stringify(first)
    : JSON.stringify(first).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${escaped} (${code}${name ? ` ${name}` : ''})`;
}
