/**
 * The one CST -> AST visitor: turns the Chevrotain concrete syntax tree of grammar/parser.ts into the
 * AST of ast.ts, with a span on every node. Runs only on a CST without syntax errors.
 *
 * Typed against the parser: grammar/cst.ts (generated from the parser's productions by scripts/cst-types.mjs,
 * checked by test/cst-types.test.ts) gives each rule's children, and the builder has one method per rule with
 * that rule's name and children (`implements CstRules`), so a rule renamed, added or reshaped in the grammar
 * and not followed here fails to compile. Chevrotain's validateVisitor checks the same at run time (in the test).
 */
import type { CstNode, CstNodeLocation, IToken } from 'chevrotain';
import type * as C from '../../grammar/cst.js';
import type * as A from './ast.js';
import { locationSpan } from './spans.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import {
  AstFactory,
  auxStmt,
  binaryOperatorNames,
  labelFirst,
  labelled,
  labelledStatement,
  type ExprItem,
  type Operator,
} from './ast-factory.js';

/** One method per parser rule, named as the rule, taking its children and its node's location. */
type CstRules = Omit<C.ICstNodeVisitor<CstNodeLocation, unknown>, 'visit' | 'validateVisitor'>;

export class AstBuilder implements CstRules {
  /** The nodes both parsers build alike, and the diagnostics found building them. */
  private readonly nodes: AstFactory;
  /** The declarations built one by one, as the parser finished each (`declaration`), in source order. */
  private readonly declarations: A.TopLevel[] = [];
  constructor(fileName: string) {
    this.nodes = new AstFactory(fileName);
  }

  get diagnostics(): Diagnostic[] {
    return this.nodes.diagnostics;
  }

  private span(l: CstNodeLocation): A.Span {
    return locationSpan(this.nodes.fileName, l);
  }

  private identifier(t: IToken): A.Identifier {
    return this.nodes.identifier(t.image, this.nodes.tokenSpan(t));
  }

  private string(t: IToken): A.StringLiteral {
    return this.nodes.string(t.image, this.nodes.tokenSpan(t));
  }

  private operator(kind: Operator['kind'], t: IToken): Operator {
    return { kind, type: t.tokenType, image: t.image, span: this.nodes.tokenSpan(t) };
  }

  // ---- file -------------------------------------------------------------------------------------

  /** Builds one top-level declaration now (parseTokens's `onDeclaration`); sourceFile puts it first. */
  declaration(n: CstNode): void {
    this.declarations.push(this.topLevel(n as TopLevelCstNode));
  }

  /** The file: the declarations built already (`declaration`), then those still in `cst`. */
  sourceFile(cst: CstNode, text: string, comments: IToken[]): A.SourceFile {
    const items = this.declarations.concat(this.file((cst as C.FileCstNode).children));
    return this.nodes.sourceFile(items, text, comments);
  }

  file(c: C.FileCstChildren): A.TopLevel[] {
    const declarations = inSourceOrder([c.importDecl, c.blockDecl, c.networkDecl, c.ruleDecl, c.defaultsStmt]);
    return declarations.map((n) => this.topLevel(n));
  }

  private topLevel(n: TopLevelCstNode): A.TopLevel {
    switch (n.name) {
      case 'importDecl':
        return this.importDecl(n.children, n.location!);
      case 'blockDecl':
        return this.blockDecl(n.children, n.location!);
      case 'networkDecl':
        return this.networkDecl(n.children, n.location!);
      case 'ruleDecl':
        return this.ruleDecl(n.children, n.location!);
      case 'defaultsStmt':
        return this.defaultsStmt(n.children, n.location!);
    }
  }

  importDecl(c: C.ImportDeclCstChildren, at: CstNodeLocation): A.ImportDecl {
    const decl: A.ImportDecl = { kind: 'Import', path: this.string(c.StringLiteral[0]!), span: this.span(at) };
    if (c.From) decl.names = (c.Identifier ?? []).map((t) => this.identifier(t));
    return decl;
  }

