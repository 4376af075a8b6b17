#!/usr/bin/env node
/**
 * `incc check` benchmark (plain JS over dist/: build first with `npx tsc -p tsconfig.json`; `npm run bench`).
 *
 * Generates a realistic 5,000-line .incp file into a temporary directory: 300 Inception-like blocks
 * (concat branches, factorized kernels, pooling branches, parameters with defaults and arithmetic) and
 * 8 networks that instantiate them (labels, range-labelled repeats, `if`/`else`, body-level defaults,
 * grid reductions, aux heads, training sections). Then times:
 *
 *   - `node dist/cli/incc.js check FILE` as a whole process, N runs (start-up included, as a user sees it);
 *   - `checkFiles([FILE])` in-process, N runs after one warm-up (and the first, cold run on its own): with
 *     the file changed before each run (a trailing comment), so the loader's parse cache misses, and
 *     unchanged (the cache hits: resolution, elaboration and rules only);
 *   - parsing alone (`parseSource`), in-process, for comparison.
 *
 * For each: milliseconds per run (median and fastest) and source lines per second.
 *
 * Usage: node bench/check.mjs [--runs N] [--lines L] [--keep]
 *   --runs N    runs of each measurement (default 5)
 *   --lines L   about how many lines to generate (default 5000)
 *   --keep      keep the generated file and print its path
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli', 'incc.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}
const runs = option('--runs', 5);
const targetLines = option('--lines', 5000);
const keep = process.argv.includes('--keep');

const { checkFiles } = await import(join(dist, 'compiler', 'program', 'check.js'));
const { parseSource } = await import(join(dist, 'compiler', 'syntax', 'parse.js'));
const { tokenize } = await import(join(dist, 'grammar', 'lexer.js'));
const { program } = await import('./program.mjs');

// ---- timing -------------------------------------------------------------------------------------------

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

const dir = mkdtempSync(join(tmpdir(), 'incc-bench-'));
const file = join(dir, 'bench.incp');
try {
  const text = program(targetLines);
  writeFileSync(file, text);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const tokens = tokenize(text).tokens.length;
  console.log(`Generated ${file}: ${lines} lines, ${text.length} bytes, ${tokens} tokens`);

  // Whole process, as a user runs it.
  const processMs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8' });
    processMs.push(performance.now() - t0);
    if (r.status !== 0) {
      console.error(`incc check exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
      process.exit(1);
    }
  }

  // In-process: the first (cold) run, then `runs` warm ones.
  const t0 = performance.now();
  const first = checkFiles([file]);
  const coldMs = performance.now() - t0;
  if (first.diagnostics.length > 0) {
    console.error(
      `checkFiles reported ${first.diagnostics.length} diagnostics, first: ${first.diagnostics[0].code}: ${first.diagnostics[0].message}`,
    );
    process.exit(1);
  }
  const warmMs = [];
  for (let i = 0; i < runs; i++) {
    writeFileSync(file, `${text}// run ${i}\n`);
    const t = performance.now();
    checkFiles([file]);
    warmMs.push(performance.now() - t);
  }
  const cachedMs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    checkFiles([file]);
    cachedMs.push(performance.now() - t);
  }
  const parseMs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    parseSource(text, 'bench.incp');
    parseMs.push(performance.now() - t);
  }

  const show = (label, samples) => {
    const s = stats(samples);
    console.log(
      `${label.padEnd(36)} ${s.median.toFixed(1).padStart(8)} ms/run (fastest ${s.min.toFixed(1)} ms)   ` +
        `${Math.round((lines * 1000) / s.median)
          .toLocaleString('en-US')
          .padStart(9)} lines/s`,
    );
  };
  console.log(`\n${runs} runs each (median, fastest):`);
  show('incc check, whole process', processMs);
  show('checkFiles in-process, warm', warmMs);
  show('checkFiles in-process, parse cached', cachedMs);
  show('checkFiles in-process, first run', [coldMs]);
  show('parseSource only, warm', parseMs);
} finally {
  if (keep) console.log(`\n(kept ${file})`);
  else rmSync(dir, { recursive: true, force: true });
}
