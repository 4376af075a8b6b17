/**
 * compiler/program/build-cache.ts: a network build and its lint findings kept across edits are what building
 * and linting from scratch gives, span for span. Random edits (test/helpers/random-edit.ts, plus a digit
 * changed and a comment line inserted, which keep most files compiling) of every stdlib and example file and
 * of a file of several networks that share blocks, some edits made to the file it imports instead; after each,
 * the language service's analysis with the cache is compared with one without: every compiler diagnostic,
 * every network's graphs and rule applications, every lint finding (suppressed ones too) and every editor
 * diagnostic.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBuildCache } from '../compiler/program/build-cache.js';
import { nodeServiceHost } from '../language-server/node-host.js';
import { analyse, type Analysis } from '../language-service/analysis.js';
import type { LanguageServiceHost } from '../language-service/host.js';
import { repoRoot } from './helpers/cli.js';
import { edit, random } from './helpers/random-edit.js';

const files = ['stdlib', 'examples', 'examples/lint'].flatMap((dir) =>
  readdirSync(join(repoRoot, dir))
    .filter((f) => f.endsWith('.incp'))
    .map((f) => join(repoRoot, dir, f)),
);

/** A library and a file of three networks over it: shared blocks, file defaults, an apply, aux, train. */
const LIB = `defaults conv(bias=false, bn=true, bn_scale=false, act=relu)

/** The stem. */
block Stem(width: int = 32) {
  conv 3x3/2 width valid
  conv 3x3 width valid
}
`;
const MULTI = `import { Stem } from "./multi-lib"
import "std/modules"
import { factor_5x5 } from "std/rules"

defaults conv(bias=false, bn=true, bn_scale=false, act=relu)

// A block two networks share.
block Mixed(c: int = 64, wide: bool = false) {
  concat {
    a: conv 1x1 c
    b: conv 1x1 (c / 2) -> conv 5x5 c
    p: maxpool 3x3 -> conv 1x1 (c / 2) // incc-disable-line missing-dimension-reduction -- kept
    if wide { w: conv 7x7 c }
  }
}

block Reduce(c: int = 96) {
  concat {
    r: conv 3x3/2 c valid
    q: maxpool 3x3/2 valid
  }
}

network First(classes: int = 10) {
  input 75x75x3
  Stem(32)
  m1..m2: repeat 2 { Mixed(48) }
  Reduce()
  gap
  dense classes act=softmax
  apply factor_5x5 to m1/b/conv2
}

network Second(classes: int = 10, wide: bool = true) {
  input 35x35x192
  mixed0: Figure5(32)
  Mixed(64, wide)
  Reduce(c=128)
  aux1: aux from mixed0 weight 0.3 { AuxHead(classes) }
  gap
  dense classes act=softmax
  train {
    optimizer = rmsprop(lr=0.045, decay=0.9, epsilon=1.0)
    epochs = 100
  }
}

network Third {
  input 35x35x64
  Reduce(32)
  conv 5x5 64
  gap
  dense 10 act=softmax
}
`;

/**
 * One edit: mostly test/helpers/random-edit.ts's, else a digit changed, a comment line inserted, or a letter
 * added to a declaration's name where it is declared or used (a name that then names nothing, or a "did you
 * mean" that changes).
 */
function change(text: string, next: () => number): string {
  const r = next();
  if (r < 0.5) return edit(text, next);
  if (r < 0.65) {
    const names = [...text.matchAll(/\b(?:block|network|rule)\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!);
    const name = names[Math.floor(next() * names.length)];
    const uses = name ? [...text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))] : [];
    const use = uses[Math.floor(next() * uses.length)];
    if (!use) return text;
    const at = use.index! + Math.floor(next() * (name!.length + 1));
    return text.slice(0, at) + 'x' + text.slice(at);
  }
  if (r < 0.85) {
    const digits = [...text.matchAll(/\d/g)];
    const d = digits[Math.floor(next() * digits.length)];
    if (!d) return text;
    const digit = String(Math.floor(next() * 10));
    return text.slice(0, d.index) + digit + text.slice(d.index! + 1);
  }
  const lines = text.split('\n');
  lines.splice(Math.floor(next() * (lines.length + 1)), 0, '// an inserted comment');
  return lines.join('\n');
}