  blockDecl(c: C.BlockDeclCstChildren, at: CstNodeLocation): A.BlockDecl {
    return this.blockOrNetwork('BlockDecl', c, at) as A.BlockDecl;
  }

  networkDecl(c: C.NetworkDeclCstChildren, at: CstNodeLocation): A.NetworkDecl {
    return this.blockOrNetwork('NetworkDecl', c, at) as A.NetworkDecl;
  }

  /** A block's parameters are required (`block B() { ... }`), a network's optional. */
  private blockOrNetwork(
    kind: 'BlockDecl' | 'NetworkDecl',
    c: C.BlockDeclCstChildren | C.NetworkDeclCstChildren,
    at: CstNodeLocation,
  ): A.BlockDecl | A.NetworkDecl {
    const params = c.params ? this.params(c.params[0]!.children) : [];
    return {
      kind,
      name: this.identifier(c.Identifier[0]!),
      params,
      body: this.bodyOf(c.body[0]!),
      span: this.span(at),
    };
  }

  ruleDecl(c: C.RuleDeclCstChildren, at: CstNodeLocation): A.RuleDecl {
    const clauses: A.RuleClause[] = [];
    for (const n of inSourceOrder([c.matchClause, c.whenClause, c.replaceClause])) {
      if (n.name === 'matchClause') clauses.push(this.matchClause(n.children, n.location!));
      else if (n.name === 'whenClause') clauses.push(this.whenClause(n.children, n.location!));
      else clauses.push(this.replaceClause(n.children, n.location!));
    }
    return {
      kind: 'RuleDecl',
      name: this.identifier(c.Identifier[0]!),
      params: c.params ? this.params(c.params[0]!.children) : [],
      clauses,
      span: this.span(at),
    };
  }

  matchClause(c: C.MatchClauseCstChildren, at: CstNodeLocation): A.MatchClause {
    return { kind: 'Match', pattern: this.labelledChain(c.chain[0]!, c.label?.[0]), span: this.span(at) };
  }

  whenClause(c: C.WhenClauseCstChildren, at: CstNodeLocation): A.WhenClause {
    return { kind: 'When', condition: this.expressionOf(c.expression[0]!), span: this.span(at) };
  }

  replaceClause(c: C.ReplaceClauseCstChildren, at: CstNodeLocation): A.ReplaceClause {
    return { kind: 'Replace', replacement: this.labelledChain(c.chain[0]!, c.label?.[0]), span: this.span(at) };
  }

  /** A clause's chain, its label (if any) on its first layer. */
  private labelledChain(n: C.ChainCstNode, labelNode: C.LabelCstNode | undefined): A.Chain {
    const label = labelNode ? this.label(labelNode.children, labelNode.location!) : undefined;
    return labelFirst(this.chain(n.children, n.location!), label);
  }

  params(c: C.ParamsCstChildren): A.Param[] {
    return c.param ? c.param.map((p) => this.param(p.children, p.location!)) : [];
  }

  param(c: C.ParamCstChildren, at: CstNodeLocation): A.Param {
    const param: A.Param = { kind: 'Param', name: this.identifier(c.Identifier[0]!), span: this.span(at) };
    if (c.Identifier[1]) param.type = this.identifier(c.Identifier[1]);
    if (c.expression) param.default = this.expressionOf(c.expression[0]!);
    return param;
  }

  // ---- statements -------------------------------------------------------------------------------

  private bodyOf(n: C.BodyCstNode): A.Body {
    return this.body(n.children, n.location!);
  }

  body(c: C.BodyCstChildren, at: CstNodeLocation): A.Body {
    const statements = c.statement ? c.statement.map((s) => this.statement(s.children)) : [];
    return { kind: 'Body', statements, span: this.span(at) };
  }

