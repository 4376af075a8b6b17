/**
 * The .incp abstract syntax tree (spec/language.md). Every node has a `kind` and the `span` of source
 * it came from; later stages (elaboration, rules, lint, the formatter) read this tree, never the CST.
 */

/**
 * A source range. Lines and columns are 1-based; `endColumn` is exclusive; offsets are 0-based, end exclusive.
 * Nodes over the same text may share one span object (the parser of valid input makes them so): code that changes
 * spans in place must change each object once (compiler/rewrite/request.ts's `relocate` keeps a set of those seen).
 */
export interface Span {
  file: string;
  startOffset: number;
  endOffset: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface NodeBase {
  span: Span;
}

export interface Identifier extends NodeBase {
  kind: 'Identifier';
  name: string;
}

export interface Comment extends NodeBase {
  kind: 'Comment';
  style: 'line' | 'block';
  /** The comment as written, `//` or `/* *\/` included. */
  text: string;
}

export interface SourceFile extends NodeBase {
  kind: 'SourceFile';
  items: TopLevel[];
  comments: Comment[];
}

export type TopLevel = ImportDecl | BlockDecl | NetworkDecl | RuleDecl | DefaultsStmt;

export interface ImportDecl extends NodeBase {
  kind: 'Import';
  /** The path as written, without quotes: `std/inception`, `./modules.incp`. */
  path: StringLiteral;
  /** `import { A, B } from "..."`: only these names; absent: every declaration of the file. */
  names?: Identifier[];
}

export interface Param extends NodeBase {
  kind: 'Param';
  name: Identifier;
  type?: Identifier;
  default?: Expr;
}

export interface BlockDecl extends NodeBase {
  kind: 'BlockDecl';
  name: Identifier;
  params: Param[];
  body: Body;
}

export interface NetworkDecl extends NodeBase {
  kind: 'NetworkDecl';
  name: Identifier;
  params: Param[];
  body: Body;
}

export interface RuleDecl extends NodeBase {
  kind: 'RuleDecl';
  name: Identifier;
  params: Param[];
  clauses: RuleClause[];
}

export type RuleClause = MatchClause | WhenClause | ReplaceClause;

export interface MatchClause extends NodeBase {
  kind: 'Match';
  pattern: Chain;
}

export interface WhenClause extends NodeBase {
  kind: 'When';
  condition: Expr;
}

export interface ReplaceClause extends NodeBase {
  kind: 'Replace';
  replacement: Chain;
}

export interface Body extends NodeBase {
  kind: 'Body';
  statements: Statement[];
}

export type Statement = DefaultsStmt | ApplyRulesStmt | TrainStmt | AuxStmt | Chain;

/**
 * `name:`, `first..last:` (a repeat names its instances first, ..., last), or `"a/b/c":`, an exact
 * qualified name for one node (what `incc rewrite --emit` writes): it is not qualified by the scope,
 * makes no scope, and always names the element it stands before.
 */
export interface Label extends NodeBase {
  kind: 'Label';
  name: Identifier;
  last?: Identifier;
  exact?: boolean;
}

export interface DefaultsStmt extends NodeBase {
  kind: 'Defaults';
  /** The layer kind the defaults are for: `conv`, `maxpool`, ... */
  target: Identifier;
  args: Arg[];
}

export interface ApplyRulesStmt extends NodeBase {
  kind: 'ApplyRules';
  rule: Identifier;
  args: Arg[];
  /** Empty: the whole network. */
  targets: Target[];
}

export interface Target extends NodeBase {
  kind: 'Target';
  path: Path;
  /** `mixed4..mixed7`: the last name of a range. */
  last?: Path;
}

/** `mixed4/branch7x7` */
export interface Path extends NodeBase {
  kind: 'Path';
  segments: Identifier[];
}

export interface TrainStmt extends NodeBase {
  kind: 'Train';
  settings: Setting[];
}

export interface Setting extends NodeBase {
  kind: 'Setting';
  key: Identifier;
  value: Expr;
}

export interface AuxStmt extends NodeBase {
  kind: 'Aux';
  label?: Label;
  from: Path;
  weight?: Expr;
  body: Body;
}

/** `a -> b -> c`: elements applied in order. A statement's label names the whole chain. */
export interface Chain extends NodeBase {
  kind: 'Chain';
  label?: Label;
  elements: Element[];
}

export type Element = LayerElement | ConcatElement | RepeatElement | IfElement;

/** A built-in layer (`conv 3x3/2 32 valid`) or a block instance (`InceptionA(32)`). */
export interface LayerElement extends NodeBase {
  kind: 'Layer';
  label?: Label;
  callee: Identifier;
  args: Arg[];
  /** Written `Name(args)` rather than `name arg arg`. */
  parenthesized: boolean;
}

/** Parallel branches joined by concatenation; each chain of `branches` is one branch. */
export interface ConcatElement extends NodeBase {
  kind: 'Concat';
  label?: Label;
  body: Body;
}

export interface RepeatElement extends NodeBase {
  kind: 'Repeat';
  label?: Label;
  /** `repeat c in [..]`: the loop variable; absent for `repeat 3 { }`. */
  variable?: Identifier;
  /** A count, or a list / range the variable walks. */
  over: Expr;
  body: Body;
}

export interface IfElement extends NodeBase {
  kind: 'If';
  label?: Label;
  condition: Expr;
  then: Body;
  else?: Body | IfElement;
}

export type Arg = NamedArg | PositionalArg | StrideArg;

export interface NamedArg extends NodeBase {
  kind: 'NamedArg';
  name: Identifier;
  value: Expr;
}

export interface PositionalArg extends NodeBase {
  kind: 'PositionalArg';
  value: Expr;
}

/** `/2` after a kernel size: the stride. */
export interface StrideArg extends NodeBase {
  kind: 'StrideArg';
  value: Expr;
}

export type Expr =
  | IntegerLiteral
  | FloatLiteral
  | StringLiteral
  | BooleanLiteral
  | NameRef
  | SizeExpr
  | BinaryExpr
  | UnaryExpr
  | RangeExpr
  | ListExpr
  | CallExpr
  | MemberExpr
  | ParenExpr;

export interface IntegerLiteral extends NodeBase {
  kind: 'Integer';
  value: number;
  raw: string;
}

export interface FloatLiteral extends NodeBase {
  kind: 'Float';
  value: number;
  raw: string;
}

export interface StringLiteral extends NodeBase {
  kind: 'String';
  value: string;
}

export interface BooleanLiteral extends NodeBase {
  kind: 'Boolean';
  value: boolean;
}

export interface NameRef extends NodeBase {
  kind: 'Name';
  name: string;
}

/** `3x3`, `1xn`, `299x299x3`: two or more dimensions. */
export interface SizeExpr extends NodeBase {
  kind: 'Size';
  dims: Expr[];
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'and' | 'or';

export interface BinaryExpr extends NodeBase {
  kind: 'Binary';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
}

export interface UnaryExpr extends NodeBase {
  kind: 'Unary';
  op: '-' | 'not';
  operand: Expr;
}

/** `12..20`: both ends included. */
export interface RangeExpr extends NodeBase {
  kind: 'Range';
  low: Expr;
  high: Expr;
}

export interface ListExpr extends NodeBase {
  kind: 'List';
  items: Expr[];
}

export interface CallExpr extends NodeBase {
  kind: 'Call';
  callee: Identifier;
  args: Arg[];
}

export interface MemberExpr extends NodeBase {
  kind: 'Member';
  object: Expr;
  property: Identifier;
}

/** Kept so that the formatter can print the parentheses the author wrote around a size: `(n)x1`. */
export interface ParenExpr extends NodeBase {
  kind: 'Paren';
  expression: Expr;
}

export type Node =
  | SourceFile
  | TopLevel
  | Param
  | RuleClause
  | Body
  | Statement
  | Label
  | Target
  | Path
  | Setting
  | Element
  | Arg
  | Expr
  | Identifier
  | Comment;
