/**
 * compiler/syntax/valid-parser.ts (the hand-written parser that compiler/syntax/parse.ts tries first: tokens -> AST)
 * against the reference, Chevrotain's parser (grammar/parser.ts) and the CST -> AST builder (compiler/syntax/
 * builder.ts): on every .incp file of the repository, with each kind of line break, and on thousands of files
 * mutated from them (a token deleted, doubled, replaced or inserted). Wherever the hand-written parser accepts a
 * file, Chevrotain accepts it with no error and the two make the same AST, compared as JSON (every field, every
 * span, keys in the same order) and the same diagnostics in the same order; wherever Chevrotain accepts a file, so
 * does the hand-written parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lex, tokenize } from '../grammar/lexer.js';
import * as T from '../grammar/tokens.js';
import { parseWithChevrotain } from '../compiler/syntax/parse.js';
import { parseValidTokens } from '../compiler/syntax/valid-parser.js';
import { repoRoot } from './helpers/cli.js';
import { program } from '../bench/program.mjs';

function incpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : incpFiles(path);
    return name.endsWith('.incp') ? [path] : [];
  });
}

interface Outcome {
  /** The hand-written parser's AST and diagnostics as JSON, or undefined where it gave up. */
  valid?: string;
  /** Chevrotain's and the builder's, or undefined where Chevrotain reported an error. */
  chevrotain?: string;
}

function parseBoth(text: string): Outcome | undefined {
  const lexed = tokenize(text);
  if (lexed.problems.length > 0) return undefined; // parse.ts uses Chevrotain alone on these
  const valid = parseValidTokens(lex(text).table, lexed.comments, 'f.incp');
  const reference = parseWithChevrotain(lexed, text, 'f.incp', []);
  const syntaxError = reference.diagnostics.some((d) => d.code === 'syntax-error');
  return {
    valid: valid && JSON.stringify(valid),
    chevrotain: syntaxError ? undefined : JSON.stringify({ ast: reference.ast, diagnostics: reference.diagnostics }),
  };
}

const files = [...incpFiles(join(repoRoot, 'stdlib')), ...incpFiles(join(repoRoot, 'examples'))].concat(
  incpFiles(join(repoRoot, 'test')),
);

describe('the parser of valid input against Chevrotain and the AST builder', () => {
  test('there are files to compare', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  test.each(files.map((f) => relative(repoRoot, f)))('%s, with each kind of line break', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    for (const breaks of ['\n', '\r\n', '\r']) {
      const outcome = parseBoth(text.replace(/\r?\n/g, breaks));
      if (outcome === undefined) continue;
      expect(outcome.valid).toEqual(outcome.chevrotain);
    }
  });

  test('the benchmark program (every construct of a realistic file, 2,000 lines)', () => {
    const outcome = parseBoth(program(2000));
    expect(outcome?.valid).toBeDefined();
    expect(outcome!.valid).toEqual(outcome!.chevrotain);
  });

  test('the builder diagnostics, in source order: numbers out of range, empty labels, chains, deep nesting', () => {
    const deep = `${'('.repeat(60)}1${')'.repeat(60)}`;
    const text = [
      'network N {',
      `  "": conv 3x3 1e999 -> lbl: relu -> "": dense 99999999999999999999 / 1 < 2 < 3`,
      `  aux from a/b weight ${Array(300).fill('1').join(' + ')} { "": conv 1x1 1e999 }`,
      `  conv ${deep}x${deep}x${deep}x${deep}x${deep}`,
      '}',
      'rule R { match "": conv 1e999 -> "": relu\n replace "": conv 1 -> lbl: relu }',
    ].join('\n');
    const outcome = parseBoth(text)!;
    expect(outcome.valid).toBeDefined();
    expect(outcome.valid).toEqual(outcome.chevrotain);
    const codes = (JSON.parse(outcome.valid!) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    expect(new Set(codes)).toEqual(
      new Set(['empty-label', 'number-out-of-range', 'chained-comparison', 'nesting-too-deep']),
    );
  });

  test('the same on 4,000 mutated files: a token deleted, doubled, replaced or inserted', () => {
    const pieces = [
      ...T.keywords,
      ...['x', 'n', 'conv', 'relu', '3', '1.5', '"s"', '""', '3x3', '(', ')', '[', ']', '{', '}', ',', ':', ';', '\n'],
      ...['->', '..', '.', '=', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '(n)x1', 'f(2)', '1e999'],
    ];
    let seed = 20_261_201;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    const sources = files.map((f) => readFileSync(f, 'utf8')).filter((t) => tokenize(t).problems.length === 0);
    let bothAccept = 0;
    let bothReject = 0;
    for (let i = 0; i < 4000; i++) {
      let text = sources[i % sources.length]!;
      for (let m = 0, count = 1 + random(2); m < count; m++) {
        const tokens = tokenize(text).tokens;
        if (tokens.length === 0) break;
        const t = tokens[random(tokens.length)]!;
        const [start, end] = [t.startOffset, t.endOffset! + 1];
        const other = random(2) === 0 ? pieces[random(pieces.length)]! : tokens[random(tokens.length)]!.image;
        const kind = random(4);
        if (kind === 0) text = text.slice(0, start) + text.slice(end);
        else if (kind === 1) text = text.slice(0, end) + ' ' + text.slice(start);
        else if (kind === 2) text = text.slice(0, start) + other + text.slice(end);
        else text = text.slice(0, start) + other + ' ' + text.slice(start);
      }
      const outcome = parseBoth(text);
      if (outcome === undefined) continue;
      if (outcome.valid !== outcome.chevrotain) {
        expect({ text, valid: outcome.valid }).toEqual({ text, valid: outcome.chevrotain });
      }
      if (outcome.valid) bothAccept++;
      else bothReject++;
    }
    // Both kinds of outcome are well represented (a mutation often leaves a valid file: `3` for `5`).
    expect(bothAccept).toBeGreaterThan(500);
    expect(bothReject).toBeGreaterThan(1000);
  });
});
