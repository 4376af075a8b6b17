/**
 * The parser of valid input: the grammar of grammar/parser.ts written out by hand as a recursive descent that
 * builds the AST straight from the tokens, without a CST: the same AST, spans and diagnostics that Chevrotain's
 * parser and the AST builder (builder.ts) make together. It gives up, returning undefined, at the first token
 * it does not expect; parse.ts tries it first and parses with Chevrotain only where it gives up, so a file with
 * a syntax error gets Chevrotain's errors and recovery.
 *
 * Why: Chevrotain analyses the grammar each time a process starts and calls a dozen generic functions for each
 * token, and the CST it builds (three nodes for a number) is then walked once more into the AST: most of the
 * time `incc check` spent on a 5,000-line file, in a process that ends before any of it is optimized. This is
 * a few functions for each token, and the nodes of ast-factory.ts, which the builder makes too.
 *
 * Each decision is the one Chevrotain makes on valid input (its LL(3) lookahead, the gates of parser.ts,
 * alternatives tried in order, repetitions greedy). test/valid-parser.test.ts compares the two paths on every
 * .incp file of the repository, on generated programs and on thousands of mutated ones: where this parser
 * accepts a file, Chevrotain accepts it with no error and the builder makes the same AST (every field, spans
 * included, in the same order) and the same diagnostics; where Chevrotain accepts one, so does this. A rule
 * changed in parser.ts and not here fails there.
 */
import type { IToken, TokenType } from 'chevrotain';
import * as T from '../../grammar/tokens.js';
import { TokenTable } from '../../grammar/token-table.js';
import type * as A from './ast.js';
import * as F from './ast-factory.js';
import { tableSpan } from './spans.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';

/** Thrown at the first unexpected token: the caller gets undefined and parses with Chevrotain. */
const GIVE_UP = Symbol('not valid');

/** The file's tokens (the lexer's table), their types, how many. */
let table = new TokenTable('');
let types: TokenType[] = [];
let count = 0;
/** The index of the next token (LA(1)). */
let pos = 0;
/** Whether `/` divides in the innermost expression being parsed (parser.ts's `allowDivision`). */
let allowDivision = true;
let nodes = new F.AstFactory('');

/**
 * The file's AST and the builder's diagnostics, as Chevrotain's parser and the AST builder make them from the
 * lexer's token table and comments when the parser finds no error; undefined where it would find one.
 */
export function parseValidTokens(
  tokens: TokenTable,
  comments: IToken[],
  fileName: string,
): { ast: A.SourceFile; diagnostics: Diagnostic[] } | undefined {
  table = tokens;
  types = tokens.types;
  count = tokens.count;
  pos = 0;
  allowDivision = true;
  nodes = new F.AstFactory(fileName);
  try {
    const ast = nodes.sourceFile(file(), tokens.text, comments);
    return { ast, diagnostics: nodes.diagnostics };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  } finally {
    table = new TokenTable('');
    types = [];
    nodes = new F.AstFactory('');
  }
}

// ---- tokens ------------------------------------------------------------------------------------------------

/** CONSUME(type): the index of the next token, which must be of that type. */
function consume(type: TokenType): number {
  if (pos >= count || types[pos] !== type) throw GIVE_UP;
  return pos++;
}

/** The type of LA(k), k >= 1 (undefined past the end: Chevrotain's EOF). */
function la(k: number): TokenType | undefined {
  const i = pos + k - 1;
  return i < count ? types[i] : undefined;
}

/** MANY_SEP's and AT_LEAST_ONE_SEP's separator, between items (consumed when there). */
function comma(): boolean {
  if (la(1) !== T.Comma) return false;
  pos++;
  return true;
}

/** A separator between statements (consumed when there). */
function separator(): boolean {
  const t = la(1);
  if (t !== T.Newline && t !== T.Semicolon) return false;
  pos++;
  return true;
}

/**
 * The span of the node whose first token is token `start` and last the token just consumed. Nodes over the same
 * tokens share one span object where the parser knows they do (ast.ts's Span says what that asks of code that
 * changes spans): the spans are most of the AST's memory, and the garbage collector copies them while parsing.
 */
function spanFrom(start: number): A.Span {
  return tableSpan(nodes.fileName, table, start, pos - 1);
}

/** Token `i`'s span. */
function spanOf(i: number): A.Span {
  return tableSpan(nodes.fileName, table, i, i);
}

/** The identifier token `i`. */
function identifierAt(i: number): A.Identifier {
  return nodes.identifier(table.image(i), spanOf(i));
}

/**
 * `items` in an array of its own length. An array grown by push has room for 17 items or more, and most of the
 * AST's arrays hold one to three: each would carry a hundred bytes more for the garbage collector to copy.
 */
