/**
 * Malformed input, run through the built CLI as a separate process (`node dist/cli/incc.js check FILE`),
 * as a user would: each case must end with exit code 1 (2 for a usage error or an unreadable file), a
 * diagnostic `file:line:col: error CODE:` with a code frame and a caret, and never an internal error or
 * a stack trace. The expected lines and columns are worked out by hand from the input text (1-based,
 * columns in UTF-16 code units, as the lexer counts them); the comment beside each says how.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, plainEnv } from './helpers/cli.js';

interface Case {
  name: string;
  /** The file checked, written as main.incp. */
  text: string;
  /** More files beside it. */
  files?: Record<string, string>;
  /** CLI arguments; `check main.incp` when left out. */
  args?: string[];
  code: string;
  /** Where the diagnostic points: `file:line:col`, `file` being main.incp unless given. */
  at?: [number, number] | [string, number, number];
  /** Diagnostics that concern no source (a name given on the command line) print no location. */
  noLocation?: boolean;
  exit?: number;
  /** Words the message must contain. */
  message?: string;
  /** A line the code frame must show (the source line, as printed after `N | `). */
  frame?: string;
  /** The most the process may take, in ms (for the cases that used to hang). */
  maxMs?: number;
}

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

/** A network around some statements: line 1 `network N {`, line 2 `  input 8x8x3`, then `body` from line 3. */
const net = (...body: string[]): string => lines('network N {', '  input 8x8x3', ...body.map((b) => `  ${b}`), '}');

