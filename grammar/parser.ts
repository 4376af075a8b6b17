/**
 * The .incp grammar as a pure Chevrotain CstParser: no semantics, only the productions of
 * spec/language.md ("Grammar"). Each rule's doc comment is the production it implements.
 * compiler/syntax/builder.ts turns the CST into the AST, typed by grammar/cst.ts (generated from this
 * parser by scripts/cst-types.mjs: run it after changing a rule).
 *
 * Two productions have no rule of their own, so no CST node: Separator (its token is consumed where it
 * occurs) and LayerArg (a layer's arguments are its children). Statement and Element keep their rules:
 * inlined, they change where Chevrotain's error recovery resumes after a syntax error, and so the errors
 * reported after the first one; these two did not (checked on thousands of broken files).
 *
 * compiler/syntax/parse.ts parses with compiler/syntax/valid-parser.ts first, a hand-written parser that builds the
 * same AST straight from the tokens, and with this parser (and the builder) where that one gives up (a syntax
 * error): a rule changed here must be changed there too (test/valid-parser.test.ts compares the two).
 */
import {
  CstParser,
  EOF,
  tokenLabel,
  type CstNode,
  type IToken,
  type IRecognitionException,
  type IParserErrorMessageProvider,
  type ICstVisitor,
  type IOrAlt,
  type ManySepMethodOpts,
  type OrMethodOpts,
  type TokenType,
} from 'chevrotain';
import * as T from './tokens.js';
import { grammarSelfChecks } from './self-checks.js';

/** The parse stops after this many syntax errors (parse.ts reports no more than that anyway). */
export const MAX_PARSE_ERRORS = 20;

/** Thrown out of the parser at MAX_PARSE_ERRORS: not a recognition exception, so Chevrotain lets it through. */
class TooManyErrors extends Error {}

const saveError = (
  CstParser.prototype as unknown as { SAVE_ERROR(this: CstParser, e: IRecognitionException): IRecognitionException }
).SAVE_ERROR;

class IncpParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      skipValidations: !grammarSelfChecks,
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'full',
      errorMessageProvider: expectationMessages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Chevrotain's hook for each syntax error. Each recovery scans ahead for a token to resync on, and
   * recovery inside a repetition recurses once per error: on input with thousands of errors that is
   * seconds and a stack overflow. So the parse ends at MAX_PARSE_ERRORS.
   */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    const saved = saveError.call(this, error);
    if (++this.errorCount >= MAX_PARSE_ERRORS) throw new TooManyErrors();
    return saved;
  }
  /** Errors saved in this parse (`this.errors` copies the list at each read). Set to 0 by parseTokens. */
  errorCount = 0;

  /** parseTokens's `onDeclaration`, for this parse. */
  onDeclaration: ((node: CstNode) => void) | undefined;

  /**
   * A top-level declaration just parsed: while the parse has no error, handed to `onDeclaration` and taken
   * out of the file's node, so that its tree is garbage as soon as the AST builder is done with it (the
   * garbage collector then copies only the tokens and the AST; keeping every declaration's tree alive to the
   * end of the file was a fifth of the time `incc check` spent on a 5,000-line file).
   */
  private declared(node: CstNode): void {
    if (this.onDeclaration === undefined || this.RECORDING_PHASE || this.errorCount > 0) return;
    this.onDeclaration(node);
    // Chevrotain's stack of the nodes being built: the file's node is on top, the declaration its last child.
    const file = (this as unknown as { CST_STACK: CstNode[] }).CST_STACK.at(-1)!;
    (file.children[node.name] as CstNode[]).pop();
  }

  // The alternatives of each OR and the options of each gated MANY and OPTION are made once, here, not at
  // each call: Chevrotain's advice (an array of closures made for every operand of every expression was
  // a sixth of the time spent parsing). Their closures read the parser's state, never a rule's locals.
  /** Separator := NEWLINE | ";"   (consumed where it occurs: no node of its own) */
  private readonly topLevelAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Newline) },
    { ALT: () => this.CONSUME(T.Semicolon) },
    { ALT: () => this.declared(this.SUBRULE(this.importDecl)) },
    { ALT: () => this.declared(this.SUBRULE(this.blockDecl)) },
    { ALT: () => this.declared(this.SUBRULE(this.networkDecl)) },
    { ALT: () => this.declared(this.SUBRULE(this.ruleDecl)) },
    { ALT: () => this.declared(this.SUBRULE(this.defaultsStmt)) },
  ];
  private readonly clauseAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Newline) },
    { ALT: () => this.CONSUME(T.Semicolon) },
    { ALT: () => this.SUBRULE(this.matchClause) },
    { ALT: () => this.SUBRULE(this.whenClause) },
    { ALT: () => this.SUBRULE(this.replaceClause) },
  ];
  /** An optional label, where the next tokens are one. */
  private readonly optionalLabel: OptionWithGate = { GATE: () => this.atLabel(), DEF: () => this.SUBRULE(this.label) };
  private readonly bodyAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Newline) },
    { ALT: () => this.CONSUME(T.Semicolon) },
    { ALT: () => this.SUBRULE(this.statement) },
  ];
  private readonly statementAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.defaultsStmt) },
    { ALT: () => this.SUBRULE(this.applyStmt) },
    { ALT: () => this.SUBRULE(this.trainStmt) },
    {
      ALT: () => {
        this.OPTION(this.optionalLabel);
        this.OR2(this.auxOrChainAlts);
      },
    },
  ];
  private readonly auxOrChainAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.auxStmt) },
    { ALT: () => this.SUBRULE(this.chain) },
  ];
  private readonly labelAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.StringLiteral) },
    {
      ALT: () => {
        this.CONSUME(T.Identifier);
        this.OPTION(() => {
          this.CONSUME(T.DotDot);
          this.CONSUME2(T.Identifier);
        });
      },
    },
  ];
  private readonly settingAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Newline) },
    { ALT: () => this.CONSUME(T.Semicolon) },
    { ALT: () => this.SUBRULE(this.setting) },
  ];
  /** Element := Concat | Repeat | If | Layer   (each element is a child of its chain: no node of its own) */
  private readonly elementAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.concat) },
    { ALT: () => this.SUBRULE(this.repeat) },
    { ALT: () => this.SUBRULE(this.ifElement) },
    { ALT: () => this.SUBRULE(this.layer) },
  ];
  /** The elements after the first in a chain (the same alternatives, their second occurrence in the rule). */
  private readonly nextElementAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE2(this.concat) },
    { ALT: () => this.SUBRULE2(this.repeat) },
    { ALT: () => this.SUBRULE2(this.ifElement) },
    { ALT: () => this.SUBRULE2(this.layer) },
  ];
  private readonly repeatVariable: OptionWithGate = {
    GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.In,
    DEF: () => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.In);
    },
  };
  private readonly elseAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.ifElement) },
    { ALT: () => this.SUBRULE2(this.body) },
  ];
  /** After a layer's name (the last token consumed, LA(0)): its argument list, or its bare arguments. */
  private readonly layerArgsAlts: OrMethodOpts<unknown> = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => this.LA(1).tokenType === T.LParen && adjacent(this.LA(0), this.LA(1)),
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.argList);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.MANY(() => this.OR2(this.layerArgAlts)) },
    ],
  };
  /** LayerArg := Identifier "=" BareExpr | "/" BareExpr | BareExpr   (each a child of its layer: no node of its own) */
  private readonly layerArgAlts: IOrAlt<unknown>[] = [
    { GATE: () => this.LA(2).tokenType === T.Equals, ALT: () => this.SUBRULE(this.namedArg, { ARGS: [false] }) },
    { ALT: () => this.SUBRULE(this.strideArg) },
    { ALT: () => this.SUBRULE(this.expression, { ARGS: [false] }) },
  ];
  private readonly argAlts: IOrAlt<unknown>[] = [
    { GATE: () => this.LA(2).tokenType === T.Equals, ALT: () => this.SUBRULE(this.namedArg, { ARGS: [true] }) },
    { ALT: () => this.SUBRULE(this.expression, { ARGS: [true] }) },
  ];
  private readonly argListItems: ManySepMethodOpts<unknown> = { SEP: T.Comma, DEF: () => this.OR(this.argAlts) };
  /** Whether `/` divides in the innermost expression being parsed (`expression`'s argument, for its MANY's GATE). */
  private allowDivision = true;
  private readonly binaryTail: OptionWithGate = {
    GATE: () => this.allowDivision || this.LA(1).tokenType !== T.Slash,
    DEF: () => {
      this.OR(this.binaryOperatorAlts);
      this.SUBRULE2(this.operand);
    },
  };
  private readonly binaryOperatorAlts: IOrAlt<unknown>[] = binaryOperators.map((t) => ({ ALT: () => this.CONSUME(t) }));
  private readonly prefixAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Minus) },
    { ALT: () => this.CONSUME(T.Not) },
  ];
  private readonly primaryAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.IntegerLiteral) },
    { ALT: () => this.CONSUME(T.FloatLiteral) },
    { ALT: () => this.CONSUME(T.StringLiteral) },
    { ALT: () => this.CONSUME(T.True) },
    { ALT: () => this.CONSUME(T.False) },
    {
      ALT: () => {
        this.CONSUME(T.Identifier);
        this.OPTION(this.callArguments);
      },
    },
    {
      ALT: () => {
        this.CONSUME2(T.LParen);
        this.SUBRULE(this.expression, { ARGS: [true] });
        this.CONSUME2(T.RParen);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LBracket);
        this.MANY_SEP(this.listItems);
        this.CONSUME(T.RBracket);
      },
    },
  ];
  /** A call's arguments, right after its name (the last token consumed, LA(0)). */
  private readonly callArguments: OptionWithGate = {
    GATE: () => adjacent(this.LA(0), this.LA(1)),
    DEF: () => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.argList);
      this.CONSUME(T.RParen);
    },
  };
  private readonly listItems: ManySepMethodOpts<unknown> = {
    SEP: T.Comma,
    DEF: () => this.SUBRULE2(this.expression, { ARGS: [true] }),
  };

  /** File := { Separator | Import | BlockDecl | NetworkDecl | RuleDecl | Defaults } */
  file = this.RULE('file', () => {
    this.MANY(() => this.OR(this.topLevelAlts));
  });

  /** Import := "import" [ "{" Identifier { "," Identifier } "}" "from" ] String */
  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
      this.CONSUME(T.RBrace);
      this.CONSUME(T.From);
    });
    this.CONSUME(T.StringLiteral);
  });

  /** BlockDecl := "block" Identifier Params Body */
  blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.params);
    this.SUBRULE(this.body);
  });

  /** NetworkDecl := "network" Identifier [ Params ] Body */
  networkDecl = this.RULE('networkDecl', () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.params));
    this.SUBRULE(this.body);
  });

  /** RuleDecl := "rule" Identifier [ Params ] "{" { Separator | MatchClause | WhenClause | ReplaceClause } "}" */
  ruleDecl = this.RULE('ruleDecl', () => {
    this.CONSUME(T.Rule);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.params));
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.clauseAlts));
    this.CONSUME(T.RBrace);
  });

  /** MatchClause := "match" [ Label ] Chain   (the label names the first layer of the pattern) */
  matchClause = this.RULE('matchClause', () => {
    this.CONSUME(T.Match);
    this.OPTION(this.optionalLabel);
    this.SUBRULE(this.chain);
  });

  /** WhenClause := "when" Expr */
  whenClause = this.RULE('whenClause', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.expression, { ARGS: [true] });
  });

  /** ReplaceClause := "replace" [ Label ] Chain   (the label names the first layer of the replacement) */
  replaceClause = this.RULE('replaceClause', () => {
    this.CONSUME(T.Replace);
    this.OPTION(this.optionalLabel);
    this.SUBRULE(this.chain);
  });

  /** Params := "(" [ Param { "," Param } ] ")" */
  params = this.RULE('params', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
    this.CONSUME(T.RParen);
  });

  /** Param := Identifier [ ":" Identifier ] [ "=" Expr ] */
  param = this.RULE('param', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Identifier);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, { ARGS: [true] });
    });
  });

  /** Body := "{" { Separator | Statement } "}" */
  body = this.RULE('body', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.bodyAlts));
    this.CONSUME(T.RBrace);
  });

  /** Statement := Defaults | ApplyRules | Train | [ Label ] ( Aux | Chain ) */
  statement = this.RULE('statement', () => {
    this.OR(this.statementAlts);
  });

  /** Label := ( Identifier [ ".." Identifier ] | String ) ":"   (a string label is an exact node name) */
  label = this.RULE('label', () => {
    this.OR(this.labelAlts);
    this.CONSUME(T.Colon);
  });

  /** Defaults := "defaults" Identifier "(" ArgList ")" */
  defaultsStmt = this.RULE('defaultsStmt', () => {
    this.CONSUME(T.Defaults);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.argList);
    this.CONSUME(T.RParen);
  });

  /** Aux := "aux" "from" Path [ "weight" Expr ] Body */
  auxStmt = this.RULE('auxStmt', () => {
    this.CONSUME(T.Aux);
    this.CONSUME(T.From);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.Weight);
      this.SUBRULE(this.expression, { ARGS: [false] });
    });
    this.SUBRULE(this.body);
  });

  /** ApplyRules := "apply" Identifier [ "(" ArgList ")" ] [ "to" Target { "," Target } ] */
  applyStmt = this.RULE('applyStmt', () => {
    this.CONSUME(T.Apply);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE(this.argList);
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.To);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.target) });
    });
  });

  /** Target := Path [ ".." Path ] */
  target = this.RULE('target', () => {
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.SUBRULE2(this.path);
    });
  });

  /** Path := Identifier { "/" Identifier } */
  path = this.RULE('path', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Slash);
      this.CONSUME2(T.Identifier);
    });
  });

  /** Train := "train" "{" { Separator | Identifier "=" Expr } "}" */
  trainStmt = this.RULE('trainStmt', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.OR(this.settingAlts));
    this.CONSUME(T.RBrace);
  });

  /** Setting := Identifier "=" Expr */
  setting = this.RULE('setting', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { ARGS: [true] });
  });

  /** Chain := Element { "->" [ Label ] Element } */
  chain = this.RULE('chain', () => {
    this.SUBRULE(this.element);
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.OPTION(this.optionalLabel);
      this.SUBRULE2(this.element);
    });
  });

  element = this.RULE('element', () => {
    this.OR(this.elementAlts);
  });

  /** Concat := "concat" Body   (each statement of the body is one branch) */
  concat = this.RULE('concat', () => {
    this.CONSUME(T.Concat);
    this.SUBRULE(this.body);
  });

  /** Repeat := "repeat" [ Identifier "in" ] Expr Body */
  repeat = this.RULE('repeat', () => {
    this.CONSUME(T.Repeat);
    this.OPTION(this.repeatVariable);
    this.SUBRULE(this.expression, { ARGS: [true] });
    this.SUBRULE(this.body);
  });

  /** If := "if" Expr Body [ "else" ( If | Body ) ] */
  ifElement = this.RULE('ifElement', () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { ARGS: [true] });
    this.SUBRULE(this.body);
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR(this.elseAlts);
    });
  });

  /**
   * Layer := Identifier ( "(" ArgList ")" | { LayerArg } )   (a built-in layer or a block instance)
   * The "(" form needs the parenthesis right after the name, with no space (see `adjacent`).
   */
  layer = this.RULE('layer', () => {
    this.CONSUME(T.Identifier);
    this.OR(this.layerArgsAlts);
  });

  /** StrideArg := "/" BareExpr */
  strideArg = this.RULE('strideArg', () => {
    this.CONSUME(T.Slash);
    this.SUBRULE(this.expression, { ARGS: [false] });
  });

  /** ArgList := [ Arg { "," Arg } ]    Arg := Identifier "=" Expr | Expr */
  argList = this.RULE('argList', () => {
    this.MANY_SEP(this.argListItems);
  });

  namedArg = this.RULE('namedArg', (allowDivision?: boolean) => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression, { ARGS: [allowDivision] });
  });

  /**
   * Expr := OrExpr
   * OrExpr := AndExpr { "or" AndExpr }
   * AndExpr := NotExpr { "and" NotExpr }
   * NotExpr := "not" NotExpr | Comparison
   * Comparison := RangeExpr [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" ) RangeExpr ]
   * RangeExpr := Additive [ ".." Additive ]
   * Additive := Multiplicative { ( "+" | "-" ) Multiplicative }
   * Multiplicative := Unary { ( "*" | "%" | "/" ) Unary }   ("/" only where division is allowed)
   * Unary := "-" Unary | Size
   *
   * Parsed flat, operands and operators in a row (a precedence chain of rules would make a dozen CST
   * nodes per number); compiler/syntax/builder.ts applies the precedence above.
   */
  expression = this.RULE('expression', (allowDivision?: boolean) => {
    const enclosing = this.allowDivision;
    this.allowDivision = allowDivision === true;
    try {
      this.SUBRULE(this.operand);
      this.MANY(this.binaryTail);
    } finally {
      // An operand may hold an expression of its own (`(a / b)`), which sets this for its own MANY.
      this.allowDivision = enclosing;
    }
  });

  /**
   * Size := Postfix { "x" Postfix }   (`3x3`, `1xn`, `299x299x3`)
   * Postfix := Primary { "." Identifier }
   *
   * One operand of an expression, with its prefix operators (`-`, `not`).
   */
  operand = this.RULE('operand', () => {
    this.MANY(() => this.OR(this.prefixAlts));
    this.SUBRULE(this.primary);
    this.MANY2(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Identifier);
    });
    this.MANY3(() => {
      this.CONSUME(T.Cross);
      this.SUBRULE2(this.primary);
      this.MANY4(() => {
        this.CONSUME2(T.Dot);
        this.CONSUME2(T.Identifier);
      });
    });
  });

  /**
   * Primary := Integer | Float | String | "true" | "false" | Identifier [ "(" ArgList ")" ]
   *          | "(" Expr ")" | "[" [ Expr { "," Expr } ] "]"
   */
  primary = this.RULE('primary', () => {
    this.OR(this.primaryAlts);
  });

  /** A label starts here: `name:`, `first..last:` or `"exact/name":` (four tokens of lookahead, more than the OR's). */
  private atLabel(): boolean {
    if (this.LA(1).tokenType === T.StringLiteral) return this.LA(2).tokenType === T.Colon;
    if (this.LA(1).tokenType !== T.Identifier) return false;
    if (this.LA(2).tokenType === T.Colon) return true;
    return (
      this.LA(2).tokenType === T.DotDot && this.LA(3).tokenType === T.Identifier && this.LA(4).tokenType === T.Colon
    );
  }
}