function exact<X>(items: X[]): X[] {
  return items.length === 0 ? [] : items.slice();
}

function identifier(): A.Identifier {
  return identifierAt(consume(T.Identifier));
}

function stringAt(i: number): A.StringLiteral {
  return nodes.string(table.image(i), spanOf(i));
}

// ---- first tokens --------------------------------------------------------------------------------------------

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
const binaryOperators = new Set<TokenType | undefined>(F.binaryOperatorNames.map((name) => T[name]));

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
  return pos > 0 && pos < count && types[pos] === T.LParen && table.startOffset[pos] === table.endOffset[pos - 1]! + 1;
}

// ---- the rules, in parser.ts's order -----------------------------------------------------------------------

function file(): A.TopLevel[] {
  const items: A.TopLevel[] = [];
  for (;;) {
    const t = la(1);
    if (separator()) continue;
    else if (t === T.Import) items.push(importDecl());
    else if (t === T.Block) items.push(blockDecl('BlockDecl'));
    else if (t === T.Network) items.push(blockDecl('NetworkDecl'));
    else if (t === T.Rule) items.push(ruleDecl());
    else if (t === T.Defaults) items.push(defaultsStmt());
    else break;
  }
  // Chevrotain reports the tokens after the last thing the file rule could take ("expected end of file").
  if (pos < count) throw GIVE_UP;
  return items;
}

function importDecl(): A.ImportDecl {
  const start = pos++;
  let names: A.Identifier[] | undefined;
  if (la(1) === T.LBrace) {
    pos++;
    names = [identifier()];
    while (comma()) names.push(identifier());
    consume(T.RBrace);
    consume(T.From);
  }
  const path = stringAt(consume(T.StringLiteral));
  const decl: A.ImportDecl = { kind: 'Import', path, span: spanFrom(start) };
  if (names) decl.names = names;
  return decl;
}

/** A block's parameters are required (`block B() { ... }`), a network's optional. */
function blockDecl(kind: 'BlockDecl' | 'NetworkDecl'): A.BlockDecl | A.NetworkDecl {
  const start = pos++;
  const name = identifier();
  const ps = kind === 'BlockDecl' || la(1) === T.LParen ? params() : [];
  const b = body();
  return { kind, name, params: ps, body: b, span: spanFrom(start) };
}

function ruleDecl(): A.RuleDecl {
  const start = pos++;
  const name = identifier();
  const ps = la(1) === T.LParen ? params() : [];
  consume(T.LBrace);
  const clauses: A.RuleClause[] = [];
  for (;;) {
    const t = la(1);
    const clauseStart = pos;
    if (separator()) continue;
    else if (t === T.Match) {
      const pattern = labelledClause();
      clauses.push({ kind: 'Match', pattern, span: spanFrom(clauseStart) });
    } else if (t === T.When) {
      pos++;
      const condition = expression(true);
      clauses.push({ kind: 'When', condition, span: spanFrom(clauseStart) });
    } else if (t === T.Replace) {
      const replacement = labelledClause();
      clauses.push({ kind: 'Replace', replacement, span: spanFrom(clauseStart) });
    } else break;
  }
  consume(T.RBrace);
  return { kind: 'RuleDecl', name, params: ps, clauses: exact(clauses), span: spanFrom(start) };
}

/** MatchClause's and ReplaceClause's chain after the keyword: an optional label, then the chain. */
function labelledClause(): A.Chain {
  pos++;
  const l = atLabel() ? label() : undefined;
  return F.labelFirst(chain(), l);
}

function params(): A.Param[] {
  consume(T.LParen);
  const list: A.Param[] = [];
  if (la(1) === T.Identifier) {
    list.push(param());
    while (comma()) list.push(param());
  }
  consume(T.RParen);
  return exact(list);
}

function param(): A.Param {
  const start = pos;
  const name = identifier();
  let type: A.Identifier | undefined;
  let value: A.Expr | undefined;
  if (la(1) === T.Colon) {
    pos++;
    type = identifier();
  }
  if (la(1) === T.Equals) {
    pos++;
    value = expression(true);
  }
  const p: A.Param = { kind: 'Param', name, span: spanFrom(start) };
  if (type) p.type = type;
  if (value) p.default = value;
  return p;
}

function body(): A.Body {
  const start = pos;
  consume(T.LBrace);
  const statements: A.Statement[] = [];
  for (;;) {
    if (separator()) continue;
    if (startsStatement(la(1))) statements.push(statement());
    else break;
  }
  consume(T.RBrace);
  return { kind: 'Body', statements: exact(statements), span: spanFrom(start) };
}

