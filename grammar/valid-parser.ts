/**
 * The parser of valid input: the grammar of parser.ts written out by hand as a recursive descent that makes
 * exactly the CST Chevrotain's parser makes (the same nodes, children in the same order, the same locations,
 * a top-level declaration handed to `onDeclaration` and left out of the file's node as parser.ts does), and
 * gives up, returning undefined, at the first token it does not expect. compiler/syntax/parse.ts tries it
 * first and parses with Chevrotain only when it gives up: a file with a syntax error gets Chevrotain's errors
 * and recovery, as before.
 *
 * Why: Chevrotain analyses the grammar each time a process starts (a third of `incc check`'s time on
 * stdlib/inception_v3.incp) and calls a dozen generic functions for each token (most of its time on a
 * 5,000-line file, where a process ends before they are optimized). This is a few functions for each token.
 *
 * Each decision is the one Chevrotain makes on valid input (its LL(3) lookahead, the gates of parser.ts,
 * alternatives tried in order, repetitions greedy). test/valid-parser.test.ts compares the two on every .incp
 * file of the repository, on generated programs and on thousands of mutated ones: where this parser accepts a
 * file, Chevrotain accepts it with no error and the same tree; where Chevrotain accepts one, so does this.
 * A rule changed in parser.ts and not here fails there.
 */
