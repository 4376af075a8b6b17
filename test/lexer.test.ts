/**
 * grammar/lexer.ts scans by hand; the reference is Chevrotain's own Lexer built from tokens.ts's `allTokens`
 * (the patterns that define the tokens, with recovery and full position tracking, its checks of the patterns
 * on). Both must give the same tokens (type, text, offsets, lines and columns, ends of multi-line tokens
 * included), the same comments and the same errors, on every .incp file of the repository and on generated
 * text made of the pieces where a hand-written scanner could go wrong (sizes, keywords inside names, escapes,
 * unterminated comments and strings, line breaks of every kind, characters no token matches).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, type IToken } from 'chevrotain';
import { scan } from '../grammar/lexer.js';
import * as T from '../grammar/tokens.js';
import { incpFiles, repoRoot } from './helpers/cli.js';
import { random } from './helpers/random-edit.js';

const reference = new Lexer(T.allTokens, { positionTracking: 'full', recoveryEnabled: true });

const token = (t: IToken): object => ({
  type: t.tokenType.name,
  image: t.image,
  startOffset: t.startOffset,
  endOffset: t.endOffset,
  startLine: t.startLine,
  startColumn: t.startColumn,
  endLine: t.endLine,
  endColumn: t.endColumn,
  tokenTypeIdx: t.tokenTypeIdx,
});

function expected(text: string): object {
  const r = reference.tokenize(text);
  return {
    tokens: r.tokens.map(token),
    comments: (r.groups['comments'] ?? []).map(token),
    errors: r.errors.map((e) => ({ offset: e.offset, length: e.length, line: e.line, column: e.column })),
  };
}

function actual(text: string): object {
  const r = scan(text);
  return { tokens: r.tokens.map(token), comments: r.comments.map(token), errors: r.errors };
}

const pieces = [
  ...['x', 'x1', 'xs', 'max', 'box', '3x3', '1xn', '(n)x1', 'n x 1', 'x)', '3 x', ')x', 'x_', '_x'],
  ...['1', '42', '1.5', '1e-3', '1.5E+2', '2e', '1e+', '1..3', '1.', '.5', '0x10', '007', '9.9.9'],
  ...['"a"', '"a\\qb"', '"abc', '"\\', '"\\"', '"\\n\\t"', '"a\\\r"', '"é"', '""', '"\\u2028"'],
  ...['/*', '*/', '/* a\n b */', '/* a\r\n*/', '/*\r*/', '/**/', '/*/', '//', '// c', '/'],
  ...['\n', '\r', '\r\n', '\n\r', ' ', '  ', '\t', '\f', '\uFEFF', '\u00a0', 'é', '\u2028', '\u2212', '😀'],
  ...['!', '!=', '==', '=', '->', '-', '<=', '>=', '<', '>', '..', '.', '...', '{', '}', '(', ')', '[', ']'],
  ...[',', ':', ';', '@', '#', '$', '`', '~', '^', '&', '|', '?', "'", '\\', '%', '+', '*'],
  ...['imports', 'int', 'iff', 'conv', 'note', 'A9', '_'],
  ...T.keywords,
];

function generated(count: number, seed: number): string[] {
  const rng = random(seed); // mulberry32: a failure can be replayed
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(rng() * 24);
    let text = '';
    for (let i = 0; i < length; i++) text += pieces[Math.floor(rng() * pieces.length)];
    return text;
  });
}

describe('the hand-written scanner against Chevrotain’s Lexer', () => {
  const files = [...incpFiles('examples'), ...incpFiles('stdlib'), ...incpFiles('test')];

  test('there are files to compare', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  test.each(files)('%s', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    expect(actual(text)).toEqual(expected(text));
  });

  test('the same on each file with CRLF and CR line breaks', () => {
    for (const file of files) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const breaks of ['\r\n', '\r']) {
        const converted = text.replace(/\n/g, breaks);
        expect({ file, breaks, ...actual(converted) }).toEqual({ file, breaks, ...expected(converted) });
      }
    }
  });

  test('the same on 5,000 generated texts', () => {
    for (const text of generated(5000, 20)) {
      const [a, e] = [actual(text), expected(text)];
      // (compared as JSON first: toEqual on each of 5,000 results is most of the test's time)
      if (JSON.stringify(a) !== JSON.stringify(e)) expect({ text, ...a }).toEqual({ text, ...e });
    }
  });

  test('the generated texts reach every token type and every kind of error', () => {
    const seen = new Set<string>();
    for (const text of generated(5000, 20)) {
      const r = scan(text);
      for (const t of [...r.tokens, ...r.comments]) seen.add(t.tokenType.name);
      if (r.errors.some((e) => e.length > 1)) seen.add('a run of unmatched characters');
    }
    const all = [...T.allTokens.filter((t) => t !== T.Whitespace).map((t) => t.name), 'a run of unmatched characters'];
    expect(all.filter((name) => !seen.has(name))).toEqual([]);
  });
});