function statement(): A.Statement {
  const t = la(1);
  if (t === T.Defaults) return defaultsStmt();
  if (t === T.Apply) return applyStmt();
  if (t === T.Train) return trainStmt();
  const l = atLabel() ? label() : undefined;
  if (la(1) === T.Aux) return F.labelled(aux(), l);
  return F.labelledStatement(chain(), l);
}

function label(): A.Label {
  const start = pos;
  if (la(1) === T.StringLiteral) {
    const exact = stringAt(pos++);
    consume(T.Colon);
    return nodes.label(spanFrom(start), exact);
  }
  const first = identifier();
  let last: A.Identifier | undefined;
  if (la(1) === T.DotDot) {
    pos++;
    last = identifier();
  }
  consume(T.Colon);
  return nodes.label(spanFrom(start), undefined, first, last);
}

function defaultsStmt(): A.DefaultsStmt {
  const start = pos++;
  const target = identifier();
  consume(T.LParen);
  const args = argList();
  consume(T.RParen);
  return { kind: 'Defaults', target, args, span: spanFrom(start) };
}

function aux(): A.AuxStmt {
  const start = pos++;
  consume(T.From);
  const from = path();
  let weight: A.Expr | undefined;
  if (la(1) === T.Weight) {
    pos++;
    weight = expression(false);
  }
  const b = body();
  return F.auxStmt(from, weight, b, spanFrom(start));
}

function applyStmt(): A.ApplyRulesStmt {
  const start = pos++;
  const rule = identifier();
  let args: A.Arg[] = [];
  const targets: A.Target[] = [];
  if (la(1) === T.LParen) {
    pos++;
    args = argList();
    consume(T.RParen);
  }
  if (la(1) === T.To) {
    pos++;
    targets.push(target());
    while (comma()) targets.push(target());
  }
  return { kind: 'ApplyRules', rule, args, targets: exact(targets), span: spanFrom(start) };
}

function target(): A.Target {
  const start = pos;
  const first = path();
  let last: A.Path | undefined;
  if (la(1) === T.DotDot) {
    pos++;
    last = path();
  }
  const t: A.Target = { kind: 'Target', path: first, span: spanFrom(start) };
  if (last) t.last = last;
  return t;
}

function path(): A.Path {
  const start = pos;
  const segments = [identifier()];
  while (la(1) === T.Slash) {
    pos++;
    segments.push(identifier());
  }
  return { kind: 'Path', segments: exact(segments), span: spanFrom(start) };
}

function trainStmt(): A.TrainStmt {
  const start = pos++;
  consume(T.LBrace);
  const settings: A.Setting[] = [];
  for (;;) {
    if (separator()) continue;
    if (la(1) === T.Identifier) settings.push(setting());
    else break;
  }
  consume(T.RBrace);
  return { kind: 'Train', settings: exact(settings), span: spanFrom(start) };
}

function setting(): A.Setting {
  const start = pos;
  const key = identifier();
  consume(T.Equals);
  const value = expression(true);
  return { kind: 'Setting', key, value, span: spanFrom(start) };
}

function chain(): A.Chain {
  const start = pos;
  const elements = [element()];
  while (la(1) === T.Arrow) {
    pos++;
    const l = atLabel() ? label() : undefined;
    elements.push(F.labelled(element(), l));
  }
  // One element: the chain's tokens are the element's (see spanFrom).
  if (elements.length === 1) return { kind: 'Chain', elements, span: elements[0]!.span };
  return { kind: 'Chain', elements: exact(elements), span: spanFrom(start) };
}

function element(): A.Element {
  const t = la(1);
  if (t === T.Identifier) return layer();
  if (t === T.Concat) {
    const start = pos++;
    const b = body();
    return { kind: 'Concat', body: b, span: spanFrom(start) };
  }
  if (t === T.Repeat) return repeat();
  if (t === T.If) return ifElement();
  throw GIVE_UP;
}

function repeat(): A.RepeatElement {
  const start = pos++;
  let variable: number | undefined;
  if (la(1) === T.Identifier && la(2) === T.In) {
    variable = pos;
    pos += 2;
  }
  const over = expression(true);
  const b = body();
  const r: A.RepeatElement = { kind: 'Repeat', over, body: b, span: spanFrom(start) };
  if (variable !== undefined) r.variable = identifierAt(variable);
  return r;
}

function ifElement(): A.IfElement {
  const start = pos++;
  const condition = expression(true);
  const then = body();
  let otherwise: A.Body | A.IfElement | undefined;
  if (la(1) === T.Else) {
    pos++;
    const t = la(1);
    if (t === T.If) otherwise = ifElement();
    else if (t === T.LBrace) otherwise = body();
    else throw GIVE_UP;
  }
  const el: A.IfElement = { kind: 'If', condition, then, span: spanFrom(start) };
  if (otherwise) el.else = otherwise;
  return el;
}

