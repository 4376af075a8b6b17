/**
 * grammar/valid-parser.ts (the hand-written parser compiler/syntax/parse.ts tries first) against Chevrotain's
 * parser (grammar/parser.ts, the reference): on every .incp file of the repository, with each kind of line
 * break, and on thousands of files mutated from them (a token deleted, doubled, replaced or inserted).
 * Wherever the hand-written parser accepts a file, Chevrotain accepts it with no error and builds the same tree
 * (node names, children in the same order, the same tokens, the same locations), and hands the same
 * declarations to `onDeclaration`; wherever Chevrotain accepts a file, so does the hand-written parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CstNode, IToken } from 'chevrotain';
import { tokenize } from '../grammar/lexer.js';
import { parseTokens } from '../grammar/parser.js';
import { parseValidTokens } from '../grammar/valid-parser.js';
import * as T from '../grammar/tokens.js';
import { repoRoot } from './helpers/cli.js';

function incpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : incpFiles(path);
    return name.endsWith('.incp') ? [path] : [];
  });
}

/** A tree as plain data, children in their order (toEqual alone would not see the order of keys). */
type Shape = string | [string, string, [string, Shape[]][]];
function shape(x: CstNode | IToken): Shape {
  if ('image' in x) return `${x.tokenType.name} ${x.image} @${x.startOffset}`;
  const l = x.location!;
  const where = [l.startOffset, l.startLine, l.startColumn, l.endOffset, l.endLine, l.endColumn].join(',');
  return [x.name, where, Object.keys(x.children).map((k) => [k, x.children[k]!.map(shape)])];
}

interface Outcome {
  /** The hand-written parser's tree and declarations, or undefined where it gave up. */
  valid?: Shape[];
  /** Chevrotain's, or undefined where it reported an error. */
  chevrotain?: Shape[];
}

function parseBoth(text: string): Outcome | undefined {
  const { tokens, problems } = tokenize(text);
  if (problems.length > 0) return undefined; // parse.ts uses Chevrotain alone on these
  const ours: CstNode[] = [];
  const valid = parseValidTokens(tokens, (n) => ours.push(n));
  const theirs: CstNode[] = [];
  const reference = parseTokens(tokens, (n) => theirs.push(n));
  const ok = reference.problems.length === 0 && reference.cst !== undefined;
  return {
    valid: valid === undefined ? undefined : [valid, ...ours].map(shape),
    chevrotain: ok ? [reference.cst!, ...theirs].map(shape) : undefined,
  };
}

const files = [...incpFiles(join(repoRoot, 'stdlib')), ...incpFiles(join(repoRoot, 'examples'))].concat(
  incpFiles(join(repoRoot, 'test')),
);

describe('the parser of valid input against Chevrotain', () => {
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

  test('the same on 4,000 mutated files: a token deleted, doubled, replaced or inserted', () => {
    const pieces = [
      ...T.keywords,
      ...['x', 'n', 'conv', 'relu', '3', '1.5', '"s"', '3x3', '(', ')', '[', ']', '{', '}', ',', ':', ';', '\n'],
      ...['->', '..', '.', '=', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '(n)x1', 'f(2)'],
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
      if (JSON.stringify(outcome.valid) !== JSON.stringify(outcome.chevrotain)) {
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
