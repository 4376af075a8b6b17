/**
 * The front end's limits, in-process, on inputs too big for test/malformed.test.ts to spawn cheaply:
 * each used to end in a stack overflow (an internal error, or a diagnostic at 1:1 that named the wrong
 * problem) or to run for many seconds.
 */
import { checkFiles } from '../compiler/program/check.js';
import { parseSource, MAX_TOKENS } from '../compiler/syntax/parse.js';
import { type FileHost } from '../compiler/program/program.js';
import { loadProgramFromText, nodeFileHost } from '../compiler/program/node-host.js';
import { parseTokens, MAX_PARSE_ERRORS } from '../grammar/parser.js';
import { tokenize } from '../grammar/lexer.js';

const where = (d: { code: string; span?: { startLine: number; startColumn: number } }): string =>
  `${d.code} ${d.span?.startLine}:${d.span?.startColumn}`;

/** `network N {` / `  input 8x8x3` / `  LINE` / `}`: LINE is line 3. */
const net = (line: string): string => `network N {\n  input 8x8x3\n  ${line}\n}\n`;

function check(text: string): ReturnType<typeof checkFiles> {
  const path = '/tmp/incc-limits/main.incp';
  const host: FileHost = { readFile: (p) => (p === path ? text : nodeFileHost.readFile(p)) };
  return checkFiles([path], host);
}

describe('long constructs within the token limit', () => {
  test('a sum of 70,000 terms is one nesting-too-deep at its 256th operator, not a stack overflow', () => {
    // `  conv 1x1 (1+1+...)`: the k-th `+` is at column 12 + 2k; the 256th (column 524) makes the sum 257 deep.
    // The AST builder used to spread the chain's 140,000 parts into one call (a RangeError, reported at 1:1).
    const r = parseSource(net(`conv 1x1 (${Array(70_000).fill('1').join('+')})`), 'main.incp');
    expect(r.diagnostics.map(where)).toEqual(['nesting-too-deep 3:524']);
  });

  test('135,000 out-of-range numbers: the first 20 are reported, where they are', () => {
    // `  conv 1e999 1e999 ...`: the k-th 1e999 starts at column 8 + 6(k - 1). The 135,000 diagnostics
    // used to be spread into one call (a RangeError past ~125,000 arguments, reported as nesting-too-deep at 1:1).
    const r = parseSource(net(`conv ${Array(135_000).fill('1e999').join(' ')}`), 'main.incp');
    expect(r.diagnostics).toHaveLength(20);
    expect(r.diagnostics.slice(0, 3).map(where)).toEqual([
      'number-out-of-range 3:8',
      'number-out-of-range 3:14',
      'number-out-of-range 3:20',
    ]);
  });

  test('135,000 unknown names: all reported, no exception', () => {
    // `  conv y y y ...`: each y is an unknown name (column 8 + 2(k - 1)). checkFiles used to spread them
    // into one call: a RangeError out of `incc check` (exit 70).
    const r = check(net(`conv ${Array(135_000).fill('y').join(' ')}`));
    expect(r.diagnostics).toHaveLength(135_000);
    expect(r.diagnostics.slice(0, 2).map(where)).toEqual(['unknown-name 3:8', 'unknown-name 3:10']);
  });
});

describe('the token limit', () => {
  test(`more than ${MAX_TOKENS} tokens: file-too-large at 1:1, without parsing`, () => {
    // `;` is a token of its own: MAX_TOKENS + 1 of them.
    const started = performance.now();
    const r = parseSource(';'.repeat(MAX_TOKENS + 1), 'main.incp');
    expect(r.diagnostics.map(where)).toEqual(['file-too-large 1:1']);
    expect(r.diagnostics[0]!.message).toContain(`(${MAX_TOKENS + 1} tokens)`);
    expect(r.ast).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test(`${MAX_TOKENS} tokens are parsed`, () => {
    const r = parseSource(';'.repeat(MAX_TOKENS), 'main.incp');
    expect(r.diagnostics).toEqual([]);
    expect(r.ast).toBeDefined();
  });
});

describe('syntax errors', () => {
  test(`the parse stops at ${MAX_PARSE_ERRORS} errors (20,000 errors took seconds and recursed once per error)`, () => {
    // Each line `  conv 3x3 16 )` has a stray `)` at column 15.
    const text = `network N {\n${'  conv 3x3 16 )\n'.repeat(20_000)}}\n`;
    const started = performance.now();
    const r = parseTokens(tokenize(text).tokens);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.cst).toBeUndefined();
    expect(r.problems).toHaveLength(MAX_PARSE_ERRORS);
    expect(r.problems.slice(0, 2).map((p) => `${p.token.image} ${p.token.startLine}:${p.token.startColumn}`)).toEqual([
      ') 2:15',
      ') 3:15',
    ]);
  });

  test('a parse stopped early leaves the shared parser ready for the next file', () => {
    parseTokens(tokenize(`network N {\n${'  conv 3x3 16 )\n'.repeat(100)}}\n`).tokens);
    const r = parseSource(net('conv 3x3 16'), 'main.incp');
    expect(r.diagnostics).toEqual([]);
    expect(r.ast?.items).toHaveLength(1);
  });

  test('syntax errors in a file that imports: reported, the import not followed', () => {
    const program = loadProgramFromText(
      'import "std/modules"\nnetwork N { input 8x8x3 ) }\n',
      '/tmp/incc-limits/x.incp',
    );
    expect(program.diagnostics.map(where)).toEqual(['syntax-error 2:25']);
  });
});
