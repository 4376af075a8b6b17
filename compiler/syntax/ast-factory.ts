/**
 * The AST nodes both parsers build the same way: the AST builder from Chevrotain's CST (builder.ts) and the
 * parser of valid input from the tokens (valid-parser.ts). Identifiers, literals, labels, the operand and
 * expression nodes (precedence climbing over a row of operands and operators), the file node, and the
 * diagnostics found while building them (numbers out of range, empty labels, chained comparisons, expressions
 * nested too deep), in the order the nodes are built: source order.
 */
import type { IToken, TokenType } from 'chevrotain';
import type * as C from '../../grammar/cst.js';
import type * as A from './ast.js';
import { endPosition, joinSpans, tokenSpan } from './spans.js';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostics.js';

/**
 * The deepest expression tree accepted. A chain of operators (`1 + 1 + ... + 1`) nests one level per
 * operator without any bracket, and evaluation and every AST walker recurse once per level: past this,
 * `nesting-too-deep` is reported instead of risking the stack.
 */
export const MAX_EXPRESSION_DEPTH = 256;

/** An expression as a row: operands (`atom`), each after its prefix operators, between binary operators. */
export type ExprItem = { kind: 'atom'; expr: A.Expr } | Operator;
/** A prefix or binary operator: its token's type, text and span. */
export interface Operator {
  kind: 'prefix' | 'op';
  type: TokenType;
  image: string;
  span: A.Span;
}

export class AstFactory {
  readonly diagnostics: Diagnostic[] = [];
  /** The depth of each composite expression built (a leaf is 1). */
  private readonly depths = new WeakMap<A.Expr, number>();
  private depthReported = false;
  constructor(readonly fileName: string) {}