const cases: Case[] = [
  // ---- lexical ------------------------------------------------------------------------------------
  // `  conv 3x3 16 @`: conv at 3-6, 3x3 at 8-10, 16 at 12-13, @ at 15.
  { name: 'unknown character', text: net('conv 3x3 16 @'), code: 'unexpected-character', at: [3, 15], message: '"@"' },
  // `  conv 3x3 16 act=rélu`: act= at 15-18, r at 19, é at 20.
  {
    name: 'non-ASCII letter outside a string',
    text: net('conv 3x3 16 act=rélu'),
    code: 'unexpected-character',
    at: [3, 20],
    message: '"é"',
  },
  // The `/*` at column 3 of line 3.
  { name: 'unterminated block comment', text: net('/* oops'), code: 'unterminated-comment', at: [3, 3] },
  // `import "abc`: the `"` at column 8.
  { name: 'unterminated string', text: lines('import "abc', 'network N {}'), code: 'unterminated-string', at: [1, 8] },
  // `  "a\qb": conv 3x3 4`: the string at column 3, the `\q` at column 5; reported once, not as two strings.
  {
    name: 'unknown escape in a string',
    text: net('"a\\qb": conv 3x3 4'),
    code: 'invalid-escape',
    at: [3, 5],
    message: '\\q',
  },
  // `  conv\u00a03x3 4`: the no-break space at column 7, named so that one can see it.
  {
    name: 'a no-break space',
    text: net('conv\u00a03x3 4'),
    code: 'unexpected-character',
    at: [3, 7],
    message: 'U+00A0 NO-BREAK SPACE',
  },

  // ---- expressions and labels -------------------------------------------------------------------------
  // `  if 1 < 2 < 3 { conv 3x3 4 }`: the second `<` at column 12.
  { name: 'chained comparison', text: net('if 1 < 2 < 3 { conv 3x3 4 }'), code: 'chained-comparison', at: [3, 12] },
  // `  if 1 == 1 == true { conv 3x3 4 }`: the second `==` at column 13.
  { name: 'chained equality', text: net('if 1 == 1 == true { conv 3x3 4 }'), code: 'chained-comparison', at: [3, 13] },
  // `  "": conv 3x3 4`: the empty label at column 3.
  { name: 'an empty exact label', text: net('"": conv 3x3 4'), code: 'empty-label', at: [3, 3] },
  // `  dropout (1e308 * 10.0)`: the product at column 12 overflows to Infinity.
  {
    name: 'float arithmetic that overflows',
    text: net('dropout (1e308 * 10.0)'),
    code: 'non-finite-value',
    at: [3, 12],
  },
  // `block conv(c: int) {` on line 1: the name at column 7 (a warning: the file still checks).
  {
    name: 'a block named like a layer kind',
    text: lines('block conv(c: int) {', '  conv 1x1 c', '}', 'network N {', '  input 8x8x3', '  conv 3x3 4', '}'),
    code: 'block-named-like-layer',
    at: [1, 7],
    exit: 0,
  },
  // Two networks N, and an unknown layer kind in the first: both are reported.
  {
    name: 'a duplicate network does not hide other errors',
    text: lines('network N {', '  input 8x8x3', '  cnv 3x3 4', '}', 'network N {', '  input 8x8x3', '}'),
    code: 'unknown-layer-kind',
    at: [3, 3],
  },

  // ---- syntax ---------------------------------------------------------------------------------------
  // No `}` for the network: the end of the file, after the last newline, is line 4 column 1.
  {
    name: 'missing closing brace',
    text: lines('network N {', '  input 8x8x3', '  conv 3x3 16'),
    code: 'syntax-error',
    at: [4, 1],
    message: 'end of file',
  },
  // `block B(a: int {`: the `{` at column 16 where `)` was expected.
  {
    name: 'missing closing parenthesis in params',
    text: lines('block B(a: int {', '  conv 1x1 a', '}'),
    code: 'syntax-error',
    at: [1, 16],
  },
  // `  conv(3x3, 16` never closes: the `}` of line 4, column 1, is where `)` was expected.
  { name: 'missing closing parenthesis in a call', text: net('conv(3x3, 16'), code: 'syntax-error', at: [4, 1] },
  // `block B(a: int) {` on line 1, the call `  B(1, 2)` on line 6: the extra `2` at column 8.
  {
    name: 'block given too many positional arguments',
    text: lines('block B(a: int) {', '  conv 1x1 a', '}', 'network N {', '  input 8x8x3', '  B(1, 2)', '}'),
    code: 'too-many-arguments',
    at: [6, 8],
  },

  // ---- names --------------------------------------------------------------------------------------
  {
    name: 'unknown layer kind, with did-you-mean',
    text: net('cnov 3x3 16'),
    code: 'unknown-layer-kind',
    at: [3, 3],
    message: 'did you mean `conv`?',
  },
  // `  Incepton(32)` on line 6; block InceptionA is declared.
  {
    name: 'unknown block, with did-you-mean',
    text: lines(
      'block InceptionA(c: int) {',
      '  conv 1x1 c',
      '}',
      'network N {',
      '  input 8x8x3',
      '  Incepton(32)',
      '}',
    ),
    code: 'unknown-layer-kind',
    at: [6, 3],
    message: 'did you mean `InceptionA`?',
  },
  {
    name: 'unknown block, nothing close',
    text: net('Foo 3'),
    code: 'unknown-layer-kind',
    at: [3, 3],
    message: '`Foo`',
  },
  // `  conv 3x3 16 strides=2`: strides at column 15.
  {
    name: 'unknown named parameter of a layer',
    text: net('conv 3x3 16 strides=2'),
    code: 'unknown-parameter',
    at: [3, 15],
    message: 'did you mean `stride`?',
  },
  // `  B(widht=3)`: widht at column 5 of line 6.
  {
    name: 'unknown named parameter of a block',
    text: lines(
      'block B(width: int = 2) {',
      '  conv 1x1 width',
      '}',
      'network N {',
      '  input 8x8x3',
      '  B(widht=3)',
      '}',
    ),
    code: 'unknown-parameter',
    at: [6, 5],
    message: 'did you mean `width`?',
  },
  // `  conv 3x3 filtres`: filtres at column 12.
  {
    name: 'unknown name in an expression',
    text: lines('network N(filters: int = 3) {', '  input 8x8x3', '  conv 3x3 filtres', '}'),
    code: 'unknown-name',
    at: [3, 12],
    message: 'did you mean `filters`?',
  },
  // The second `a:` label, line 4 column 3.
  { name: 'duplicate label', text: net('a: conv 3x3 16', 'a: conv 3x3 16'), code: 'duplicate-name', at: [4, 3] },
  // The second `block B` on line 2: B at column 7.
  {
    name: 'duplicate block',
    text: lines('block B() { conv 1x1 4 }', 'block B() { conv 1x1 4 }', 'network N {', '  input 8x8x3', '  B', '}'),
    code: 'duplicate-name',
    at: [2, 7],
  },
  // `block B(a, a) {`: the second a at column 12.
  {
    name: 'duplicate parameter',
    text: lines('block B(a, a) {', '  conv 1x1 4', '}', 'network N {', '  input 8x8x3', '  B(1, 2)', '}'),
    code: 'duplicate-name',
    at: [1, 12],
  },
  // `  conv 3x3 16 bias=false bias=true`: the second bias at column 26.
  {
    name: 'argument given twice',
    text: net('conv 3x3 16 bias=false bias=true'),
    code: 'duplicate-argument',
    at: [3, 26],
  },
  // `apply fuse to conv1` on line 4: fuse at column 9.
  { name: 'unknown rule', text: net('conv 1x1 4', 'apply fuse to conv1'), code: 'unknown-rule', at: [4, 9] },
  // `  aux from mixed9 { gap }` on line 4: mixed9 at column 12.
  {
    name: 'unknown aux target node',
    text: net('conv 1x1 4', 'aux from mixed9 { gap }'),
    code: 'unknown-node',
    at: [4, 12],
    message: '`mixed9`',
  },

  // ---- imports ------------------------------------------------------------------------------------
  // `import "nope"`: the string at column 8.
  {
    name: 'missing import file',
    text: lines('import "nope"', 'network N {', '  input 8x8x3', '}'),
    code: 'import-not-found',
    at: [1, 8],
  },
  // main imports a, a imports b, b imports a: the cycle closes at b's import, b.incp:1:8.
  {
    name: 'import cycle',
    text: lines('import "a"', 'network N {', '  input 8x8x3', '}'),
    files: { 'a.incp': lines('import "b"', 'block A() { relu }'), 'b.incp': lines('import "a"', 'block B() { relu }') },
    code: 'import-cycle',
    at: ['b.incp', 1, 8],
    message: 'a.incp -> b.incp -> a.incp',
  },

  // ---- absurd numbers -----------------------------------------------------------------------------
  // `  conv 3x3 0`: 0 at column 12.
  { name: 'zero filters', text: net('conv 3x3 0'), code: 'value-out-of-range', at: [3, 12] },
  // `  conv 3x3 filters=-5`: the argument starts at column 12.
  {
    name: 'negative filters',
    text: net('conv 3x3 filters=-5'),
    code: 'value-out-of-range',
    at: [3, 12],
    message: 'not -5',
  },
  // `  dropout 1e400`: 1e400 at column 11.
  {
    name: 'float beyond the largest double (1e400)',
    text: net('dropout 1e400'),
    code: 'number-out-of-range',
    at: [3, 11],
  },
  // 2^60 = 1152921504606846976 at column 12 of `  conv 3x3 1152921504606846976`.
  { name: 'integer 2^60', text: net('conv 3x3 1152921504606846976'), code: 'number-out-of-range', at: [3, 12] },
  // `  conv 0x3 4`: the kernel at column 8.
  { name: 'kernel 0x3', text: net('conv 0x3 4'), code: 'value-out-of-range', at: [3, 8] },
  // `  conv 1x1 (9007199254740991 + 1)`: the sum starts at column 13, inside the parenthesis at 12.
  {
    name: 'integer arithmetic past 2^53 - 1',
    text: net('conv 1x1 (9007199254740991 + 1)'),
    code: 'integer-overflow',
    at: [3, 13],
  },
  // `  conv 1x1 (8 / 0)`: the divisor 0 at column 17.
  { name: 'division by zero', text: net('conv 1x1 (8 / 0)'), code: 'division-by-zero', at: [3, 17] },
  // `  repeat 99999999 { relu }`: the count at column 10.
  { name: 'repeat count far too large', text: net('repeat 99999999 { relu }'), code: 'repeat-too-large', at: [3, 10] },
  // 100,000 x 100,000 iterations of nothing used to run for hours; the inner count is at column 26 of
  // `  repeat 100000 { repeat 100000 { } }`, where the 1,000,001st iteration starts.
  {
    name: 'nested repeats multiplying past the limit',
    text: net('repeat 100000 { repeat 100000 { } }'),
    code: 'network-too-large',
    at: [3, 26],
    maxMs: 5000,
  },

  // ---- deep nesting and size ----------------------------------------------------------------------
  // `network N(a = ` + 10,000 `(`: the params' `(` at column 10 is level 1, the k-th `(` of the
  // default (from column 15) is level 1 + k, so the 64th, at column 15 + 63 = 78, is level 65.
  {
    name: '10,000 nested parentheses',
    text: lines(`network N(a = ${'('.repeat(10_000)}1${')'.repeat(10_000)}) {`, '  input 8x8x3', '}'),
    code: 'nesting-too-deep',
    at: [1, 78],
  },
  // `  concat { ` 10,000 times on line 3: the network's `{` is level 1; the k-th `concat { ` starts at
  // column 3 + 9(k - 1) with its `{` 7 further on, level 1 + k: the 64th's, at 3 + 567 + 7 = 577, is 65.
  {
    name: '10,000 nested braces',
    text: net(`${'concat { '.repeat(10_000)}relu${' }'.repeat(10_000)}`),
    code: 'nesting-too-deep',
    at: [3, 577],
  },
  // A 5,000-long `else if` chain, one link a line from line 4 (`  else if a == k { relu }` on line 3 + k).
  // The network's `{` is level 1 and each link nests the rest of the chain, so link k is level 1 + k and
  // its body's `{` 2 + k: link 63's `{`, line 66, is level 65. In `  else if a == 63 { relu }` the `{`
  // is at column 19 (else 3-6, if 8-9, a 11, == 13-14, 63 16-17). It used to overflow the parser's stack.
  {
    name: '5,000-long else-if chain',
    text: lines(
      'network N(a: int = 3) {',
      '  input 8x8x3',
      '  if a == 0 { relu }',
      ...Array.from({ length: 5000 }, (_, i) => `  else if a == ${i + 1} { relu }`),
      '}',
    ),
    code: 'nesting-too-deep',
    at: [66, 19],
  },
  // `  conv 1x1 (1+1+...+1)`, 1,000 terms: the k-th `+` is at column 12 + 2k and makes an expression
  // k + 1 deep, so the 256th, at column 524, is the first past 256. It used to overflow the stack of
  // name resolution (internal error, exit 70).
  {
    name: 'operator chain 1,000 long',
    text: net(`conv 1x1 (${Array(1000).fill('1').join('+')})`),
    code: 'nesting-too-deep',
    at: [3, 524],
  },
  // A name 30,000 letters long, misspelt: the did-you-mean search was quadratic in the length (28 s).
  {
    name: 'unknown 30,000-letter name',
    text: lines(
      `block ${'A'.repeat(30_000)}B() { relu }`,
      'network N {',
      '  input 8x8x3',
      `  ${'A'.repeat(30_000)}C`,
      '}',
    ),
    code: 'unknown-layer-kind',
    at: [4, 3],
    message: '(30001 characters)',
    maxMs: 5000,
  },
  // A 2 MB comment: cheap to parse, but past the 1 MiB limit (it was 4 MiB, and a 4 MiB file could
  // take half a minute to check).
  {
    name: '2 MB file',
    text: `// ${'x'.repeat(2_000_000)}\nnetwork N {\n  input 8x8x3\n}\n`,
    code: 'file-too-large',
    at: [1, 1],
    message: '(2000032 bytes)',
    maxMs: 5000,
  },
  // Past the 1 MiB limit the file is not parsed: reported at 1:1.
  {
    name: '10 MB file',
    text: `network N {\n  input 8x8x3\n${'  conv 1x1 4\n'.repeat(900_000)}}\n`,
    code: 'file-too-large',
    at: [1, 1],
    maxMs: 5000,
  },

  // ---- line breaks --------------------------------------------------------------------------------
  // Lines ended by a lone `\r` (spec: `\n`, `\r\n` and `\r` are all line breaks): the @ is line 3,
  // column 14 (`  conv 3x3 4 @`), and the code frame shows that line.
  {
    name: 'CR line endings: the frame shows the right line',
    text: 'network N {\r  input 8x8x3\r  conv 3x3 4 @\r}\r',
    code: 'unexpected-character',
    at: [3, 14],
    frame: '  conv 3x3 4 @',
  },
  // The end of `network N {\r  input 8x8x3\r` is line 3, column 1 (it was reported at line 1, column 27).
  {
    name: 'CR line endings: the end of the file',
    text: 'network N {\r  input 8x8x3\r',
    code: 'syntax-error',
    at: [3, 1],
    message: 'end of file',
  },

  // ---- values and types ---------------------------------------------------------------------------
  // `network N(c: int = 2.5) {`: 2.5 at column 20.
  {
    name: 'parameter default of the wrong type',
    text: lines('network N(c: int = 2.5) {', '  input 8x8x3', '  conv 3x3 c', '}'),
    code: 'parameter-type-mismatch',
    at: [1, 20],
  },
  // `  conv 3x3 16 bias=1`: the argument at column 15.
  {
    name: 'layer option of the wrong type',
    text: net('conv 3x3 16 bias=1'),
    code: 'option-type-mismatch',
    at: [3, 15],
    message: 'true or false',
  },
  // The label `m1..m3:` at column 3 names three instances, the list has two.
  {
    name: 'range label count mismatch',
    text: net('m1..m3: repeat c in [4, 8] { conv 1x1 c }'),
    code: 'label-count-mismatch',
    at: [3, 3],
  },

  // ---- structure and shapes -----------------------------------------------------------------------
  // `  train { epochs = 3 }` on line 3 of the block.
  {
    name: 'train inside a block',
    text: lines(
      'block B() {',
      '  conv 1x1 4',
      '  train { epochs = 3 }',
      '}',
      'network N {',
      '  input 8x8x3',
      '  B',
      '}',
    ),
    code: 'misplaced-statement',
    at: [3, 3],
  },
  // The concat at line 3, column 3: its branches are 8x8 and 4x4.
  {
    name: 'concat shape mismatch',
    text: net('concat {', '  conv 1x1 4', '  conv 3x3/2 4', '}'),
    code: 'concat-shape-mismatch',
    at: [3, 3],
  },
  {
    name: 'VALID kernel larger than its input',
    text: net('conv 9x9 4 valid'),
    code: 'kernel-larger-than-input',
    at: [3, 3],
  },
  { name: 'dense on a spatial map', text: net('dense 10'), code: 'dense-on-spatial', at: [3, 3] },
  // No `input`: the first layer, line 2 column 3, has nothing to read.
  { name: 'missing input', text: lines('network N {', '  conv 3x3 4', '}'), code: 'missing-input', at: [2, 3] },
  // A block that instantiates itself: stopped at 64 levels, at the call `  A` on line 2.
  {
    name: 'block that instantiates itself',
    text: lines('block A() {', '  A', '}', 'network N {', '  input 8x8x3', '  A', '}'),
    code: 'recursion-too-deep',
    at: [2, 3],
  },

  // ---- one code per case: misplaced statements and arguments ---------------------------------------
  // Line 5 is `    train { epochs = 3 }`, a branch of the concat opened on line 3: `train` at column 5.
  {
    name: 'train among the branches of a concat',
    text: net('concat {', '  conv 1x1 4', '  train { epochs = 3 }', '}'),
    code: 'statement-in-concat',
    at: [5, 5],
  },
  // `  input 8x8x3` again on line 4, column 3.
  { name: 'a second input', text: net('conv 1x1 4', 'input 8x8x3'), code: 'misplaced-input', at: [4, 3] },
  // `  a1..a2: conv 1x1 4`: the label at column 3.
  { name: 'range label on a layer', text: net('a1..a2: conv 1x1 4'), code: 'misplaced-range-label', at: [3, 3] },
  // `  dense/2 10` on line 4: dense at 3-7, the stride `/2` at 8.
  {
    name: 'stride on dense',
    text: net('flatten', 'dense/2 10'),
    code: 'misplaced-stride',
    at: [4, 8],
    message: 'dense takes no stride',
  },
  // `  A/2` on line 6: A at 3, the stride at 4.
  {
    name: 'stride on a block instance',
    text: lines('block A() {', '  conv 1x1 8', '}', 'network N {', '  input 8x8x3', '  A/2', '}'),
    code: 'misplaced-stride',
    at: [6, 4],
    message: 'block A takes no stride',
  },
  // `  defaults conv(false)`: defaults at 3-10, conv at 12-15, `(` at 16, false at 17.
  {
    name: 'positional argument in defaults',
    text: net('defaults conv(false)', 'conv 1x1 4'),
    code: 'positional-default',
    at: [3, 17],
  },
  // `  M` on line 7, where M is a network.
  {
    name: 'a network used as a layer',
    text: lines('network M {', '  input 8x8x3', '  conv 1x1 4', '}', 'network N {', '  input 8x8x3', '  M', '}'),
    code: 'not-a-layer',
    at: [7, 3],
    message: 'network `M`',
  },
  // The instance `  A()` on line 6: A's body makes no layer when its condition is false.
  {
    name: 'block that makes no layer',
    text: lines('block A() {', '  if false { conv 1x1 4 }', '}', 'network N {', '  input 8x8x3', '  A()', '}'),
    code: 'empty-block',
    at: [6, 3],
  },
  // `  aux from c { ... }` on line 4: the head at column 3.
  {
    name: 'aux head that makes no layer',
    text: net('c: conv 1x1 4', 'aux from c { if false { conv 1x1 4 } }', 'conv 1x1 4'),
    code: 'empty-aux-head',
    at: [4, 3],
  },

  // ---- one code per case: types of values ---------------------------------------------------------
  // `  if not 3 {`: if at 3, not at 6-8, 3 at 10.
  {
    name: 'operand of the wrong type',
    text: net('if not 3 { conv 1x1 4 }'),
    code: 'type-mismatch',
    at: [3, 10],
    message: 'the operand of `not`',
  },
  // `  conv 3x3 16 padding=full`: padding at 15-21, `=` at 22, full at 23.
  {
    name: 'unknown word for a word option',
    text: net('conv 3x3 16 padding=full'),
    code: 'unknown-option-word',
    at: [3, 23],
    message: 'one of same, valid',
  },
  // `  conv 3x3 "x"`: the string at column 12.
  {
    name: 'positional argument no option takes',
    text: net('conv 3x3 "x"'),
    code: 'positional-argument-mismatch',
    at: [3, 12],
  },
  // `  conv (k)x3 4` with k = 1.5: the dimension `(k)` at column 8.
  {
    name: 'size dimension that is not an integer',
    text: lines('network N(k: float = 1.5) {', '  input 8x8x3', '  conv (k)x3 4', '}'),
    code: 'non-integer-size',
    at: [3, 8],
    message: 'number 1.5',
  },
  // `  repeat i in 1.5..3 {`: repeat at 3, i at 10, in at 12, the range at 15.
  {
    name: 'range end that is not an integer',
    text: net('repeat i in 1.5..3 { conv 1x1 4 }'),
    code: 'non-integer-range',
    at: [3, 15],
  },
  // `  if 3 {`: the condition at column 6.
  {
    name: 'if condition that is not a bool',
    text: net('if 3 { conv 1x1 4 }'),
    code: 'non-boolean-condition',
    at: [3, 6],
    message: 'an `if`',
  },
  // `rule r(k: int) { match conv 5x5; when k; ...`: "rule r(k: int) { " is 17 columns, "match conv 5x5; " 16 more,
  // so `when` is at 34 and k at 39.
  {
    name: 'when condition that is not a bool',
    text: lines(
      'rule r(k: int) { match conv 5x5; when k; replace conv 3x3 filters -> conv 3x3 filters }',
      'network N {',
      '  input 8x8x3',
      '  conv 5x5 4',
      '  apply r(3)',
      '}',
    ),
    code: 'non-boolean-condition',
    at: [1, 39],
    message: 'a `when`',
  },
  // `  repeat i in 3 {`: the count at column 15.
  {
    name: 'loop variable over a count',
    text: net('repeat i in 3 { conv 1x1 4 }'),
    code: 'repeat-in-count',
    at: [3, 15],
  },
  // `  repeat [4, 8] {`: the list at column 10.
  {
    name: 'repeat over a list without a variable',
    text: net('repeat [4, 8] { conv 1x1 4 }'),
    code: 'repeat-count-not-integer',
    at: [3, 10],
  },
  // `  repeat true {`: the bool at column 10.
  { name: 'repeat over a bool', text: net('repeat true { conv 1x1 4 }'), code: 'repeat-over-invalid', at: [3, 10] },
  // `  aux from c weight -1 {` on line 4: aux 3, from 7, c 12, weight 14-19, -1 at 21.
  {
    name: 'negative aux weight',
    text: net('c: conv 1x1 4', 'aux from c weight -1 { conv 1x1 4 }', 'conv 1x1 4'),
    code: 'invalid-aux-weight',
    at: [4, 21],
  },
  // `  apply r to b2..b1` on line 6: apply 3, r 9, to 11-12, the range at 14.
  {
    name: 'target range with its ends swapped',
    text: lines(
      'rule r { match conv 5x5; replace conv 3x3 filters -> conv 3x3 filters }',
      'network N {',
      '  input 8x8x3',
      '  b1: conv 1x1 4',
      '  b2: conv 1x1 4',
      '  apply r to b2..b1',
      '}',
    ),
    code: 'invalid-target-range',
    at: [6, 14],
  },
  // `  train { batch_size = 0.5 }` on line 4: train 3, `{` 9, the setting at 11.
  {
    name: 'training setting of the wrong type',
    text: net('conv 3x3 8', 'train { batch_size = 0.5 }'),
    code: 'setting-type-mismatch',
    at: [4, 11],
    message: 'an integer',
  },

  // ---- the command line ---------------------------------------------------------------------------
  // The name comes from the command line, so there is no source location to print.
  {
    name: 'unknown network via summary --network',
    text: net('conv 1x1 4'),
    args: ['summary', 'main.incp', '--network', 'M'],
    code: 'unknown-network',
    noLocation: true,
    message: 'no network named `M`',
  },
];

