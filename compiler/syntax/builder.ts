/**
 * The one CST -> AST visitor: turns the Chevrotain concrete syntax tree of grammar/parser.ts into the
 * AST of ast.ts, with a span on every node. Runs only on a CST without syntax errors.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { joinSpans, locationSpan, tokenSpan } from './spans.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostics.js';

type Children = Record<string, CstElement[] | undefined>;

/**
 * The deepest expression tree accepted. A chain of operators (`1 + 1 + ... + 1`) nests one level per
 * operator without any bracket, and evaluation and every AST walker recurse once per level: past this,
 * `nesting-too-deep` is reported instead of risking the stack.
 */
export const MAX_EXPRESSION_DEPTH = 256;

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  /** The depth of each composite expression built (a leaf is 1). */
  private readonly depths = new WeakMap<A.Expr, number>();
  private depthReported = false;
  constructor(private readonly file: string) {}

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

  // ---- spans ----------------------------------------------------------------------------------

  private tokenSpan(t: IToken): A.Span {
    return tokenSpan(this.file, t);
  }

  private nodeSpan(n: CstNode): A.Span {
    return locationSpan(this.file, n.location!);
  }

  private join(a: A.Span, b: A.Span): A.Span {
    return joinSpans(a, b);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []) as CstNode[];
  }
  private node(c: Children, key: string, i = 0): CstNode | undefined {
    return this.nodes(c, key)[i];
  }
  private tokens(c: Children, key: string): IToken[] {
    return (c[key] ?? []) as IToken[];
  }
  private token(c: Children, key: string, i = 0): IToken | undefined {
    return this.tokens(c, key)[i];
  }
  /** All children of the given keys, in source order. (No `push(...xs)`: xs may be too long to spread.) */
  private ordered(c: Children, keys: string[]): CstElement[] {
    let all: CstElement[] = [];
    let sources = 0;
    for (const k of keys) {
      const xs = c[k];
      if (!xs || xs.length === 0) continue;
      all = sources++ === 0 ? xs.slice() : all.concat(xs);
    }
    return sources > 1 ? all.sort((x, y) => start(x) - start(y)) : all;
  }

  private identifier(t: IToken): A.Identifier {
    return { kind: 'Identifier', name: t.image, span: this.tokenSpan(t) };
  }

  // ---- file -------------------------------------------------------------------------------------

  sourceFile(cst: CstNode, text: string, comments: IToken[]): A.SourceFile {
    const c = cst.children as Children;
    const items = this.ordered(c, ['importDecl', 'blockDecl', 'networkDecl', 'ruleDecl', 'defaultsStmt']).map((n) =>
      this.topLevel(n as CstNode),
    );
    const lines = text.split(/\r\n|\r|\n/);
    return {
      kind: 'SourceFile',
      items,
      comments: comments.map((t) => ({
        kind: 'Comment',
        style: t.image.startsWith('//') ? 'line' : 'block',
        text: t.image,
        span: this.tokenSpan(t),
      })),
      span: {
        file: this.file,
        startOffset: 0,
        endOffset: text.length,
        startLine: 1,
        startColumn: 1,
        endLine: lines.length,
        endColumn: lines[lines.length - 1]!.length + 1,
      },
    };
  }

  private topLevel(n: CstNode): A.TopLevel {
    switch (n.name) {
      case 'importDecl':
        return this.importDecl(n);
      case 'blockDecl':
        return this.blockDecl(n);
      case 'networkDecl':
        return this.networkDecl(n);
      case 'ruleDecl':
        return this.ruleDecl(n);
      default:
        return this.defaults(n);
    }
  }

  private importDecl(n: CstNode): A.ImportDecl {
    const c = n.children as Children;
    const decl: A.ImportDecl = {
      kind: 'Import',
      path: this.string(this.token(c, 'StringLiteral')!),
      span: this.nodeSpan(n),
    };
    if (c['From']) decl.names = this.tokens(c, 'Identifier').map((t) => this.identifier(t));
    return decl;
  }

  private blockDecl(n: CstNode): A.BlockDecl {
    const c = n.children as Children;
    return {
      kind: 'BlockDecl',
      name: this.identifier(this.token(c, 'Identifier')!),
      params: this.params(this.node(c, 'params')),
      body: this.body(this.node(c, 'body')!),
      span: this.nodeSpan(n),
    };
  }

  private networkDecl(n: CstNode): A.NetworkDecl {
    const c = n.children as Children;
    return {
      kind: 'NetworkDecl',
      name: this.identifier(this.token(c, 'Identifier')!),
      params: this.params(this.node(c, 'params')),
      body: this.body(this.node(c, 'body')!),
      span: this.nodeSpan(n),
    };
  }

  private ruleDecl(n: CstNode): A.RuleDecl {
    const c = n.children as Children;
    const clauses = this.ordered(c, ['matchClause', 'whenClause', 'replaceClause']).map((e): A.RuleClause => {
      const cn = e as CstNode;
      const cc = cn.children as Children;
      const span = this.nodeSpan(cn);
      if (cn.name === 'whenClause')
        return { kind: 'When', condition: this.expression(this.node(cc, 'expression')!), span };
      const chain = this.chain(this.node(cc, 'chain')!);
      const labelNode = this.node(cc, 'label');
      if (labelNode) {
        const first = chain.elements[0]!;
        first.label = this.label(labelNode);
        first.span = this.join(first.label.span, first.span);
        chain.span = this.join(first.label.span, chain.span);
      }
      if (cn.name === 'matchClause') return { kind: 'Match', pattern: chain, span };
      return { kind: 'Replace', replacement: chain, span };
    });
    return {
      kind: 'RuleDecl',
      name: this.identifier(this.token(c, 'Identifier')!),
      params: this.params(this.node(c, 'params')),
      clauses,
      span: this.nodeSpan(n),
    };
  }

  private params(n: CstNode | undefined): A.Param[] {
    if (!n) return [];
    return this.nodes(n.children as Children, 'param').map((p) => {
      const c = p.children as Children;
      const ids = this.tokens(c, 'Identifier');
      const param: A.Param = { kind: 'Param', name: this.identifier(ids[0]!), span: this.nodeSpan(p) };
      if (ids[1]) param.type = this.identifier(ids[1]);
      const def = this.node(c, 'expression');
      if (def) param.default = this.expression(def);
      return param;
    });
  }

  // ---- statements -------------------------------------------------------------------------------

  private body(n: CstNode): A.Body {
    const statements = this.nodes(n.children as Children, 'statement').map((s) => this.statement(s));
    return { kind: 'Body', statements, span: this.nodeSpan(n) };
  }

  private statement(n: CstNode): A.Statement {
    const c = n.children as Children;
    const inner = this.ordered(c, ['defaultsStmt', 'applyStmt', 'trainStmt', 'auxStmt', 'chain']);
    const first = inner[0] as CstNode;
    const labelNode = this.node(c, 'label');
    const label = labelNode ? this.label(labelNode) : undefined;
    switch (first.name) {
      case 'defaultsStmt':
        return this.defaults(first);
      case 'applyStmt':
        return this.applyRules(first);
      case 'trainStmt':
        return this.train(first);
      case 'auxStmt': {
        const aux = this.aux(first);
        if (label) {
          aux.label = label;
          aux.span = this.join(label.span, aux.span);
        }
        return aux;
      }
      default: {
        const chain = this.chain(first);
        if (label?.exact) {
          // An exact name names a node, never a scope: it goes to the first element.
          const el = chain.elements[0]!;
          el.label = label;
          el.span = this.join(label.span, el.span);
          chain.span = this.join(label.span, chain.span);
        } else if (label) {
          chain.label = label;
          chain.span = this.join(label.span, chain.span);
        }
        return chain;
      }
    }
  }

  private label(n: CstNode): A.Label {
    const c = n.children as Children;
    const str = this.token(c, 'StringLiteral');
    if (str) {
      const value = this.string(str);
      if (value.value === '') this.diagnostics.push(diagnostic('empty-label', value.span, {}));
      return {
        kind: 'Label',
        name: { kind: 'Identifier', name: value.value, span: value.span },
        exact: true,
        span: this.nodeSpan(n),
      };
    }
    const ids = this.tokens(c, 'Identifier');
    const label: A.Label = { kind: 'Label', name: this.identifier(ids[0]!), span: this.nodeSpan(n) };
    if (ids[1]) label.last = this.identifier(ids[1]);
    return label;
  }

  private defaults(n: CstNode): A.DefaultsStmt {
    const c = n.children as Children;
    return {
      kind: 'Defaults',
      target: this.identifier(this.token(c, 'Identifier')!),
      args: this.argList(this.node(c, 'argList')),
      span: this.nodeSpan(n),
    };
  }

  private applyRules(n: CstNode): A.ApplyRulesStmt {
    const c = n.children as Children;
    return {
      kind: 'ApplyRules',
      rule: this.identifier(this.token(c, 'Identifier')!),
      args: this.argList(this.node(c, 'argList')),
      targets: this.nodes(c, 'target').map((t) => {
        const tc = t.children as Children;
        const target: A.Target = { kind: 'Target', path: this.path(this.node(tc, 'path')!), span: this.nodeSpan(t) };
        const last = this.node(tc, 'path', 1);
        if (last) target.last = this.path(last);
        return target;
      }),
      span: this.nodeSpan(n),
    };
  }

  private path(n: CstNode): A.Path {
    return {
      kind: 'Path',
      segments: this.tokens(n.children as Children, 'Identifier').map((t) => this.identifier(t)),
      span: this.nodeSpan(n),
    };
  }

  private train(n: CstNode): A.TrainStmt {
    const settings = this.nodes(n.children as Children, 'setting').map((s): A.Setting => {
      const c = s.children as Children;
      return {
        kind: 'Setting',
        key: this.identifier(this.token(c, 'Identifier')!),
        value: this.expression(this.node(c, 'expression')!),
        span: this.nodeSpan(s),
      };
    });
    return { kind: 'Train', settings, span: this.nodeSpan(n) };
  }

  private aux(n: CstNode): A.AuxStmt {
    const c = n.children as Children;
    const aux: A.AuxStmt = {
      kind: 'Aux',
      from: this.path(this.node(c, 'path')!),
      body: this.body(this.node(c, 'body')!),
      span: this.nodeSpan(n),
    };
    const weight = this.node(c, 'expression');
    if (weight) aux.weight = this.expression(weight);
    return aux;
  }

  private chain(n: CstNode): A.Chain {
    const c = n.children as Children;
    const elements: A.Element[] = [];
    let pending: A.Label | undefined;
    for (const e of this.ordered(c, ['element', 'label'])) {
      const cn = e as CstNode;
      if (cn.name === 'label') {
        pending = this.label(cn);
        continue;
      }
      const el = this.element(cn);
      if (pending) {
        el.label = pending;
        el.span = this.join(pending.span, el.span);
        pending = undefined;
      }
      elements.push(el);
    }
    return { kind: 'Chain', elements, span: this.nodeSpan(n) };
  }

  private element(n: CstNode): A.Element {
    const inner = (Object.values(n.children as Children)[0] as CstNode[])[0]!;
    switch (inner.name) {
      case 'concat':
        return {
          kind: 'Concat',
          body: this.body(this.node(inner.children as Children, 'body')!),
          span: this.nodeSpan(inner),
        };
      case 'repeat':
        return this.repeat(inner);
      case 'ifElement':
        return this.ifElement(inner);
      default:
        return this.layer(inner);
    }
  }

  private repeat(n: CstNode): A.RepeatElement {
    const c = n.children as Children;
    const r: A.RepeatElement = {
      kind: 'Repeat',
      over: this.expression(this.node(c, 'expression')!),
      body: this.body(this.node(c, 'body')!),
      span: this.nodeSpan(n),
    };
    const v = this.token(c, 'Identifier');
    if (v) r.variable = this.identifier(v);
    return r;
  }

  private ifElement(n: CstNode): A.IfElement {
    const c = n.children as Children;
    const bodies = this.nodes(c, 'body');
    const el: A.IfElement = {
      kind: 'If',
      condition: this.expression(this.node(c, 'expression')!),
      then: this.body(bodies[0]!),
      span: this.nodeSpan(n),
    };
    const nested = this.node(c, 'ifElement');
    if (nested) el.else = this.ifElement(nested);
    else if (bodies[1]) el.else = this.body(bodies[1]);
    return el;
  }

  private layer(n: CstNode): A.LayerElement {
    const c = n.children as Children;
    const parenthesized = c['LParen'] !== undefined;
    const args = parenthesized
      ? this.argList(this.node(c, 'argList'))
      : this.nodes(c, 'layerArg').map((a) => this.layerArg(a));
    return {
      kind: 'Layer',
      callee: this.identifier(this.token(c, 'Identifier')!),
      args,
      parenthesized,
      span: this.nodeSpan(n),
    };
  }

  private layerArg(n: CstNode): A.Arg {
    const c = n.children as Children;
    const named = this.node(c, 'namedArg');
    if (named) return this.namedArg(named);
    const stride = this.node(c, 'strideArg');
    if (stride)
      return {
        kind: 'StrideArg',
        value: this.expression(this.node(stride.children as Children, 'expression')!),
        span: this.nodeSpan(stride),
      };
    return { kind: 'PositionalArg', value: this.expression(this.node(c, 'expression')!), span: this.nodeSpan(n) };
  }

  private argList(n: CstNode | undefined): A.Arg[] {
    if (!n) return [];
    return this.ordered(n.children as Children, ['namedArg', 'expression']).map((e) => {
      const cn = e as CstNode;
      if (cn.name === 'namedArg') return this.namedArg(cn);
      return { kind: 'PositionalArg', value: this.expression(cn), span: this.nodeSpan(cn) } satisfies A.PositionalArg;
    });
  }

  private namedArg(n: CstNode): A.NamedArg {
    const c = n.children as Children;
    return {
      kind: 'NamedArg',
      name: this.identifier(this.token(c, 'Identifier')!),
      value: this.expression(this.node(c, 'expression')!),
      span: this.nodeSpan(n),
    };
  }

  // ---- expressions ------------------------------------------------------------------------------

  /**
   * An expression: the parser gives operands and operators in a row; precedence climbing builds the tree
   * the grammar of spec/language.md describes (or < and < not < comparisons and `in` < `..` < + - < * / %
   * < unary minus), left-associative.
   */
  private expression(n: CstNode): A.Expr {
    const c = n.children as Children;
    const items: ExprItem[] = [];
    for (const e of this.ordered(c, ['operand', ...Object.keys(binaryOps)])) {
      if (isToken(e)) items.push({ kind: 'op', token: e });
      else this.operandItems(e, items);
    }
    const state = { items, at: 0 };
    return this.climb(state, 0);
  }

  private climb(state: { items: ExprItem[]; at: number }, minPrecedence: number): A.Expr {
    let left = this.prefixed(state);
    let comparisons = 0;
    while (state.at < state.items.length) {
      const item = state.items[state.at]!;
      if (item.kind !== 'op') break;
      const op = binaryOps[item.token.tokenType.name]!;
      if (op.precedence < minPrecedence) break;
      state.at++;
      // `1 < a < 3` and `a == b == c` do not chain as in Python, nor mean `(1 < a) < 3`: say so (spec/language.md).
      if (op.precedence === COMPARISON_PRECEDENCE && ++comparisons > 1) {
        this.diagnostics.push(diagnostic('chained-comparison', this.tokenSpan(item.token), { op: item.token.image }));
      }
      const right = this.climb(state, op.precedence + 1);
      const span = this.join(left.span, right.span);
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
    const span = this.join(this.tokenSpan(item.token), operand.span);
    return this.nested({ kind: 'Unary', op: minus ? '-' : 'not', operand, span }, [operand], span);
  }

  /** Size := Postfix { "x" Postfix }, Postfix := Primary { "." Identifier }, after the prefix operators. */
  private operandItems(n: CstNode, items: ExprItem[]): void {
    const c = n.children as Children;
    const dims: A.Expr[] = [];
    let current: A.Expr | undefined;
    let pendingDot = false;
    for (const e of this.ordered(c, ['Minus', 'Not', 'primary', 'Dot', 'Identifier', 'Cross'])) {
      if (!isToken(e)) {
        current = this.primary(e);
        continue;
      }
      const name = e.tokenType.name;
      if (name === 'Minus' || name === 'Not') items.push({ kind: 'prefix', token: e });
      else if (name === 'Dot') pendingDot = true;
      else if (name === 'Identifier' && pendingDot && current) {
        const property = this.identifier(e);
        current = this.nested(
          { kind: 'Member', object: current, property, span: this.join(current.span, property.span) },
          [current],
          property.span,
        );
        pendingDot = false;
      } else if (name === 'Cross' && current) {
        dims.push(current);
        current = undefined;
      }
    }
    dims.push(current!);
    const expr =
      dims.length === 1
        ? dims[0]!
        : this.nested(
            { kind: 'Size', dims, span: this.join(dims[0]!.span, dims[dims.length - 1]!.span) } as A.SizeExpr,
            dims,
            dims[0]!.span,
          );
    items.push({ kind: 'atom', expr });
  }

  private primary(n: CstNode): A.Expr {
    const c = n.children as Children;
    const span = this.nodeSpan(n);
    const int = this.token(c, 'IntegerLiteral');
    if (int) {
      const value = Number(int.image);
      if (!Number.isSafeInteger(value))
        this.diagnostics.push(diagnostic('number-out-of-range', span, { text: abbreviate(int.image) }));
      return { kind: 'Integer', value, raw: int.image, span };
    }
    const float = this.token(c, 'FloatLiteral');
    if (float) {
      const value = Number(float.image);
      if (!Number.isFinite(value))
        this.diagnostics.push(diagnostic('number-out-of-range', span, { text: abbreviate(float.image) }));
      return { kind: 'Float', value, raw: float.image, span };
    }
    const str = this.token(c, 'StringLiteral');
    if (str) return this.string(str);
    if (c['True']) return { kind: 'Boolean', value: true, span };
    if (c['False']) return { kind: 'Boolean', value: false, span };
    if (c['LBracket']) {
      const items = this.nodes(c, 'expression').map((e) => this.expression(e));
      return this.nested({ kind: 'List', items, span }, items, span);
    }
    const id = this.token(c, 'Identifier');
    if (id) {
      if (c['LParen']) {
        const args = this.argList(this.node(c, 'argList'));
        return this.nested(
          { kind: 'Call', callee: this.identifier(id), args, span },
          args.map((a) => a.value),
          span,
        );
      }
      return { kind: 'Name', name: id.image, span };
    }
    const inner = this.expression(this.node(c, 'expression')!);
    return this.nested({ kind: 'Paren', expression: inner, span }, [inner], span);
  }

  private string(t: IToken): A.StringLiteral {
    const value = t.image
      .slice(1, -1)
      .replace(/\\(["\\nrt])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
    return { kind: 'String', value, span: this.tokenSpan(t) };
  }
}

type ExprItem = { kind: 'atom'; expr: A.Expr } | { kind: 'prefix'; token: IToken } | { kind: 'op'; token: IToken };

/** The precedence of comparisons (`==`, `<`, `in`, ...), which do not chain. */
const COMPARISON_PRECEDENCE = 4;

/** The binary operators by token name, with their precedence (higher binds tighter). */
const binaryOps: Record<string, { op: A.BinaryOperator | '..'; precedence: number }> = {
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
};

/**
 * `not` applies to a comparison and what binds tighter: `not a == b` is `not (a == b)`, `not a and b` is `(not a) and
 * b`.
 */
const NOT_OPERAND_PRECEDENCE = 4;

function start(e: CstElement): number {
  return isToken(e) ? e.startOffset : (e.location?.startOffset ?? 0);
}

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 12)}...${s.slice(-6)} (${s.length} digits)` : s;
}