  statement(c: C.StatementCstChildren): A.Statement {
    if (c.defaultsStmt) return this.defaultsStmt(c.defaultsStmt[0]!.children, c.defaultsStmt[0]!.location!);
    if (c.applyStmt) return this.applyStmt(c.applyStmt[0]!.children, c.applyStmt[0]!.location!);
    if (c.trainStmt) return this.trainStmt(c.trainStmt[0]!.children, c.trainStmt[0]!.location!);
    const label = c.label ? this.label(c.label[0]!.children, c.label[0]!.location!) : undefined;
    if (c.auxStmt) return labelled(this.auxStmt(c.auxStmt[0]!.children, c.auxStmt[0]!.location!), label);
    return labelledStatement(this.chain(c.chain![0]!.children, c.chain![0]!.location!), label);
  }

  label(c: C.LabelCstChildren, at: CstNodeLocation): A.Label {
    const [exact, first, last] = [c.StringLiteral?.[0], c.Identifier?.[0], c.Identifier?.[1]];
    return this.nodes.label(
      this.span(at),
      exact && this.string(exact),
      first && this.identifier(first),
      last && this.identifier(last),
    );
  }

  defaultsStmt(c: C.DefaultsStmtCstChildren, at: CstNodeLocation): A.DefaultsStmt {
    return {
      kind: 'Defaults',
      target: this.identifier(c.Identifier[0]!),
      args: this.argList(c.argList[0]!.children),
      span: this.span(at),
    };
  }

  applyStmt(c: C.ApplyStmtCstChildren, at: CstNodeLocation): A.ApplyRulesStmt {
    return {
      kind: 'ApplyRules',
      rule: this.identifier(c.Identifier[0]!),
      args: c.argList ? this.argList(c.argList[0]!.children) : [],
      targets: c.target ? c.target.map((t) => this.target(t.children, t.location!)) : [],
      span: this.span(at),
    };
  }

  target(c: C.TargetCstChildren, at: CstNodeLocation): A.Target {
    const target: A.Target = { kind: 'Target', path: this.pathOf(c.path[0]!), span: this.span(at) };
    if (c.path[1]) target.last = this.pathOf(c.path[1]);
    return target;
  }

  private pathOf(n: C.PathCstNode): A.Path {
    return this.path(n.children, n.location!);
  }

  path(c: C.PathCstChildren, at: CstNodeLocation): A.Path {
    return { kind: 'Path', segments: c.Identifier.map((t) => this.identifier(t)), span: this.span(at) };
  }

  trainStmt(c: C.TrainStmtCstChildren, at: CstNodeLocation): A.TrainStmt {
    const settings = c.setting ? c.setting.map((s) => this.setting(s.children, s.location!)) : [];
    return { kind: 'Train', settings, span: this.span(at) };
  }

  setting(c: C.SettingCstChildren, at: CstNodeLocation): A.Setting {
    return {
      kind: 'Setting',
      key: this.identifier(c.Identifier[0]!),
      value: this.expressionOf(c.expression[0]!),
      span: this.span(at),
    };
  }

  auxStmt(c: C.AuxStmtCstChildren, at: CstNodeLocation): A.AuxStmt {
    const from = this.pathOf(c.path[0]!);
    const weight = c.expression ? this.expressionOf(c.expression[0]!) : undefined;
    return auxStmt(from, weight, this.bodyOf(c.body[0]!), this.span(at));
  }

  /** Elements, each with the label written before it (`-> name: layer`): labels sit between elements. */
  chain(c: C.ChainCstChildren, at: CstNodeLocation): A.Chain {
    const labels = c.label;
    let next = 0;
    const elements = c.element.map((n) => {
      const before = labels && next < labels.length && labels[next]!.location!.startOffset < n.location!.startOffset;
      const label = before ? this.label(labels[next]!.children, labels[next]!.location!) : undefined;
      if (before) next++;
      return labelled(this.element(n.children), label);
    });
    return { kind: 'Chain', elements, span: this.span(at) };
  }

