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
import { endPosition, joinSpans, locationSpan, tokenSpan } from './spans.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostics.js';

/**
 * The deepest expression tree accepted. A chain of operators (`1 + 1 + ... + 1`) nests one level per
 * operator without any bracket, and evaluation and every AST walker recurse once per level: past this,
 * `nesting-too-deep` is reported instead of risking the stack.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** One method per parser rule, named as the rule, taking its children and its node's location. */
type CstRules = Omit<C.ICstNodeVisitor<CstNodeLocation, unknown>, 'visit' | 'validateVisitor'>;

export class AstBuilder implements CstRules {
  readonly diagnostics: Diagnostic[] = [];
  /** The declarations built one by one, as the parser finished each (`declaration`), in source order. */
  private readonly declarations: A.TopLevel[] = [];
  /** The depth of each composite expression built (a leaf is 1). */
  private readonly depths = new WeakMap<A.Expr, number>();
  private depthReported = false;
  constructor(private readonly fileName: string) {}

  /** Records a composite expression's depth; past MAX_EXPRESSION_DEPTH, reports it (once per file) at `at`. */
  private nested<E extends A.Expr>(e: E, children: readonly A.Expr[], at: A.Span): E {
    let depth = 0;
    for (const child of children) depth = Math.max(depth, this.depths.get(child) ?? 1);
    this.depths.set(e, depth + 1);
    if (depth + 1 > MAX_EXPRESSION_DEPTH && !this.depthReported) {
      this.depthReported = true;
      this.diagnostics.push(
        diagnostic('nesting-too-deep', at, { depth: `over ${MAX_EXPRESSION_DEPTH}`, limit: MAX_EXPRESSION_DEPTH }),
      );
    }
    return e;
  }

  private tokenSpan(t: IToken): A.Span {
    return tokenSpan(this.fileName, t);
  }

  private span(l: CstNodeLocation): A.Span {
    return locationSpan(this.fileName, l);
  }

  private identifier(t: IToken): A.Identifier {
    return { kind: 'Identifier', name: t.image, span: this.tokenSpan(t) };
  }

  // ---- file -------------------------------------------------------------------------------------

  /** Builds one top-level declaration now (parseTokens's `onDeclaration`); sourceFile puts it first. */
  declaration(n: CstNode): void {
    this.declarations.push(this.topLevel(n as TopLevelCstNode));
  }

  /** The file: the declarations built already (`declaration`), then those still in `cst`. */
  sourceFile(cst: CstNode, text: string, comments: IToken[]): A.SourceFile {
    const file = this.declarations.concat(this.file((cst as C.FileCstNode).children));
    const end = endPosition(text);
    return {
      kind: 'SourceFile',
      items: file,
      comments: comments.map((t) => ({
        kind: 'Comment',
        style: t.image.startsWith('//') ? 'line' : 'block',
        text: t.image,
        span: this.tokenSpan(t),
      })),
      span: {
        file: this.fileName,
        startOffset: 0,
        endOffset: text.length,
        startLine: 1,
        startColumn: 1,
        endLine: end.line,
        endColumn: end.column,
      },
    };
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
    return {
      kind: 'BlockDecl',
      name: this.identifier(c.Identifier[0]!),
      params: this.params(c.params[0]!.children),
      body: this.bodyOf(c.body[0]!),
      span: this.span(at),
    };
  }