/** An OPTION's or a MANY's options with a GATE. */
type OptionWithGate = { GATE: () => boolean; DEF: () => void };

/** The binary operators, in the order the parser tries them (multi-character ones first). */
const binaryOperators = [
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
];

/** A call's `(` touches its name: `InceptionA(32)` is a call, `conv (n)x1 64` is a layer whose kernel is `(n)x1`. */
function adjacent(name: IToken, next: IToken): boolean {
  return next.tokenType === T.LParen && name.endOffset !== undefined && next.startOffset === name.endOffset + 1;
}

/** One parser instance, reused (Chevrotain's advice: construction runs the grammar analysis). */
let instance: IncpParser | undefined;
function parserInstance(): IncpParser {
  instance ??= new IncpParser();
  return instance;
}

export interface ParseProblem {
  token: IToken;
  message: string;
  /** What the parser would have accepted, as token labels ("'{'", "an integer"). */
  expected: string[];
  ruleStack: string[];
}

export interface CstResult {
  cst: CstNode | undefined;
  problems: ParseProblem[];
}

/**
 * Parses a file's tokens. With `onDeclaration`, each top-level declaration parsed before the first syntax error
 * is handed to it as soon as it is complete, and left out of the CST returned (the rest of the file's CST is
 * returned as usual).
 */