  element(c: C.ElementCstChildren): A.Element {
    if (c.layer) return this.layer(c.layer[0]!.children, c.layer[0]!.location!);
    if (c.concat) return this.concat(c.concat[0]!.children, c.concat[0]!.location!);
    if (c.repeat) return this.repeat(c.repeat[0]!.children, c.repeat[0]!.location!);
    return this.ifElement(c.ifElement![0]!.children, c.ifElement![0]!.location!);
  }

  concat(c: C.ConcatCstChildren, at: CstNodeLocation): A.ConcatElement {
    return { kind: 'Concat', body: this.bodyOf(c.body[0]!), span: this.span(at) };
  }

  repeat(c: C.RepeatCstChildren, at: CstNodeLocation): A.RepeatElement {
    const r: A.RepeatElement = {
      kind: 'Repeat',
      over: this.expressionOf(c.expression[0]!),
      body: this.bodyOf(c.body[0]!),
      span: this.span(at),
    };
    if (c.Identifier) r.variable = this.identifier(c.Identifier[0]!);
    return r;
  }

  ifElement(c: C.IfElementCstChildren, at: CstNodeLocation): A.IfElement {
    const el: A.IfElement = {
      kind: 'If',
      condition: this.expressionOf(c.expression[0]!),
      then: this.bodyOf(c.body[0]!),
      span: this.span(at),
    };
    if (c.ifElement) el.else = this.ifElement(c.ifElement[0]!.children, c.ifElement[0]!.location!);
    else if (c.body[1]) el.else = this.bodyOf(c.body[1]);
    return el;
  }

  /** A layer: `name(args)`, or `name` and its bare arguments (named, stride or positional, in source order). */
  layer(c: C.LayerCstChildren, at: CstNodeLocation): A.LayerElement {
    const parenthesized = c.LParen !== undefined;
    let args: A.Arg[];
    if (parenthesized) args = this.argList(c.argList![0]!.children);
    else if (!c.namedArg && !c.strideArg) args = c.expression ? c.expression.map((e) => this.positional(e)) : [];
    else {
      args = [];
      for (const n of inSourceOrder([c.namedArg, c.strideArg, c.expression])) {
        if (n.name === 'namedArg') args.push(this.namedArg(n.children, n.location!));
        else if (n.name === 'strideArg') args.push(this.strideArg(n.children, n.location!));
        else args.push(this.positional(n));
      }
    }
    return { kind: 'Layer', callee: this.identifier(c.Identifier[0]!), args, parenthesized, span: this.span(at) };
  }

  strideArg(c: C.StrideArgCstChildren, at: CstNodeLocation): A.StrideArg {
    return { kind: 'StrideArg', value: this.expressionOf(c.expression[0]!), span: this.span(at) };
  }

  argList(c: C.ArgListCstChildren): A.Arg[] {
    if (!c.namedArg) return c.expression ? c.expression.map((e) => this.positional(e)) : [];
    const args: A.Arg[] = [];
    for (const n of inSourceOrder([c.namedArg, c.expression])) {
      if (n.name === 'namedArg') args.push(this.namedArg(n.children, n.location!));
      else args.push(this.positional(n));
    }
    return args;
  }

  private positional(n: C.ExpressionCstNode): A.PositionalArg {
    return { kind: 'PositionalArg', value: this.expressionOf(n), span: this.span(n.location!) };
  }

  namedArg(c: C.NamedArgCstChildren, at: CstNodeLocation): A.NamedArg {
    return {
      kind: 'NamedArg',
      name: this.identifier(c.Identifier[0]!),
      value: this.expressionOf(c.expression[0]!),
      span: this.span(at),
    };
  }

  // ---- expressions ------------------------------------------------------------------------------

  private expressionOf(n: C.ExpressionCstNode): A.Expr {
    return this.expression(n.children);
  }

