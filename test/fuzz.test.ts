/**
 * Fuzzing the front end and the checker in-process: 20,000 inputs, random and mutated from the .incp
 * files of examples/ and stdlib/ (found at test time; a built-in corpus when there are none), whole files
 * with comments at random token boundaries, and networks near the limits (long chains, wide concats, deep
 * nesting, huge repeats and channel counts), each run
 * through `checkFiles` (load with imports, resolve names, elaborate every network: what `incc check`
 * does). Every input must end with diagnostics or success, within a second, without an exception; every
 * diagnostic's line and column must agree with its offset, and must print.
 *
 * Deterministic: input i comes from the seed FUZZ_SEED + i. To replay one input, run
 * `FUZZ_ONLY=i npx jest test/fuzz.test.ts`, with FUZZ_DUMP=DIR to write it to DIR/fuzz-i.incp (FUZZ_COUNT
 * changes how many are run; the default is 20,000).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkFiles } from '../compiler/program/check.js';
import { formatDiagnostic } from '../compiler/print/code-frame.js';
import type { Diagnostic } from '../compiler/diagnostics/diagnostics.js';
import { type FileHost } from '../compiler/program/program.js';
import { nodeFileHost } from '../compiler/program/node-host.js';
import { repoRoot } from './helpers/cli.js';
import { random } from './helpers/random-edit.js';

const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20_240_601);
const FUZZ_COUNT = Number(process.env['FUZZ_COUNT'] ?? 20_000);
const FUZZ_ONLY = process.env['FUZZ_ONLY'] === undefined ? undefined : Number(process.env['FUZZ_ONLY']);
/** Each input must be checked within this many milliseconds. */
const MAX_MS = 1000;

// ---- a seeded PRNG (random: mulberry32, from test/helpers/random-edit.ts) ----------------------------

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

// ---- the corpus -----------------------------------------------------------------------------------

interface Seed {
  /** Where the mutated text pretends to live: beside the original, so its relative imports resolve. */
  dir: string;
  text: string;
}

function incpFilesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return incpFilesUnder(path);
    return name.endsWith('.incp') ? [path] : [];
  });
}

/** Small programs that reach corners the example files may not: rules, aux heads, training, if chains. */
const builtIn: string[] = [
  `defaults conv(bias=false, bn=true, bn_scale=false, act=relu)
block InceptionA(pool_filters: int = 32) {
  concat {
    branch1x1: conv 1x1 64
    branch5x5: conv 1x1 48 -> conv 5x5 64
    branch_pool: avgpool 3x3/1 -> conv 1x1 pool_filters
  }
}
network Net(classes: int = 10) {
  input 35x35x192
  conv 3x3/2 32 valid
  mixed0..mixed2: repeat p in [32, 64, 64] { InceptionA(p) }
  gap
  dense classes act=softmax
}
`,
  `network Small(size: size = 32x32x3, deep: bool = false, n: int = 3) {
  input size
  conv 3x3 16 act=relu
  if deep { repeat n { conv 3x3 16 act=relu } } else if n > 2 { maxpool 2x2/2 } else { avgpool 2x2/2 }
  stage: repeat i in 1..2 { conv 1x1 (8 * i) -> batchnorm -> relu }
  aux from stage1 weight 0.3 { gap -> dense 10 act=softmax }
  flatten
  dropout 0.5
  dense 10 act=softmax
  train { optimizer = rmsprop(lr=0.045, decay=0.9); epochs = 100; label_smoothing = 0.1 }
}
`,
  `rule split5(mid: int = filters) {
  match c: conv 5x5
  when c.filters >= 16 and grid in 8..32
  replace conv 3x3 mid -> conv 3x3 filters /stride
}
network R {
  input 17x17x64
  conv 5x5 32
  b: conv 3x3 32
  apply split5(mid=24) to conv1
}
`,
  `import { Figure5 } from "std/modules"
network M(c: int = 64, s: string = "max") {
  input 35x35x288
  Figure5(pool_proj=c)
  if s == "max" { maxpool 3x3/2 valid } else { avgpool 3x3/2 valid }
  conv (3)x1 c -> conv 1x(3) c padding=same
  gap; dense 1000 act=softmax
}
`,
];

function corpus(): Seed[] {
  const files = ['examples', 'stdlib'].flatMap((d) => incpFilesUnder(join(repoRoot, d))).sort();
  const seeds = files.map((f) => ({ dir: dirname(f), text: readFileSync(f, 'utf8') }));
  return [...seeds, ...builtIn.map((text) => ({ dir: join(repoRoot, 'examples'), text }))];
}

// ---- mutations ------------------------------------------------------------------------------------