function layer(): A.LayerElement {
  const start = pos;
  const callee = consume(T.Identifier);
  const parenthesized = parenTouches();
  let args: A.Arg[];
  if (parenthesized) {
    pos++;
    args = argList();
    consume(T.RParen);
  } else {
    args = [];
    for (;;) {
      const t = la(1);
      if (t === T.Identifier && la(2) === T.Equals) args.push(namedArg(false));
      else if (t === T.Slash) {
        const argStart = pos++;
        const value = expression(false);
        args.push({ kind: 'StrideArg', value, span: spanFrom(argStart) });
      } else if (startsExpression(t)) args.push(positional(false));
      else break;
    }
    args = exact(args);
  }
  const span = spanFrom(start);
  // A bare name (`relu`): the layer's tokens are the name's (see spanFrom).
  const name = args.length === 0 && !parenthesized ? nodes.identifier(table.image(callee), span) : identifierAt(callee);
  return { kind: 'Layer', callee: name, args, parenthesized, span };
}

function argList(): A.Arg[] {
  const args: A.Arg[] = [];
  if (startsExpression(la(1))) {
    args.push(argument());
    while (comma()) args.push(argument());
  }
  return exact(args);
}

/** One item of an ArgList: `name = value` or a value. */
function argument(): A.Arg {
  if (la(1) === T.Identifier && la(2) === T.Equals) return namedArg(true);
  return positional(true);
}

function positional(division: boolean): A.PositionalArg {
  const value = expression(division);
  // An expression's span is that of its tokens: the argument's, one object for both (see spanFrom).
  return { kind: 'PositionalArg', value, span: value.span };
}

function namedArg(division: boolean): A.NamedArg {
  const start = pos;
  const name = identifier();
  consume(T.Equals);
  const value = expression(division);
  return { kind: 'NamedArg', name, value, span: spanFrom(start) };
}

/** An expression: operands (each after its prefix operators) between binary operators, as a row to climb. */
function expression(division: boolean): A.Expr {
  const enclosing = allowDivision;
  allowDivision = division;
  let items: F.ExprItem[] | undefined;
  // One operand and no prefix operator: most expressions (`64`, `3x3`, `c`), without the row.
  const first = la(1) === T.Minus || la(1) === T.Not ? undefined : operand();
  if (first === undefined || atBinaryOperator()) {
    items = first === undefined ? [] : [{ kind: 'atom', expr: first }];
    if (first === undefined) prefixedOperand(items);
    while (atBinaryOperator()) {
      items.push(operator('op'));
      prefixedOperand(items);
    }
  }
  allowDivision = enclosing;
  return items === undefined ? first! : nodes.expression(items);
}

function atBinaryOperator(): boolean {
  const t = la(1);
  return binaryOperators.has(t) && (allowDivision || t !== T.Slash);
}

/** The next token, an operator. */
function operator(kind: F.Operator['kind']): F.Operator {
  const i = pos++;
  return { kind, type: types[i]!, image: table.image(i), span: spanOf(i) };
}

function prefixedOperand(items: F.ExprItem[]): void {
  for (let t = la(1); t === T.Minus || t === T.Not; t = la(1)) items.push(operator('prefix'));
  items.push({ kind: 'atom', expr: operand() });
}

/** Size := Postfix { "x" Postfix }, Postfix := Primary { "." Identifier }. */
function operand(): A.Expr {
  const dim = postfix();
  if (la(1) !== T.Cross) return dim;
  const dims = [dim];
  while (la(1) === T.Cross) {
    pos++;
    dims.push(postfix());
  }
  return nodes.size(exact(dims));
}

function postfix(): A.Expr {
  let e = primary();
  while (la(1) === T.Dot) {
    pos++;
    e = nodes.member(e, identifier());
  }
  return e;
}

function primary(): A.Expr {
  const start = pos;
  if (pos >= count) throw GIVE_UP;
  const type = types[pos]!;
  if (type === T.LParen) {
    pos++;
    const inner = expression(true);
    consume(T.RParen);
    return nodes.paren(inner, spanFrom(start));
  }
  if (type === T.LBracket) {
    pos++;
    const items: A.Expr[] = [];
    if (startsExpression(la(1))) {
      items.push(expression(true));
      while (comma()) items.push(expression(true));
    }
    consume(T.RBracket);
    return nodes.list(exact(items), spanFrom(start));
  }
  pos++;
  if (type === T.Identifier && parenTouches()) {
    pos++;
    const args = argList();
    consume(T.RParen);
    return nodes.call(identifierAt(start), args, spanFrom(start));
  }
  const literal = nodes.literal(type, table.image(start), spanFrom(start));
  if (literal === undefined) throw GIVE_UP;
  return literal;
}
