/**
 * The tokens of .incp (spec/language.md, "Lexical structure").
 *
 * Order matters: Chevrotain tries the patterns in the order of `allTokens` and takes the first that
 * matches, so comments come before `/`, multi-character operators before their one-character prefixes,
 * numbers before identifiers, and keywords are declared with `longer_alt: Identifier` so that `conv`
 * stays an identifier while `concat` is a keyword, and `blocks` is not `block` + `s`.
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

const keywordTokens: TokenType[] = [];
function keyword(word: string): TokenType {
  const t = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `'${word}'`,
  });
  keywordTokens.push(t);
  return t;
}

export const Import = keyword('import');
export const From = keyword('from');
export const Block = keyword('block');
export const Network = keyword('network');
export const Rule = keyword('rule');
export const Defaults = keyword('defaults');
export const Concat = keyword('concat');
export const Repeat = keyword('repeat');
export const In = keyword('in');
export const If = keyword('if');
export const Else = keyword('else');
export const Aux = keyword('aux');
export const Weight = keyword('weight');
export const Apply = keyword('apply');
export const To = keyword('to');
export const Train = keyword('train');
export const Match = keyword('match');
export const When = keyword('when');
export const Replace = keyword('replace');
export const True = keyword('true');
export const False = keyword('false');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');

/**
 * The `x` of a size (`3x3`, `1xn`, `299x299x3`, `(n)x1`). It is an `x` right after a digit or `)`,
 * or an `x` standing alone as a word (`n x 1`). Anywhere else `x` starts an identifier (`xs`, `max`).
 */
export const matchCross: CustomPatternMatcherFunc = (text, offset) => {
  if (text.charCodeAt(offset) !== 120 /* x */) return null;
  const prev = text.charCodeAt(offset - 1); // NaN at the start and the end of the text
  const afterNumber = isDigitCode(prev) || prev === 41; /* ) */
  const standalone = !isWordCode(prev) && !isWordCode(text.charCodeAt(offset + 1));
  return afterNumber || standalone ? crossMatch : null;
};
const crossMatch = ['x'] as unknown as RegExpExecArray;
/** [0-9] */
function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** [A-Za-z0-9_] */
function isWordCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
export const Cross = createToken({
  name: 'Cross',
  pattern: matchCross,
  start_chars_hint: ['x'],
  line_breaks: false,
  label: "'x'",
});

export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
/** A block comment; an unterminated one is caught by UnterminatedComment below. */
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  line_breaks: true,
  group: 'comments',
});
/** `/*` with no closing `*\/`: matched to the end of the file so the lexer reports it once, then stops. */
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
});

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\n\r]|\\["\\nrt])*"/,
  label: 'a string',
});
/**
 * A closed string with an escape other than \" \\ \n \r \t: reported once (`invalid-escape`), then parsed as a string.
 */
export const InvalidEscapeString = createToken({ name: 'InvalidEscapeString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/ });
/** A `"` whose string does not close on its line. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*/ });

/** A number with a fraction or an exponent (`0.2`, `1e-3`, `1.5E+2`). */
export const FloatLiteral = createToken({
  name: 'FloatLiteral',
  pattern: /(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)/,
  label: 'a number',
});
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d+/, label: 'an integer' });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: "'..'" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/, label: "']'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/, label: "'}'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });

/** Newlines separate statements; the token filter in lexer.ts drops those that cannot end one. */
export const Newline = createToken({ name: 'Newline', pattern: /\r?\n|\r/, line_breaks: true, label: 'a newline' });
export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\f\uFEFF]+/, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  Newline,
  Whitespace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  InvalidEscapeString,
  UnterminatedString,
  FloatLiteral,
  IntegerLiteral,
  Cross,
  ...keywordTokens,
  Identifier,
  Arrow,
  DotDot,
  Dot,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Semicolon,
];

export const keywords: readonly string[] = keywordTokens.map((t) => (t.PATTERN as RegExp).source);
/** Each reserved word's token type, by its text. */
export const keywordTypes: ReadonlyMap<string, TokenType> = new Map(
  keywordTokens.map((t) => [(t.PATTERN as RegExp).source, t]),
);