/** Splits text into token-ish pieces whose concatenation is the text. */
function pieces(text: string): string[] {
  return (
    text.match(
      /\s+|\/\/[^\n]*|\/\*|\*\/|"[^"\n]*"?|[A-Za-z_]\w*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|->|\.\.|==|!=|<=|>=|[\s\S]/g,
    ) ?? []
  );
}

const insertable = [
  'import',
  'from',
  'block',
  'network',
  'rule',
  'defaults',
  'concat',
  'repeat',
  'in',
  'if',
  'else',
  'aux',
  'weight',
  'apply',
  'to',
  'train',
  'match',
  'when',
  'replace',
  'true',
  'false',
  'and',
  'or',
  'not',
  'conv',
  'maxpool',
  'avgpool',
  'gap',
  'dense',
  'dropout',
  'batchnorm',
  'relu',
  'softmax',
  'flatten',
  'input',
  'same',
  'valid',
  'linear',
  'sigmoid',
  'Figure5',
  'Figure6',
  'Figure7',
  'Figure10',
  'AuxHead',
  'InceptionA',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  ';',
  '=',
  '->',
  '..',
  '.',
  '/',
  'x',
  '+',
  '-',
  '*',
  '%',
  '==',
  '<',
  '>=',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '0',
  '1',
  '3',
  '7',
  '3x3',
  '1x7',
  '299x299x3',
  '0.5',
  '1e-3',
  '"std/modules"',
  '"x"',
  '""',
  'c.filters',
  'n.h',
  'mixed0..mixed2:',
  'a:',
  'else if true {',
  'repeat 3 {',
  'concat {',
  '/*',
  '*/',
  '//',
  '"',
];

const hugeNumbers = [
  '0',
  '00',
  '-1',
  '99999',
  '100000',
  '100001',
  '9007199254740991',
  '9007199254740993',
  '1152921504606846976',
  '1e308',
  '1e400',
  '0.0',
  '1e-400',
];

function randomUnicode(rng: Rng): string {
  switch (int(rng, 6)) {
    case 0:
      return String.fromCharCode(0x80 + int(rng, 0x780));
    case 1:
      return String.fromCharCode(0x800 + int(rng, 0xf800)); // lone surrogate halves included
    case 2:
      return String.fromCodePoint(0x10000 + int(rng, 0x100000));
    case 3:
      return pick(rng, ['\u2028', '\u2029', '\ufeff', '\u00a0', '\u200b', '\u202e', '\u0000', 'é', 'ß', '×', '😀']);
    default:
      return String.fromCharCode(int(rng, 0x80));
  }
}

function mutate(rng: Rng, text: string): string {
  const p = pieces(text);
  const at = (): number => int(rng, p.length + 1);
  const span = (): [number, number] => {
    const start = int(rng, p.length + 1);
    return [start, Math.min(p.length, start + 1 + int(rng, rng() < 0.8 ? 4 : 40))];
  };
  switch (int(rng, 10)) {
    case 0: {
      const [s, e] = span();
      p.splice(s, e - s);
      break;
    }
    case 1:
      p.splice(at(), 0, rng() < 0.7 ? pick(rng, insertable) : (p[int(rng, p.length)] ?? ''));
      break;
    case 2: {
      const [s, e] = span();
      p.splice(at(), 0, ...p.slice(s, e));
      break;
    }
    case 3: {
      const [s1, e1] = span();
      const [s2, e2] = span();
      if (e1 <= s2) {
        const a = p.slice(s1, e1);
        const b = p.slice(s2, e2);
        p.splice(s2, e2 - s2, ...a);
        p.splice(s1, e1 - s1, ...b);
      }
      break;
    }
    case 4: {
      const n = 1 + int(rng, 8);
      p.splice(at(), 0, Array.from({ length: n }, () => String.fromCharCode(int(rng, 256))).join(''));
      break;
    }
    case 5: {
      const n = 1 + int(rng, 4);
      p.splice(at(), 0, Array.from({ length: n }, () => randomUnicode(rng)).join(''));
      break;
    }
    case 6:
      return p.join('').slice(0, int(rng, text.length + 1));
    case 7: {
      const numbers = p.map((s, i) => (/^\d/.test(s) ? i : -1)).filter((i) => i >= 0);
      if (numbers.length === 0) break;
      const i = pick(rng, numbers);
      p[i] = rng() < 0.5 ? pick(rng, hugeNumbers) : p[i]!.repeat(2 + int(rng, 30));
      break;
    }
    case 8: {
      // Replace a word with another word of the program (a name where a kind was, a kind where a name was).
      const words = p.map((s, i) => (/^[A-Za-z_]/.test(s) ? i : -1)).filter((i) => i >= 0);
      if (words.length === 0) break;
      p[pick(rng, words)] = p[pick(rng, words)]!;
      break;
    }
    default: {
      // Repeat a piece of text many times (deep or long constructs): a short piece up to 200 times.
      const [s, e] = span();
      p.splice(
        at(),
        0,
        p
          .slice(s, e)
          .join('')
          .repeat(2 + int(rng, e - s <= 4 ? 200 : 20)),
      );
      break;
    }
  }
  return p.join('');
}

