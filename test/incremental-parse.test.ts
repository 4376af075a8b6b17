/**
 * compiler/syntax/incremental.ts: the tree `reparse` gives after an edit is the tree a full parse of the new
 * text gives, node for node and span for span, or it declines. Hundreds of random edits (one character
 * inserted, deleted or replaced; a line duplicated or removed) of every stdlib and example file, each compared
 * with `parseSource` on the edited text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reparse } from '../compiler/syntax/incremental.js';
import { parseSource } from '../compiler/syntax/parse.js';
import { repoRoot } from './helpers/cli.js';

const files = ['stdlib', 'examples'].flatMap((dir) =>
  readdirSync(join(repoRoot, dir))
    .filter((f) => f.endsWith('.incp'))
    .map((f) => join(repoRoot, dir, f)),
);

/** A deterministic generator (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARACTERS = ['1', '7', 'x', 'a', ' ', '\n', '/', '{', '}', '"', '#', '(', ')', '-', '>', ':', ','];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const kind = Math.floor(next() * 5);
  const char = CHARACTERS[Math.floor(next() * CHARACTERS.length)]!;
  if (kind === 0) return text.slice(0, at) + char + text.slice(at);
  if (kind === 1) return text.slice(0, at) + text.slice(at + 1);
  if (kind === 2) return text.slice(0, at) + char + text.slice(at + 1);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at) + 1;
  if (kind === 3) return text.slice(0, lineEnd) + text.slice(lineStart, lineEnd) + text.slice(lineEnd);
  return text.slice(0, lineStart) + text.slice(lineEnd);
}

test('reparse gives the full parse’s tree, or declines', () => {
  let reused = 0;
  let declined = 0;
  for (const [i, path] of files.entries()) {
    const next = random(i + 1);
    let text = readFileSync(path, 'utf8');
    let previous = { text, result: parseSource(text, 'f.incp') };
    for (let k = 0; k < 40; k++) {
      text = edit(text, next);
      const full = parseSource(text, 'f.incp');
      const incremental = reparse(previous, text, 'f.incp');
      if (incremental) {
        reused++;
        expect(incremental).toEqual(full);
      } else declined++;
      previous = { text, result: full };
      // Back to a clean file now and then, so that edits start from trees reparse can reuse.
      if (full.diagnostics.length > 0 && next() < 0.5) {
        text = readFileSync(path, 'utf8');
        previous = { text, result: parseSource(text, 'f.incp') };
      }
    }
  }
  // Most edits of a clean file are reparsed (one declaration); those that break the syntax are declined.
  expect(reused).toBeGreaterThan(200);
  expect(declined).toBeGreaterThan(50);
});