  /** An expression: the parser gives operands and operators in a row, the factory climbs their precedence. */
  expression(c: C.ExpressionCstChildren): A.Expr {
    const operands = c.operand;
    // One operand and no prefix operator: most expressions (`64`, `3x3`, `c`), built without the item list.
    if (operands.length === 1 && !operands[0]!.children.Minus && !operands[0]!.children.Not) {
      return this.operand(operands[0]!.children);
    }
    const operators: IToken[] = [];
    if (operands.length > 1) {
      for (const name of binaryOperatorNames) {
        const tokens = c[name];
        if (tokens) for (const t of tokens) operators.push(t);
      }
      operators.sort((a, b) => a.startOffset - b.startOffset);
    }
    // operand, operator, operand, ...: each operand preceded by its prefix operators.
    const items: ExprItem[] = [];
    operands.forEach((n, i) => {
      if (i > 0) items.push(this.operator('op', operators[i - 1]!));
      for (const prefix of inSourceOrder([n.children.Minus, n.children.Not]))
        items.push(this.operator('prefix', prefix));
      items.push({ kind: 'atom', expr: this.operand(n.children) });
    });
    return this.nodes.expression(items);
  }

  /**
   * Size := Postfix { "x" Postfix }, Postfix := Primary { "." Identifier }, without the prefix operators
   * (`expression` applies them). The member names are the operand's identifiers, each after its primary.
   */
  operand(c: C.OperandCstChildren): A.Expr {
    const primaries = c.primary;
    const members = c.Identifier;
    const dims: A.Expr[] = [];
    let member = 0;
    for (let i = 0; i < primaries.length; i++) {
      let current = this.primaryOf(primaries[i]!);
      const before = i + 1 < primaries.length ? primaries[i + 1]!.location!.startOffset : Infinity;
      while (members && member < members.length && members[member]!.startOffset < before) {
        current = this.nodes.member(current, this.identifier(members[member++]!));
      }
      dims.push(current);
    }
    return this.nodes.size(dims);
  }

  private primaryOf(n: C.PrimaryCstNode): A.Expr {
    return this.primary(n.children, n.location!);
  }

  primary(c: C.PrimaryCstChildren, at: CstNodeLocation): A.Expr {
    const span = this.span(at);
    if (c.LParen && c.Identifier) {
      return this.nodes.call(this.identifier(c.Identifier[0]!), this.argList(c.argList![0]!.children), span);
    }
    const token = (c.IntegerLiteral ?? c.Identifier ?? c.FloatLiteral ?? c.StringLiteral ?? c.True ?? c.False)?.[0];
    if (token) return this.nodes.literal(token.tokenType, token.image, span)!;
    if (c.LBracket) return this.nodes.list(c.expression ? c.expression.map((e) => this.expressionOf(e)) : [], span);
    return this.nodes.paren(this.expressionOf(c.expression![0]!), span);
  }
}

type TopLevelCstNode =
  C.ImportDeclCstNode | C.BlockDeclCstNode | C.NetworkDeclCstNode | C.RuleDeclCstNode | C.DefaultsStmtCstNode;

type Located = { location?: CstNodeLocation } | IToken;

/** The nodes (or tokens) of several lists, each in source order, all in source order. */
function inSourceOrder<L extends readonly (readonly Located[] | undefined)[]>(
  lists: L,
): NonNullable<L[number]>[number][] {
  type N = NonNullable<L[number]>[number];
  let all: N[] | undefined;
  let sources = 0;
  for (const xs of lists) {
    if (!xs || xs.length === 0) continue;
    all = sources++ === 0 ? (xs as N[]) : all!.concat(xs);
  }
  if (!all) return [];
  return sources > 1 ? all.sort((x, y) => start(x) - start(y)) : all;
}

function start(e: Located): number {
  return 'image' in e ? e.startOffset : (e.location?.startOffset ?? 0);
}