import type { CstNode, CstNodeLocation, IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';

/** Thrown at the first unexpected token: the caller gets undefined and parses with Chevrotain. */
const GIVE_UP = Symbol('not valid');

let tokens: IToken[] = [];
/** The index of the next token (LA(1)). */
let pos = 0;
/** Whether `/` divides in the innermost expression being parsed (parser.ts's `allowDivision`). */
let allowDivision = true;

/**
 * The file's CST as Chevrotain's parser (parser.ts's parseTokens) makes it from `tokens` when it finds no
 * error, or undefined where it would find one. Each top-level declaration goes to `onDeclaration` as soon as
 * it is parsed and is left out of the file's node (its key stays, with no nodes: parser.ts pops it).
 */
export function parseValidTokens(input: IToken[], onDeclaration: (node: CstNode) => void): CstNode | undefined {
  tokens = input;
  pos = 0;
  allowDivision = true;
  try {
    return file(onDeclaration);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  } finally {
    tokens = [];
  }
}

// ---- what Chevrotain's CstParser does for each node and token (recovery on, full locations) ---------------

function node(name: string): CstNode {
  return {
    name,
    children: Object.create(null) as CstNode['children'],
    location: { startOffset: NaN, startLine: NaN, startColumn: NaN, endOffset: NaN, endLine: NaN, endColumn: NaN },
  };
}

/** Chevrotain's setNodeLocationFull: a node's location grows with each token or child added. */
function extend(location: CstNodeLocation, from: CstNodeLocation | IToken): void {
  if (Number.isNaN(location.startOffset)) {
    location.startOffset = from.startOffset;
    location.startColumn = from.startColumn;
    location.startLine = from.startLine;
    location.endOffset = from.endOffset;
    location.endColumn = from.endColumn;
    location.endLine = from.endLine;
  } else if (location.endOffset! < from.endOffset!) {
    location.endOffset = from.endOffset;
    location.endColumn = from.endColumn;
    location.endLine = from.endLine;
  }
}

function add(parent: CstNode, key: string, child: CstNode | IToken): void {
  const list = parent.children[key];
  if (list === undefined) parent.children[key] = [child as CstNode];
  else list.push(child as CstNode);
}

/** CONSUME(type): the next token, which must be of that type. */
function consume(n: CstNode, type: TokenType): void {
  const t = tokens[pos];
  if (t === undefined || t.tokenType !== type) throw GIVE_UP;
  pos++;
  add(n, type.name, t);
  extend(n.location!, t);
}

/** SUBRULE: a child node already parsed. */
function sub(n: CstNode, child: CstNode): void {
  add(n, child.name, child);
  extend(n.location!, child.location!);
}

/** The type of LA(k), k >= 1 (undefined past the end: Chevrotain's EOF). */
function la(k: number): TokenType | undefined {
  return tokens[pos + k - 1]?.tokenType;
}

/** MANY_SEP's and AT_LEAST_ONE_SEP's separator, between items. */
function atComma(): boolean {
  return la(1) === T.Comma;
}

// ---- first tokens --------------------------------------------------------------------------------------

function startsPrimary(t: TokenType | undefined): boolean {
  return (
    t === T.Identifier ||
    t === T.IntegerLiteral ||
    t === T.FloatLiteral ||
    t === T.LParen ||
    t === T.StringLiteral ||
    t === T.True ||
    t === T.False ||
    t === T.LBracket
  );
}
function startsExpression(t: TokenType | undefined): boolean {
  return startsPrimary(t) || t === T.Minus || t === T.Not;
}
function startsElement(t: TokenType | undefined): boolean {
  return t === T.Identifier || t === T.Concat || t === T.Repeat || t === T.If;
}
function startsStatement(t: TokenType | undefined): boolean {
  return startsElement(t) || t === T.StringLiteral || t === T.Defaults || t === T.Apply || t === T.Train || t === T.Aux;
}
const binaryOperators = new Set<TokenType | undefined>([
  T.Or,
  T.And,
  T.EqEq,
  T.NotEq,
  T.LessEq,
  T.GreaterEq,
  T.Less,
  T.Greater,
  T.In,
  T.DotDot,
  T.Plus,
  T.Minus,
  T.Star,
  T.Percent,
  T.Slash,
]);

/** parser.ts's atLabel: `name:`, `first..last:` or `"exact/name":`. */
function atLabel(): boolean {
  const t = la(1);
  if (t === T.StringLiteral) return la(2) === T.Colon;
  if (t !== T.Identifier) return false;
  if (la(2) === T.Colon) return true;
  return la(2) === T.DotDot && la(3) === T.Identifier && la(4) === T.Colon;
}

/** parser.ts's `adjacent`: the `(` of a call or a layer's argument list touches the name before it. */
function parenTouches(): boolean {
  const name = tokens[pos - 1];
  const next = tokens[pos];
  return (
    next !== undefined &&
    next.tokenType === T.LParen &&
    name !== undefined &&
    name.endOffset !== undefined &&
    next.startOffset === name.endOffset + 1
  );
}

// ---- the rules, in parser.ts's order ---------------------------------------------------------------------

function file(onDeclaration: (node: CstNode) => void): CstNode {
  const n = node('file');
  for (;;) {
    const t = la(1);
    if (t === T.Newline || t === T.Semicolon) consume(n, t);
    else if (t === T.Import) declared(n, importDecl(), onDeclaration);
    else if (t === T.Block) declared(n, blockDecl(), onDeclaration);
    else if (t === T.Network) declared(n, networkDecl(), onDeclaration);
    else if (t === T.Rule) declared(n, ruleDecl(), onDeclaration);
    else if (t === T.Defaults) declared(n, defaultsStmt(), onDeclaration);
    else break;
  }
  // Chevrotain reports the tokens after the last thing the file rule could take ("expected end of file").
  if (pos < tokens.length) throw GIVE_UP;
  return n;
}

function declared(file: CstNode, declaration: CstNode, onDeclaration: (node: CstNode) => void): void {
  sub(file, declaration);
  onDeclaration(declaration);
  file.children[declaration.name]!.pop();
}

function importDecl(): CstNode {
  const n = node('importDecl');
  consume(n, T.Import);
  if (la(1) === T.LBrace) {
    consume(n, T.LBrace);
    consume(n, T.Identifier);
    while (atComma()) {
      consume(n, T.Comma);
      consume(n, T.Identifier);
    }
    consume(n, T.RBrace);
    consume(n, T.From);
  }
  consume(n, T.StringLiteral);
  return n;
}

function blockDecl(): CstNode {
  const n = node('blockDecl');
  consume(n, T.Block);
  consume(n, T.Identifier);
  sub(n, params());
  sub(n, body());
  return n;
}

function networkDecl(): CstNode {
  const n = node('networkDecl');
  consume(n, T.Network);
  consume(n, T.Identifier);
  if (la(1) === T.LParen) sub(n, params());
  sub(n, body());
  return n;
}

function ruleDecl(): CstNode {
  const n = node('ruleDecl');
  consume(n, T.Rule);
  consume(n, T.Identifier);
  if (la(1) === T.LParen) sub(n, params());
  consume(n, T.LBrace);
  for (;;) {
    const t = la(1);
    if (t === T.Newline || t === T.Semicolon) consume(n, t);
    else if (t === T.Match) sub(n, labelledClause('matchClause', T.Match));
    else if (t === T.When) sub(n, whenClause());
    else if (t === T.Replace) sub(n, labelledClause('replaceClause', T.Replace));
    else break;
  }
  consume(n, T.RBrace);
  return n;
}

/** MatchClause and ReplaceClause: the keyword, an optional label, a chain. */
function labelledClause(name: 'matchClause' | 'replaceClause', keyword: TokenType): CstNode {
  const n = node(name);
  consume(n, keyword);
  if (atLabel()) sub(n, label());
  sub(n, chain());
  return n;
}

function whenClause(): CstNode {
  const n = node('whenClause');
  consume(n, T.When);
  sub(n, expression(true));
  return n;
}

function params(): CstNode {
  const n = node('params');
  consume(n, T.LParen);
  if (la(1) === T.Identifier) {
    sub(n, param());
    while (atComma()) {
      consume(n, T.Comma);
      sub(n, param());
    }
  }
  consume(n, T.RParen);
  return n;
}

function param(): CstNode {
  const n = node('param');
  consume(n, T.Identifier);
  if (la(1) === T.Colon) {
    consume(n, T.Colon);
    consume(n, T.Identifier);
  }
  if (la(1) === T.Equals) {
    consume(n, T.Equals);
    sub(n, expression(true));
  }
  return n;
}

function body(): CstNode {
  const n = node('body');
  consume(n, T.LBrace);
  for (;;) {
    const t = la(1);
    if (t === T.Newline || t === T.Semicolon) consume(n, t);
    else if (startsStatement(t)) sub(n, statement());
    else break;
  }
  consume(n, T.RBrace);
  return n;
}

function statement(): CstNode {
  const n = node('statement');
  const t = la(1);
  if (t === T.Defaults) sub(n, defaultsStmt());
  else if (t === T.Apply) sub(n, applyStmt());
  else if (t === T.Train) sub(n, trainStmt());
  else {
    if (atLabel()) sub(n, label());
    if (la(1) === T.Aux) sub(n, auxStmt());
    else sub(n, chain());
  }
  return n;
}

function label(): CstNode {
  const n = node('label');
  if (la(1) === T.StringLiteral) consume(n, T.StringLiteral);
  else {
    consume(n, T.Identifier);
    if (la(1) === T.DotDot) {
      consume(n, T.DotDot);
      consume(n, T.Identifier);
    }
  }
  consume(n, T.Colon);
  return n;
}

function defaultsStmt(): CstNode {
  const n = node('defaultsStmt');
  consume(n, T.Defaults);
  consume(n, T.Identifier);
  consume(n, T.LParen);
  sub(n, argList());
  consume(n, T.RParen);
  return n;
}

function auxStmt(): CstNode {
  const n = node('auxStmt');
  consume(n, T.Aux);
  consume(n, T.From);
  sub(n, path());
  if (la(1) === T.Weight) {
    consume(n, T.Weight);
    sub(n, expression(false));
  }
  sub(n, body());
  return n;
}

function applyStmt(): CstNode {
  const n = node('applyStmt');
  consume(n, T.Apply);
  consume(n, T.Identifier);
  if (la(1) === T.LParen) {
    consume(n, T.LParen);
    sub(n, argList());
    consume(n, T.RParen);
  }
  if (la(1) === T.To) {
    consume(n, T.To);
    sub(n, target());
    while (atComma()) {
      consume(n, T.Comma);
      sub(n, target());
    }
  }
  return n;
}

function target(): CstNode {
  const n = node('target');
  sub(n, path());
  if (la(1) === T.DotDot) {
    consume(n, T.DotDot);
    sub(n, path());
  }
  return n;
}

function path(): CstNode {
  const n = node('path');
  consume(n, T.Identifier);
  while (la(1) === T.Slash) {
    consume(n, T.Slash);
    consume(n, T.Identifier);
  }
  return n;
}

function trainStmt(): CstNode {
  const n = node('trainStmt');
  consume(n, T.Train);
  consume(n, T.LBrace);
  for (;;) {
    const t = la(1);
    if (t === T.Newline || t === T.Semicolon) consume(n, t);
    else if (t === T.Identifier) sub(n, setting());
    else break;
  }
  consume(n, T.RBrace);
  return n;
}

function setting(): CstNode {
  const n = node('setting');
  consume(n, T.Identifier);
  consume(n, T.Equals);
  sub(n, expression(true));
  return n;
}

function chain(): CstNode {
  const n = node('chain');
  sub(n, element());
  while (la(1) === T.Arrow) {
    consume(n, T.Arrow);
    if (atLabel()) sub(n, label());
    sub(n, element());
  }
  return n;
}

function element(): CstNode {
  const n = node('element');
  const t = la(1);
  if (t === T.Concat) sub(n, concat());
  else if (t === T.Repeat) sub(n, repeat());
  else if (t === T.If) sub(n, ifElement());
  else if (t === T.Identifier) sub(n, layer());
  else throw GIVE_UP;
  return n;
}

function concat(): CstNode {
  const n = node('concat');
  consume(n, T.Concat);
  sub(n, body());
  return n;
}

function repeat(): CstNode {
  const n = node('repeat');
  consume(n, T.Repeat);
  if (la(1) === T.Identifier && la(2) === T.In) {
    consume(n, T.Identifier);
    consume(n, T.In);
  }
  sub(n, expression(true));
  sub(n, body());
  return n;
}

function ifElement(): CstNode {
  const n = node('ifElement');
  consume(n, T.If);
  sub(n, expression(true));
  sub(n, body());
  if (la(1) === T.Else) {
    consume(n, T.Else);
    const t = la(1);
    if (t === T.If) sub(n, ifElement());
    else if (t === T.LBrace) sub(n, body());
    else throw GIVE_UP;
  }
  return n;
}

function layer(): CstNode {
  const n = node('layer');
  consume(n, T.Identifier);
  if (parenTouches()) {
    consume(n, T.LParen);
    sub(n, argList());
    consume(n, T.RParen);
  } else {
    for (;;) {
      const t = la(1);
      if (t === T.Identifier && la(2) === T.Equals) sub(n, namedArg(false));
      else if (t === T.Slash) sub(n, strideArg());
      else if (startsExpression(t)) sub(n, expression(false));
      else break;
    }
  }
  return n;
}

function strideArg(): CstNode {
  const n = node('strideArg');
  consume(n, T.Slash);
  sub(n, expression(false));
  return n;
}

function argList(): CstNode {
  const n = node('argList');
  if (startsExpression(la(1))) {
    argument(n);
    while (atComma()) {
      consume(n, T.Comma);
      argument(n);
    }
  }
  return n;
}

/** One item of an ArgList: `name = value` or a value. */
function argument(list: CstNode): void {
  if (la(1) === T.Identifier && la(2) === T.Equals) sub(list, namedArg(true));
  else sub(list, expression(true));
}

function namedArg(division: boolean): CstNode {
  const n = node('namedArg');
  consume(n, T.Identifier);
  consume(n, T.Equals);
  sub(n, expression(division));
  return n;
}

function expression(division: boolean): CstNode {
  const n = node('expression');
  const enclosing = allowDivision;
  allowDivision = division;
  try {
    sub(n, operand());
    for (;;) {
      const t = la(1);
      if (!binaryOperators.has(t) || (!allowDivision && t === T.Slash)) break;
      consume(n, t!);
      sub(n, operand());
    }
  } finally {
    allowDivision = enclosing;
  }
  return n;
}

function operand(): CstNode {
  const n = node('operand');
  for (let t = la(1); t === T.Minus || t === T.Not; t = la(1)) consume(n, t);
  sub(n, primary());
  while (la(1) === T.Dot) {
    consume(n, T.Dot);
    consume(n, T.Identifier);
  }
  while (la(1) === T.Cross) {
    consume(n, T.Cross);
    sub(n, primary());
    while (la(1) === T.Dot) {
      consume(n, T.Dot);
      consume(n, T.Identifier);
    }
  }
  return n;
}

function primary(): CstNode {
  const n = node('primary');
  const t = la(1);
  if (t === T.IntegerLiteral || t === T.FloatLiteral || t === T.StringLiteral || t === T.True || t === T.False) {
    consume(n, t);
  } else if (t === T.Identifier) {
    consume(n, T.Identifier);
    if (parenTouches()) {
      consume(n, T.LParen);
      sub(n, argList());
      consume(n, T.RParen);
    }
  } else if (t === T.LParen) {
    consume(n, T.LParen);
    sub(n, expression(true));
    consume(n, T.RParen);
  } else if (t === T.LBracket) {
    consume(n, T.LBracket);
    if (startsExpression(la(1))) {
      sub(n, expression(true));
      while (atComma()) {
        consume(n, T.Comma);
        sub(n, expression(true));
      }
    }
    consume(n, T.RBracket);
  } else throw GIVE_UP;
  return n;
}
