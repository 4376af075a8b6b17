#!/usr/bin/env node
/**
 * How each stage scales (issue 15): every command on a chain and on a wide module of 5,000 and of 50,000
 * nodes (the node limit), as whole processes, and the ratio of the time per node at 50,000 to that at 5,000
 * (1.0: linear; the target is within 2x). The networks are test/scale.test.ts's (one-channel convolutions;
 * a rule `same` that matches every one). Times are CPU time (user + system, reported by the child: on a
 * busy machine the wall clock waits for a core) minus that of `incc --version` (Node's start-up), so the
 * ratio is about the work per node. Build first (`npm run build`); `npm run bench:scale`.
 *
 * Usage: node bench/scale.mjs [--small N] [--large N] [--only chain|wide]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option, timeProcess } from './whole-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'bin', 'incc.js');
if (!existsSync(cli)) {
  console.error('bench/scale: dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const small = Number(option('--small', 5000));
const large = Number(option('--large', 50000));
const only = option('--only', undefined);

// The generators of test/helpers/scale.ts (kept in step by hand: this script runs without TypeScript).
const rule = 'rule same {\n  match conv 1x1\n  replace conv 1x1 filters\n}\n\n';
const networks = {
  chain: (nodes) => `${rule}network Chain {\n  input 4x4x1\n  repeat ${nodes - 1} { conv 1x1 1 }\n}\n`,
  wide: (nodes) =>
    `${rule}network Wide {\n  input 2x2x1\n  concat ` +
    `{\n${'    repeat 3 { conv 1x1 1 }\n'.repeat(Math.floor((nodes - 2) / 3))}  }\n}\n`,
};

const stages = [
  ['check', (f) => ['check', f]],
  ['summary', (f) => ['summary', f]],
  ['lint', (f) => ['lint', f]],
  ['fmt --check', (f) => ['fmt', f, '--check']],
  ['rewrite (every layer)', (f) => ['rewrite', f, '--explain', '--rules', 'same']],
  ['graph svg', (f) => ['graph', f, '--format', 'svg', '--out', `${f}.svg`]],
  ['graph dot', (f) => ['graph', f, '--format', 'dot', '--out', `${f}.dot`]],
  ['graph mermaid', (f) => ['graph', f, '--format', 'mermaid', '--out', `${f}.mmd`]],
  ['graph html', (f) => ['graph', f, '--format', 'html', '--out', `${f}.html`]],
  ['compile tfjs', (f) => ['compile', f, '--target', 'tfjs', '--out', `${f}.tfjs`]],
  ['compile onnx', (f) => ['compile', f, '--target', 'onnx', '--out', `${f}.onnx`]],
];

const dir = mkdtempSync(join(tmpdir(), 'incc-bench-scale-'));
/** The widths of the table's columns after the stage's. */
const COLUMN_WIDTHS = [12, 12, 10, 10, 8];

const cpuMs = (argv) => timeProcess('scale', [cli, ...argv], { cwd: dir }).cpu;

try {
  const startup = Math.min(cpuMs(['--version']), cpuMs(['--version']));
  console.log(
    `CPU ms per command minus start-up (${startup.toFixed(0)} ms); per node in µs; ratio = per-node time at ` +
      `${large} / at ${small}`,
  );
  for (const [kind, make] of Object.entries(networks)) {
    if (only && kind !== only) continue;
    const files = {};
    for (const n of [small, large]) {
      files[n] = `${kind}${n}.incp`;
      writeFileSync(join(dir, files[n]), make(n));
    }
    console.log(`\n${kind}`);
    /** A row of the table: the stage, then right-aligned columns. */
    const row = (stage, ...columns) => stage.padEnd(24) + columns.map((c, i) => c.padStart(COLUMN_WIDTHS[i])).join('');
    console.log(row('stage', `${small} ms`, `${large} ms`, 'µs/node', 'µs/node', 'ratio'));
    for (const [name, argv] of stages) {
      const a = Math.max(1, cpuMs(argv(files[small])) - startup);
      const b = Math.max(1, cpuMs(argv(files[large])) - startup);
      const pa = (a * 1000) / small;
      const pb = (b * 1000) / large;
      console.log(row(name, a.toFixed(0), b.toFixed(0), pa.toFixed(1), pb.toFixed(1), (pb / pa).toFixed(2)));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