/** Token soup: random pieces of the language with no structure. */
function soup(rng: Rng): string {
  const n = int(rng, 60);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, insertable) + (rng() < 0.6 ? ' ' : '');
  return s;
}

function window(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const start = int(rng, lines.length);
  const header = lines.filter((l) => /^(import|defaults)\b/.test(l));
  return [...header, ...lines.slice(start, start + 1 + int(rng, 20))].join('\n');
}

/** Comments where people do not put them: a line or a block comment at up to three random token boundaries. */
function withComments(rng: Rng, text: string): string {
  const parts = pieces(text);
  for (let k = 1 + int(rng, 3); k > 0; k--) {
    const at = int(rng, parts.length + 1);
    parts.splice(at, 0, rng() < 0.5 ? ' // a comment\n' : ' /* a comment */ ');
  }
  return parts.join('');
}

/**
 * A network near the sizes the limits are about: long chains, wide concats, deep nesting, repeat counts and
 * channel counts over their limits. Networks at the 50,000-node limit itself take longer than an input may
 * here (about a second of CPU each): test/scale.test.ts runs those through every command.
 */
function sized(rng: Rng): string {
  const layer = () => pick(rng, ['conv 1x1 4', 'conv 3x3 2', 'avgpool 3x3', 'batchnorm', 'conv 1x3 2 -> conv 3x1 2']);
  const shape = pick(rng, ['chain', 'wide', 'deep', 'repeat', 'channels']);
  const body: string[] = [];
  if (shape === 'chain') for (let n = int(rng, 400); n > 0; n--) body.push(layer());
  if (shape === 'wide') body.push(`concat {\n${Array.from({ length: 1 + int(rng, 120) }, layer).join('\n')}\n}`);
  if (shape === 'deep') {
    const d = int(rng, 80);
    body.push(`${'concat { '.repeat(d)}${layer()}${' }'.repeat(d)}`);
  }
  if (shape === 'repeat') body.push(`repeat ${pick(rng, [0, 1, 1000, 100_001, 2 ** 40])} { ${layer()} }`);
  if (shape === 'channels') body.push(`conv 3x3 ${pick(rng, [1, 1 << 20, 1 << 30, 2 ** 52])}`);
  return (
    `network Big {\n  input ${pick(rng, [8, 17, 299])}x${pick(rng, [8, 35])}x3\n  ${body.join('\n  ')}\n  ` + `gap\n}\n`
  );
}

function input(seeds: Seed[], i: number): Seed {
  const rng = random(FUZZ_SEED + i);
  const kind = rng();
  if (kind < 0.05) return { dir: join(repoRoot, 'examples'), text: soup(rng) };
  if (kind >= 0.3 && kind < 0.36) {
    const seed = pick(rng, seeds);
    return { dir: seed.dir, text: withComments(rng, seed.text) };
  }
  if (kind >= 0.36 && kind < 0.38) return { dir: join(repoRoot, 'examples'), text: sized(rng) };
  if (kind < 0.08) {
    const n = int(rng, 400);
    return {
      dir: join(repoRoot, 'examples'),
      text: Array.from({ length: n }, () =>
        rng() < 0.5 ? randomUnicode(rng) : String.fromCharCode(int(rng, 256)),
      ).join(''),
    };
  }
  const seed = pick(rng, seeds);
  // A whole file (which can elaborate), or a window of a few lines of it (cheaper to check, so there
  // can be more of them; the file's imports and top-level defaults are kept so its names resolve).
  let text = kind < 0.3 ? seed.text : window(rng, seed.text);
  const rounds = 1 + int(rng, rng() < 0.7 ? 2 : 6);
  for (let r = 0; r < rounds; r++) text = mutate(rng, text);
  return { dir: seed.dir, text };
}

// ---- checking one input -----------------------------------------------------------------------------

/** The 1-based line and column of an offset, with the line breaks of the language (`\n`, `\r\n`, `\r`). */
function lineColumn(text: string, offset: number): [number, number] {
  const lineBreak = /\r\n|\r|\n/g;
  let line = 1;
  let start = 0;
  for (let m = lineBreak.exec(text); m !== null && m.index + m[0].length <= offset; m = lineBreak.exec(text)) {
    line++;
    start = m.index + m[0].length;
  }
  return [line, offset - start + 1];
}