/** What an analysis says: the parts that depend on the networks' builds and lint. */
function outcome(a: Analysis) {
  return {
    compiler: a.built.diagnostics,
    networks: a.built.networks,
    lint: a.lint.messages,
    suppressed: a.lint.suppressed,
    failures: a.lint.failures,
    editor: a.diagnostics,
    graphs: a.graphs,
  };
}

test('a kept network build and its findings are the from-scratch ones, over random edits', () => {
  const disk = nodeServiceHost();
  const dir = join(repoRoot, 'examples');
  const virtual = new Map<string, string>([
    [join(dir, 'multi-lib.incp'), LIB],
    [join(dir, 'multi.incp'), MULTI],
  ]);
  const texts = new Map<string, string>();
  const host: LanguageServiceHost = { ...disk, readFile: (p) => texts.get(p) ?? virtual.get(p) ?? disk.readFile(p) };
  const cases = [...files, join(dir, 'multi.incp')];
  let compared = 0;
  let built = 0;
  const cache = createBuildCache();
  for (const [i, path] of cases.entries()) {
    const next = random(100 + i);
    const original = virtual.get(path) ?? readFileSync(path, 'utf8');
    texts.clear();
    texts.set(path, original);
    // The file it imports that an edit may change instead (an open document the analysis reads).
    const imported = path.endsWith('multi.incp') ? join(dir, 'multi-lib.incp') : undefined;
    for (let k = 0; k < 16; k++) {
      const target = imported && next() < 0.3 ? imported : path;
      texts.set(target, change(texts.get(target) ?? host.readFile(target)!, next));
      const text = texts.get(path)!;
      const kept = analyse(host, path, text, new Map(), cache);
      const fresh = analyse(host, path, text, new Map());
      expect(outcome(kept)).toStrictEqual(outcome(fresh));
      compared++;
      if (fresh.built.networks.length > 0) built++;
      // Back to the file as written now and then, so that edits start from files that compile.
      if (fresh.built.diagnostics.some((d) => d.severity === 'error') && next() < 0.5) {
        texts.clear();
        texts.set(path, original);
      }
    }
  }
  // Not vacuous: most edits left networks to build, many builds were kept, many of those moved.
  expect(built).toBeGreaterThan(compared / 3);
  expect(cache.stats.hits).toBeGreaterThan(100);
  expect(cache.stats.moved).toBeGreaterThan(50);
  expect(cache.stats.misses).toBeGreaterThan(100);
  expect(cache.stats.unkept).toBe(0);
  expect(cache.stats.resolutionsKept).toBeGreaterThan(1000);
  expect(cache.stats.resolutionsMade).toBeGreaterThan(100);
});

test('an edit in a comment builds nothing again; one in a default, the networks that read it', () => {
  const disk = nodeServiceHost();
  const dir = join(repoRoot, 'examples');
  const host: LanguageServiceHost = {
    ...disk,
    readFile: (p) => (p.endsWith('multi-lib.incp') ? LIB : disk.readFile(p)),
  };
  const path = join(dir, 'multi.incp');
  const cache = createBuildCache();
  const since = (text: string) => {
    const before = { ...cache.stats };
    const a = analyse(host, path, text, new Map(), cache);
    expect(a.built.networks.map((n) => [n.network, n.graph !== undefined])).toEqual([
      ['First', true],
      ['Second', true],
      ['Third', true],
    ]);
    const s = cache.stats;
    return [s.misses - before.misses, s.hits - before.hits, s.resolutionsMade - before.resolutionsMade];
  };
  // First: 3 networks built, 6 top-level items of the file resolved and the files it imports (also resolved).
  expect(since(MULTI)[0]).toBe(3);
  const comment = MULTI.replace('// A block two networks share.', '// A block two networks share!');
  expect(since(comment)).toEqual([0, 3, 0]);
  // Mixed's default: First and Second use it, Third does not; Mixed alone is resolved again.
  expect(since(comment.replace('c: int = 64', 'c: int = 65'))).toEqual([2, 1, 1]);
  // Reduce's parameter renamed: Second's `Reduce(c=128)`, unchanged, now names no parameter.
  const renamed = comment.replace('block Reduce(c: int = 96)', 'block Reduce(cc: int = 96)');
  const kept = analyse(host, path, renamed, new Map(), cache).built.diagnostics;
  expect(kept).toStrictEqual(analyse(host, path, renamed, new Map()).built.diagnostics);
  expect(kept.map((d) => d.code)).toContain('unknown-parameter');
});