  /** Records a composite expression's depth; past MAX_EXPRESSION_DEPTH, reports it (once per file) at `at`. */
  nested<E extends A.Expr>(e: E, children: readonly A.Expr[], at: A.Span): E {
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

  tokenSpan(t: IToken): A.Span {
    return tokenSpan(this.fileName, t);
  }

  identifier(name: string, span: A.Span): A.Identifier {
    return { kind: 'Identifier', name, span };
  }

  /** A string literal from its token's text (quotes and escapes as written). */
  string(image: string, span: A.Span): A.StringLiteral {
    const value = image
      .slice(1, -1)
      .replace(/\\(["\\nrt])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
    return { kind: 'String', value, span };
  }

  /** `"exact/name":`'s label, or `name:` and `first..last:` (`last` the second identifier). */
  label(span: A.Span, exact: A.StringLiteral | undefined, first?: A.Identifier, last?: A.Identifier): A.Label {
    if (exact) {
      if (exact.value === '') this.diagnostics.push(diagnostic('empty-label', exact.span, {}));
      return { kind: 'Label', name: { kind: 'Identifier', name: exact.value, span: exact.span }, exact: true, span };
    }
    const label: A.Label = { kind: 'Label', name: first!, span };
    if (last) label.last = last;
    return label;
  }

  /** A primary of one token (a number, a string, `true`, `false`) or a name; undefined for any other token. */
  literal(type: TokenType, image: string, span: A.Span): A.Expr | undefined {
    switch (type.name) {
      case 'Identifier':
        return { kind: 'Name', name: image, span };
      case 'IntegerLiteral':
      case 'FloatLiteral': {
        const value = Number(image);
        const integer = type.name === 'IntegerLiteral';
        if (!(integer ? Number.isSafeInteger(value) : Number.isFinite(value)))
          this.diagnostics.push(diagnostic('number-out-of-range', span, { text: abbreviate(image) }));
        return { kind: integer ? 'Integer' : 'Float', value, raw: image, span };
      }
      case 'StringLiteral':
        return this.string(image, span);
      case 'True':
        return { kind: 'Boolean', value: true, span };
      case 'False':
        return { kind: 'Boolean', value: false, span };
    }
    return undefined;
  }

  call(callee: A.Identifier, args: A.Arg[], span: A.Span): A.CallExpr {
    return this.nested(
      { kind: 'Call', callee, args, span },
      args.map((a) => a.value),
      span,
    );
  }

  list(items: A.Expr[], span: A.Span): A.ListExpr {
    return this.nested({ kind: 'List', items, span }, items, span);
  }

  paren(inner: A.Expr, span: A.Span): A.ParenExpr {
    return this.nested({ kind: 'Paren', expression: inner, span }, [inner], span);
  }

  /** `object.property`. */
  member(object: A.Expr, property: A.Identifier): A.MemberExpr {
    return this.nested(
      { kind: 'Member', object, property, span: joinSpans(object.span, property.span) },
      [object],
      property.span,
    );
  }

  /** `a x b x ...`: an operand's dimensions (one is the dimension itself). */
  size(dims: A.Expr[]): A.Expr {
    if (dims.length === 1) return dims[0]!;
    return this.nested(
      { kind: 'Size', dims, span: joinSpans(dims[0]!.span, dims[dims.length - 1]!.span) } as A.SizeExpr,
      dims,
      dims[0]!.span,
    );
  }

  /**
   * An expression from its row of items: precedence climbing builds the tree the grammar of spec/language.md
   * describes (or < and < not < comparisons and `in` < `..` < + - < * / % < unary minus), left-associative.
   */
  expression(items: ExprItem[]): A.Expr {
    return this.climb({ items, at: 0 }, 0);
  }

  private climb(state: { items: ExprItem[]; at: number }, minPrecedence: number): A.Expr {
    let left = this.prefixed(state);
    let comparisons = 0;
    while (state.at < state.items.length) {
      const item = state.items[state.at]!;
      if (item.kind !== 'op') break;
      const op = binaryOperator(item.type)!;
      if (op.precedence < minPrecedence) break;
      state.at++;
      // `1 < a < 3` and `a == b == c` do not chain as in Python, nor mean `(1 < a) < 3`: say so (spec/language.md).
      if (op.precedence === COMPARISON_PRECEDENCE && ++comparisons > 1) {
        this.diagnostics.push(diagnostic('chained-comparison', item.span, { op: item.image }));
      }
      const right = this.climb(state, op.precedence + 1);
      const span = joinSpans(left.span, right.span);
      const node: A.Expr =
        op.op === '..'
          ? { kind: 'Range', low: left, high: right, span }
          : { kind: 'Binary', op: op.op, left, right, span };
      left = this.nested(node, [left, right], item.span);
    }
    return left;
  }

  /** An operand with its prefix operators: `-` binds tightest; `not` takes a comparison (`not a == b`). */
  private prefixed(state: { items: ExprItem[]; at: number }): A.Expr {
    const item = state.items[state.at++]!;
    if (item.kind === 'atom') return item.expr;
    if (item.kind !== 'prefix') throw new Error('operator where an operand was expected');
    const minus = item.type.name === 'Minus';
    const operand = minus ? this.prefixed(state) : this.climb(state, NOT_OPERAND_PRECEDENCE);
    const span = joinSpans(item.span, operand.span);
    return this.nested({ kind: 'Unary', op: minus ? '-' : 'not', operand, span }, [operand], span);
  }

  /** The file node: its declarations, and its comments (the lexer's). */
  sourceFile(items: A.TopLevel[], text: string, comments: IToken[]): A.SourceFile {
    const end = endPosition(text);
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
}

/** A labelled element or `aux`: the label goes on it, and its span starts at the label. */
export function labelled<N extends A.Element | A.AuxStmt>(node: N, label: A.Label | undefined): N {
  if (label) {
    node.label = label;
    node.span = joinSpans(label.span, node.span);
  }
  return node;
}

/** A rule clause's chain, its label on its first element (the chain's span starts at the label too). */
export function labelFirst(chain: A.Chain, label: A.Label | undefined): A.Chain {
  if (label) {
    labelled(chain.elements[0]!, label);
    chain.span = joinSpans(label.span, chain.span);
  }
  return chain;
}

/** A chain statement: a name labels the chain (a scope), an exact name its first element (a node). */
export function labelledStatement(chain: A.Chain, label: A.Label | undefined): A.Chain {
  if (label?.exact) return labelFirst(chain, label);
  if (label) {
    chain.label = label;
    chain.span = joinSpans(label.span, chain.span);
  }
  return chain;
}

export function auxStmt(from: A.Path, weight: A.Expr | undefined, body: A.Body, span: A.Span): A.AuxStmt {
  const aux: A.AuxStmt = { kind: 'Aux', from, body, span };
  if (weight) aux.weight = weight;
  return aux;
}

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
export type BinaryOperatorName = Exclude<keyof C.ExpressionCstChildren, 'operand'>;
export const binaryOperatorNames = Object.keys(binaryOps) as BinaryOperatorName[];

/** The binary operator a token is, or undefined. */
export function binaryOperator(t: TokenType | undefined): (typeof binaryOps)[BinaryOperatorName] | undefined {
  return t !== undefined && Object.hasOwn(binaryOps, t.name) ? binaryOps[t.name as BinaryOperatorName] : undefined;
}

/**
 * `not` applies to a comparison and what binds tighter: `not a == b` is `not (a == b)`, `not a and b` is `(not a) and
 * b`.
 */
const NOT_OPERAND_PRECEDENCE = 4;

function abbreviate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 12)}...${s.slice(-6)} (${s.length} digits)` : s;
}