  networkDecl(c: C.NetworkDeclCstChildren, at: CstNodeLocation): A.NetworkDecl {
    return {
      kind: 'NetworkDecl',
      name: this.identifier(c.Identifier[0]!),
      params: c.params ? this.params(c.params[0]!.children) : [],
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
    const chain = this.chain(n.children, n.location!);
    if (labelNode) {
      const first = chain.elements[0]!;
      first.label = this.label(labelNode.children, labelNode.location!);
      first.span = joinSpans(first.label.span, first.span);
      chain.span = joinSpans(first.label.span, chain.span);
    }
    return chain;
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
    if (c.auxStmt) {
      const aux = this.auxStmt(c.auxStmt[0]!.children, c.auxStmt[0]!.location!);
      if (label) {
        aux.label = label;
        aux.span = joinSpans(label.span, aux.span);
      }
      return aux;
    }
    const chain = this.chain(c.chain![0]!.children, c.chain![0]!.location!);
    if (label?.exact) {
      // An exact name names a node, never a scope: it goes to the first element.
      const el = chain.elements[0]!;
      el.label = label;
      el.span = joinSpans(label.span, el.span);
      chain.span = joinSpans(label.span, chain.span);
    } else if (label) {
      chain.label = label;
      chain.span = joinSpans(label.span, chain.span);
    }
    return chain;
  }

  label(c: C.LabelCstChildren, at: CstNodeLocation): A.Label {
    if (c.StringLiteral) {
      const value = this.string(c.StringLiteral[0]!);
      if (value.value === '') this.diagnostics.push(diagnostic('empty-label', value.span, {}));
      return {
        kind: 'Label',
        name: { kind: 'Identifier', name: value.value, span: value.span },
        exact: true,
        span: this.span(at),
      };
    }
    const ids = c.Identifier!;
    const label: A.Label = { kind: 'Label', name: this.identifier(ids[0]!), span: this.span(at) };
    if (ids[1]) label.last = this.identifier(ids[1]);
    return label;
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
    const aux: A.AuxStmt = {
      kind: 'Aux',
      from: this.pathOf(c.path[0]!),
      body: this.bodyOf(c.body[0]!),
      span: this.span(at),
    };
    if (c.expression) aux.weight = this.expressionOf(c.expression[0]!);
    return aux;
  }

  /** Elements, each with the label written before it (`-> name: layer`): labels sit between elements. */
  chain(c: C.ChainCstChildren, at: CstNodeLocation): A.Chain {
    const labels = c.label;
    let next = 0;
    const elements = c.element.map((n) => {
      const el = this.element(n.children);
      if (labels && next < labels.length && labels[next]!.location!.startOffset < n.location!.startOffset) {
        const label = this.label(labels[next]!.children, labels[next]!.location!);
        next++;
        el.label = label;
        el.span = joinSpans(label.span, el.span);
      }
      return el;
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

  /**
   * An expression: the parser gives operands and operators in a row; precedence climbing builds the tree
   * the grammar of spec/language.md describes (or < and < not < comparisons and `in` < `..` < + - < * / %
   * < unary minus), left-associative.
   */
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
      if (i > 0) items.push({ kind: 'op', token: operators[i - 1]! });
      for (const prefix of inSourceOrder([n.children.Minus, n.children.Not]))
        items.push({ kind: 'prefix', token: prefix });
      items.push({ kind: 'atom', expr: this.operand(n.children) });
    });
    return this.climb({ items, at: 0 }, 0);
  }

  private climb(state: { items: ExprItem[]; at: number }, minPrecedence: number): A.Expr {
    let left = this.prefixed(state);
    let comparisons = 0;
    while (state.at < state.items.length) {
      const item = state.items[state.at]!;
      if (item.kind !== 'op') break;
      const op = binaryOps[item.token.tokenType.name as BinaryOperatorName];
      if (op.precedence < minPrecedence) break;
      state.at++;
      // `1 < a < 3` and `a == b == c` do not chain as in Python, nor mean `(1 < a) < 3`: say so (spec/language.md).
      if (op.precedence === COMPARISON_PRECEDENCE && ++comparisons > 1) {
        this.diagnostics.push(diagnostic('chained-comparison', this.tokenSpan(item.token), { op: item.token.image }));
      }
      const right = this.climb(state, op.precedence + 1);
      const span = joinSpans(left.span, right.span);
      const node: A.Expr =
        op.op === '..'
          ? { kind: 'Range', low: left, high: right, span }
          : { kind: 'Binary', op: op.op, left, right, span };
      left = this.nested(node, [left, right], this.tokenSpan(item.token));
    }
    return left;
  }

  /** An operand with its prefix operators: `-` binds tightest; `not` takes a comparison (`not a == b`). */
  private prefixed(state: { items: ExprItem[]; at: number }): A.Expr {
    const item = state.items[state.at++]!;
    if (item.kind === 'atom') return item.expr;
    if (item.kind !== 'prefix') throw new Error('operator where an operand was expected');
    const minus = item.token.tokenType.name === 'Minus';
    const operand = minus ? this.prefixed(state) : this.climb(state, NOT_OPERAND_PRECEDENCE);
    const span = joinSpans(this.tokenSpan(item.token), operand.span);
    return this.nested({ kind: 'Unary', op: minus ? '-' : 'not', operand, span }, [operand], span);
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
        const property = this.identifier(members[member++]!);
        current = this.nested(
          { kind: 'Member', object: current, property, span: joinSpans(current.span, property.span) },
          [current],
          property.span,
        );
      }
      dims.push(current);
    }
    if (dims.length === 1) return dims[0]!;
    return this.nested(
      { kind: 'Size', dims, span: joinSpans(dims[0]!.span, dims[dims.length - 1]!.span) } as A.SizeExpr,
      dims,
      dims[0]!.span,
    );
  }

  private primaryOf(n: C.PrimaryCstNode): A.Expr {
    return this.primary(n.children, n.location!);
  }

  primary(c: C.PrimaryCstChildren, at: CstNodeLocation): A.Expr {
    const span = this.span(at);
    if (c.IntegerLiteral) {
      const int = c.IntegerLiteral[0]!;
      const value = Number(int.image);
      if (!Number.isSafeInteger(value))
        this.diagnostics.push(diagnostic('number-out-of-range', span, { text: abbreviate(int.image) }));
      return { kind: 'Integer', value, raw: int.image, span };
    }
    if (c.Identifier) {
      const id = c.Identifier[0]!;
      if (c.LParen) {
        const args = this.argList(c.argList![0]!.children);
        return this.nested(
          { kind: 'Call', callee: this.identifier(id), args, span },
          args.map((a) => a.value),
          span,
        );
      }
      return { kind: 'Name', name: id.image, span };
    }
    if (c.FloatLiteral) {
      const float = c.FloatLiteral[0]!;
      const value = Number(float.image);
      if (!Number.isFinite(value))
        this.diagnostics.push(diagnostic('number-out-of-range', span, { text: abbreviate(float.image) }));
      return { kind: 'Float', value, raw: float.image, span };
    }
    if (c.StringLiteral) return this.string(c.StringLiteral[0]!);
    if (c.True) return { kind: 'Boolean', value: true, span };
    if (c.False) return { kind: 'Boolean', value: false, span };
    if (c.LBracket) {
      const items = c.expression ? c.expression.map((e) => this.expressionOf(e)) : [];
      return this.nested({ kind: 'List', items, span }, items, span);
    }
    const inner = this.expressionOf(c.expression![0]!);
    return this.nested({ kind: 'Paren', expression: inner, span }, [inner], span);
  }

  private string(t: IToken): A.StringLiteral {
    const value = t.image
      .slice(1, -1)
      .replace(/\\(["\\nrt])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
    return { kind: 'String', value, span: this.tokenSpan(t) };
  }
}

type TopLevelCstNode =
  C.ImportDeclCstNode | C.BlockDeclCstNode | C.NetworkDeclCstNode | C.RuleDeclCstNode | C.DefaultsStmtCstNode;

type ExprItem = { kind: 'atom'; expr: A.Expr } | { kind: 'prefix'; token: IToken } | { kind: 'op'; token: IToken };

/** The precedence of comparisons (`==`, `<`, `in`, ...), which do not chain. */
const COMPARISON_PRECEDENCE = 4;

/** The binary operators by token name, with their precedence (higher binds tighter). */
const binaryOps = {
  Or: { op: 'or', precedence: 1 },
  And: { op: 'and', precedence: 2 },
  EqEq: { op: '==', precedence: 4 },
  NotEq: { op: '!=', precedence: 4 },
  Less: { op: '<', precedence: 4 },
  LessEq: { op: '<=', precedence: 4 },
  Greater: { op: '>', precedence: 4 },
  GreaterEq: { op: '>=', precedence: 4 },
  In: { op: 'in', precedence: 4 },
  DotDot: { op: '..', precedence: 5 },
  Plus: { op: '+', precedence: 6 },
  Minus: { op: '-', precedence: 6 },
  Star: { op: '*', precedence: 7 },
  Slash: { op: '/', precedence: 7 },
  Percent: { op: '%', precedence: 7 },
} as const satisfies Record<BinaryOperatorName, { op: A.BinaryOperator | '..'; precedence: number }>;

/** The token names of the binary operators: an expression's children other than its operands (tsc checks both ways). */
type BinaryOperatorName = Exclude<keyof C.ExpressionCstChildren, 'operand'>;
const binaryOperatorNames = Object.keys(binaryOps) as BinaryOperatorName[];

/**
 * `not` applies to a comparison and what binds tighter: `not a == b` is `not (a == b)`, `not a and b` is `(not a) and
 * b`.
 */
const NOT_OPERAND_PRECEDENCE = 4;

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

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 12)}...${s.slice(-6)} (${s.length} digits)` : s;
}