export function parseTokens(tokens: IToken[], onDeclaration?: (node: CstNode) => void): CstResult {
  const parser = parserInstance();
  parser.input = tokens;
  parser.errorCount = 0;
  parser.onDeclaration = onDeclaration;
  let cst: CstNode | undefined;
  // Chevrotain throws an exception for each syntax error and recovery attempt; their stack traces are
  // never read, and capturing them was an eighth of the time spent on input with errors.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    cst = parser.file();
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    parser.onDeclaration = undefined;
  }
  // (An aborted parse may add one more error on its way out: "expected end of file"; it is dropped.)
  const problems = parser.errors.slice(0, MAX_PARSE_ERRORS).map((e: IRecognitionException) => ({
    token: e.token,
    message: e.message,
    expected: expectedFrom(e.message),
    ruleStack: e.context.ruleStack,
  }));
  return { cst, problems };
}

/**
 * Parse errors carry what was expected as data: the message is JSON (`{"expected": [...]}`), read back
 * by parseTokens. The words of the diagnostic come from compiler/diagnostics/diagnostics.ts, not from here.
 */
const expectationMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => JSON.stringify({ expected: [tokenLabel(expected)] }),
  buildNotAllInputParsedMessage: () => JSON.stringify({ expected: ['end of file'] }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    JSON.stringify({ expected: firstTokens(expectedPathsPerAlt.flat()) }),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    JSON.stringify({ expected: firstTokens(expectedIterationPaths) }),
};

function firstTokens(paths: TokenType[][]): string[] {
  return [...new Set(paths.filter((p) => p.length > 0).map((p) => tokenLabel(p[0]!)))];
}

function expectedFrom(message: string): string[] {
  try {
    const parsed = JSON.parse(message) as { expected?: string[] };
    return (parsed.expected ?? []).filter((s) => s !== 'EOF');
  } catch {
    return [];
  }
}

export { EOF };
export type IncpCstParser = IncpParser;
export function grammarProductions(): ReturnType<IncpParser['getGAstProductions']> {
  return parserInstance().getGAstProductions();
}
/** Chevrotain's base CST visitor of this grammar: its validateVisitor checks that a visitor has a method per rule. */
export function baseCstVisitor(): new () => ICstVisitor<unknown, unknown> {
  return parserInstance().getBaseCstVisitorConstructor();
}