/** What is wrong with a diagnostic's spans, if anything. */
function spanProblems(d: Diagnostic, sourceOf: (file: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const span of [d.span, ...(d.related ?? []).map((r) => r.span)]) {
    if (!span) continue;
    const text = sourceOf(span.file);
    if (text === undefined) continue;
    if (!(
      span.startOffset >= 0 &&
      span.startOffset <= text.length &&
      span.endOffset >= span.startOffset &&
      span.endOffset <= text.length + 1
    )) {
      problems.push(`${d.code}: offsets ${span.startOffset}..${span.endOffset} outside a text of ${text.length}`);
      continue;
    }
    const [line, column] = lineColumn(text, span.startOffset);
    if (line !== span.startLine || column !== span.startColumn) {
      problems.push(
        `${d.code}: reported at ${span.startLine}:${span.startColumn} but offset ${span.startOffset} is ` +
          `${line}:${column}`,
      );
    }
  }
  return problems;
}

interface Outcome {
  ms: number;
  diagnostics: number;
  error?: string;
}

function checkOne(seed: Seed, i: number): Outcome {
  const path = resolve(seed.dir, `__fuzz_${i}__.incp`);
  const host: FileHost = { readFile: (p) => (p === path ? seed.text : nodeFileHost.readFile(p)) };
  const started = performance.now();
  try {
    const result = checkFiles([path], host);
    const ms = performance.now() - started;
    const problems = result.diagnostics.flatMap((d) => spanProblems(d, result.sourceOf));
    for (const d of result.diagnostics) formatDiagnostic(d, result.sourceOf);
    if (result.unreadable.length > 0) problems.push('the input was reported unreadable');
    return problems.length > 0
      ? { ms, diagnostics: result.diagnostics.length, error: problems.join('; ') }
      : { ms, diagnostics: result.diagnostics.length };
  } catch (e) {
    return {
      ms: performance.now() - started,
      diagnostics: 0,
      error: e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e),
    };
  }
}

// ---- the test -------------------------------------------------------------------------------------

describe('fuzzing the front end and checker', () => {
  const seeds = corpus();

  test('the corpus is the example and stdlib files (plus the built-in snippets)', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(builtIn.length);
    // Every unmutated seed checks cleanly: mutations start from valid programs.
    for (const s of seeds)
      expect([s.text.slice(0, 60), checkOne(s, -1)]).toMatchObject([s.text.slice(0, 60), { diagnostics: 0 }]);
  });

  // Batches of BATCH inputs, each a test of its own (each well within Jest's timeout); totals at the end.
  const BATCH = 2000;
  const indices = FUZZ_ONLY === undefined ? Array.from({ length: FUZZ_COUNT }, (_, i) => i) : [FUZZ_ONLY];
  const batches = Array.from({ length: Math.ceil(indices.length / BATCH) }, (_, b) =>
    indices.slice(b * BATCH, (b + 1) * BATCH),
  );
  const totals = { inputs: 0, ms: 0, maxMs: 0, slowest: -1, clean: 0 };

  test.each(batches.map((batch) => [batch[0]!, batch[batch.length - 1]!, batch] as const))(
    `inputs %i..%i: diagnostics or success, each within ${MAX_MS} ms, no exception`,
    (_first, _last, batch) => {
      const failures: string[] = [];
      const slow: string[] = [];
      for (const i of batch) {
        const seed = input(seeds, i);
        if (process.env['FUZZ_DUMP']) writeFileSync(join(process.env['FUZZ_DUMP'], `fuzz-${i}.incp`), seed.text);
        const outcome = checkOne(seed, i);
        totals.inputs++;
        totals.ms += outcome.ms;
        if (outcome.ms > totals.maxMs) {
          totals.maxMs = outcome.ms;
          totals.slowest = i;
        }
        if (outcome.diagnostics === 0 && !outcome.error) totals.clean++;
        if (outcome.error)
          failures.push(
            `input ${i} (FUZZ_ONLY=${i}): ${outcome.error}\n--- input (first 400 characters) ` +
              `---\n${JSON.stringify(seed.text.slice(0, 400))}`,
          );
        if (outcome.ms >= MAX_MS) slow.push(`input ${i} (FUZZ_ONLY=${i}) took ${outcome.ms.toFixed(0)} ms`);
      }
      expect(failures.slice(0, 5)).toEqual([]);
      expect(slow.slice(0, 5)).toEqual([]);
    },
  );

  afterAll(() => {
    // For the record: how long the checks took, the slowest input, how many checked clean.
    process.stdout.write(
      `fuzz: ${totals.inputs} inputs checked in ${(totals.ms / 1000).toFixed(1)} s ` +
        `(${(totals.ms / Math.max(1, totals.inputs)).toFixed(2)} ms each); ` +
        `slowest ${totals.maxMs.toFixed(0)} ms (input ${totals.slowest}); ${totals.clean} checked clean\n`,
    );
  });
});
