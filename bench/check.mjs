#!/usr/bin/env node
/**
 * `incc check` benchmark (plain JS over dist/: build first with `npm run build`; `npm run bench`).
 *
 * Generates a realistic 5,000-line .incp file into a temporary directory: 300 Inception-like blocks
 * (concat branches, factorized kernels, pooling branches, parameters with defaults and arithmetic) and
 * 8 networks that instantiate them (labels, range-labelled repeats, `if`/`else`, body-level defaults,
 * grid reductions, aux heads, training sections). Then times:
 *
 *   - whole processes, as a user runs them (the package's `bin`, dist/bin/incc.js), interleaved round by
 *     round so that all see the same machine load: an empty `node` (the start-up every command pays),
 *     `incc check FILE` on the 5,000-line file (issue 20: under 0.4 s), and `incc check` and `incc lint` of
 *     stdlib/inception_v3.incp (issue 20: check + lint under 250 ms; `lint` runs the front end of `check` and
 *     then the rules, so its figure is the one that counts, and the start-up share is said beside it);
 *     each as wall clock and CPU time (user + system, reported by the child: on a shared machine the wall
 *     clock waits for a core, the CPU time much less so), medians and fastest; after one untimed round that
 *     makes the launcher's V8 code caches (cli/launcher.ts), as a user's first run does; and the 5,000-line
 *     check and the lint once more without the code cache (INCC_COMPILE_CACHE=off), to show what it saves;
 *   - `checkFiles([FILE])` in-process, N runs after one warm-up (and the first, cold run on its own): with
 *     the file changed before each run (a trailing comment), so the loader's parse cache misses, and
 *     unchanged (the cache hits: resolution, elaboration and rules only);
 *   - parsing alone (`parseSource`), in-process, for comparison.
 *
 * The load average is printed before and after: compare figures taken at similar loads only.
 *
 * Usage: node bench/check.mjs [--runs N] [--lines L] [--keep]
 *   --runs N    runs of each measurement (default 5)
 *   --lines L   about how many lines to generate (default 5000)
 *   --keep      keep the generated file and print its path
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option, spread, timeProcess } from './whole-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'bin', 'incc.js');
const inceptionV3 = join(root, 'stdlib', 'inception_v3.incp');

const runs = Number(option('--runs', 5));
const targetLines = Number(option('--lines', 5000));
const keep = process.argv.includes('--keep');

const { checkFiles } = await import(join(dist, 'compiler', 'program', 'check.js'));
const { parseSource } = await import(join(dist, 'compiler', 'syntax', 'parse.js'));
const { tokenize } = await import(join(dist, 'grammar', 'lexer.js'));
const { program } = await import('./program.mjs');

// ---- timing -------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'incc-bench-'));
const file = join(dir, 'bench.incp');
try {
  const text = program(targetLines);
  writeFileSync(file, text);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const tokens = tokenize(text).tokens.length;
  console.log(`Generated ${file}: ${lines} lines, ${text.length} bytes, ${tokens} tokens`);

  // Whole processes, as a user runs them, interleaved.
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const processes = [
    { label: 'node, empty (start-up)', args: ['-e', '0'], lines: 0 },
    { label: 'incc check, 5,000 lines', args: [cli, 'check', file], lines },
    { label: 'incc check inception_v3', args: [cli, 'check', inceptionV3], lines: 0 },
    { label: 'incc lint inception_v3', args: [cli, 'lint', inceptionV3], lines: 0, ok: [0, 1] }, // 1: findings
    // The same two runs without the launcher's V8 code cache (cli/launcher.ts): what the cache saves.
    { label: '  5,000 lines, no code cache', args: [cli, 'check', file], lines, env: { INCC_COMPILE_CACHE: 'off' } },
    {
      label: '  lint, no code cache',
      args: [cli, 'lint', inceptionV3],
      lines: 0,
      ok: [0, 1],
      env: { INCC_COMPILE_CACHE: 'off' },
    },
  ].map((p) => ({ ...p, wall: [], cpu: [] }));
  const run = (p) => timeProcess('check', p.args, { ok: p.ok, env: p.env });
  // One untimed round first: it makes the code caches, as a user's first run of each command does.
  for (const p of processes) run(p);
  for (let i = 0; i < runs; i++) {
    for (const p of processes) {
      const { wall, cpu } = run(p);
      p.wall.push(wall);
      p.cpu.push(cpu);
    }
  }
  const loadAfter = load();

  // In-process: the first (cold) run, then `runs` warm ones.
  const t0 = performance.now();
  const first = checkFiles([file]);
  const coldMs = performance.now() - t0;
  if (first.diagnostics.length > 0) {
    console.error(
      `checkFiles reported ${first.diagnostics.length} diagnostics, first: ${first.diagnostics[0].code}: ` +
        `${first.diagnostics[0].message}`,
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
    const s = spread(samples);
    console.log(
      `${label.padEnd(36)} ${s.median.toFixed(1).padStart(8)} ms/run (fastest ${s.min.toFixed(1)} ms)   ` +
        `${Math.round((lines * 1000) / s.median)
          .toLocaleString('en-US')
          .padStart(9)} lines/s`,
    );
  };
  console.log(`\nWhole processes (node ${process.version}, ${cpus().length} cores), ${runs} runs each, interleaved;`);
  console.log(`load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after. Milliseconds per run:`);
  console.log(
    `${''.padEnd(28)} ${'wall median'.padStart(12)} ${'fastest'.padStart(8)} ${'cpu median'.padStart(11)} ` +
      `${'fastest'.padStart(8)}`,
  );
  for (const p of processes) {
    const [w, c] = [spread(p.wall), spread(p.cpu)];
    const f = (x) => x.toFixed(0).padStart(8);
    console.log(
      `${p.label.padEnd(28)} ${f(w.median).padStart(12)} ${f(w.min)} ${f(c.median).padStart(11)} ${f(c.min)}`,
    );
  }
  const [empty, , , lint] = processes.map((p) => spread(p.cpu).median);
  console.log(
    `(node start-up: ${((100 * empty) / lint).toFixed(0)}% of the lint run's CPU time, medians; ` +
      'targets, issue 20: check of 5,000 lines < 400 ms, lint of inception_v3 < 250 ms, on a quiet machine)',
  );
  console.log(`\nIn-process, ${runs} runs each (median, fastest):`);
  show('checkFiles in-process, warm', warmMs);
  show('checkFiles in-process, parse cached', cachedMs);
  show('checkFiles in-process, first run', [coldMs]);
  show('parseSource only, warm', parseMs);
} finally {
  if (keep) console.log(`\n(kept ${file})`);
  else rmSync(dir, { recursive: true, force: true });
}