/** Runs one case in a fresh temporary directory (the CLI prints paths relative to its working directory). */
function run(c: Case): { status: number | null; stderr: string; ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'incc-malformed-'));
  try {
    writeFileSync(join(dir, 'main.incp'), c.text);
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
    const started = performance.now();
    // A hang is a failure, not a stuck test run: the process is killed after a minute (status null).
    const r = spawnSync(process.execPath, [cliPath, ...(c.args ?? ['check', 'main.incp'])], {
      cwd: dir,
      encoding: 'utf8',
      env: plainEnv(),
      timeout: 60_000,
    });
    return { status: r.status, stderr: r.stderr, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectNoCrash(stderr: string): void {
  expect(stderr).not.toContain('internal error');
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('malformed input through `incc check`', () => {
  test('there are at least 35 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = run(c);
    expectNoCrash(r.stderr);
    expect(r.status).toBe(c.exit ?? 1);
    if (c.noLocation) {
      expect(r.stderr).toMatch(new RegExp(`^error ${c.code}: `, 'm'));
    } else {
      const [file, line, col] = c.at!.length === 3 ? c.at! : ['main.incp', ...c.at!];
      const header = `${file}:${line}:${col}: ${c.exit === 0 ? 'warning' : 'error'} ${c.code}: `;
      expect(r.stderr).toContain(header);
      // The code frame right after the header: `  N | source line`, then a caret under the column.
      const after = r.stderr.slice(r.stderr.indexOf(header)).split('\n');
      expect(after[1]).toMatch(new RegExp(`^ +${line} \\| `));
      expect(after[2]).toMatch(/^ +\| *\^+/);
      if (c.frame !== undefined) expect(after[1]!.replace(/^ +\d+ \| /, '')).toBe(c.frame);
      // The caret sits under the reported column (frames of long lines are cut around it: not checked).
      if (!after[1]!.includes('...')) expect(after[2]!.indexOf('^') - after[2]!.indexOf('|') - 2).toBe(col - 1);
    }
    if (c.message !== undefined) expect(r.stderr).toContain(c.message);
    if (c.maxMs !== undefined) expect(r.ms).toBeLessThan(c.maxMs);
    // Messages stay readable: no diagnostic line is enormous, whatever the input.
    for (const l of r.stderr.split('\n')) expect(l.length).toBeLessThan(2000);
  });
});

describe('many diagnostics', () => {
  test('at most 100 are printed; the summary line counts them all', () => {
    // 150 unknown names: `  conv y y y ...`.
    const r = run({ name: '', text: net(`conv ${Array(150).fill('y').join(' ')}`), code: 'unknown-name' });
    expectNoCrash(r.stderr);
    expect(r.status).toBe(1);
    expect(r.stderr.match(/error unknown-name:/g)).toHaveLength(100);
    expect(r.stderr).toContain('... and 50 more diagnostics not shown\n150 errors, 0 warnings\n');
  });
});

describe('usage errors and unreadable files', () => {
  test('a file that does not exist: exit 2, "cannot read"', () => {
    const r = spawnSync(process.execPath, [cliPath, 'check', join(tmpdir(), 'incc-no-such-file.incp')], {
      encoding: 'utf8',
    });
    expectNoCrash(r.stderr);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });

  test('a directory given as the file: exit 2', () => {
    const r = spawnSync(process.execPath, [cliPath, 'check', tmpdir()], { encoding: 'utf8' });
    expectNoCrash(r.stderr);
    expect(r.status).toBe(2);
  });

  test('no file at all: exit 2', () => {
    const r = spawnSync(process.execPath, [cliPath, 'check'], { encoding: 'utf8' });
    expectNoCrash(r.stderr);
    expect(r.status).toBe(2);
  });
});
