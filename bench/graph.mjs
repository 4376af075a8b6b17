#!/usr/bin/env node
/**
 * `incc graph` benchmark: Inception-v3 collapsed to blocks, drawn as SVG, as a whole process
 * (`node dist/bin/incc.js graph stdlib/inception_v3.incp --depth 1 --format svg`: start-up, parsing,
 * elaboration, loading elkjs, layout and the SVG). Build first (`npm run build`); `npm run bench:graph`.
 *
 * Budget: 2 s a run (issue 9). Also timed, for comparison: the same network fully opened (--depth all, 125
 * boxes and 15 concats, laid out twice to widen the concats) and the html report (the diagram, the 11 blocks
 * each laid out on its own, lint, the table). Each prints milliseconds per run, wall clock and CPU time
 * (user + system, reported by the child: on a busy machine the wall clock waits for a core, the CPU time
 * much less so), fastest run and median, and checks that every run printed the same bytes.
 *
 * Usage: node bench/graph.mjs [--runs N] [--check]
 *   --runs N   timed runs of each (default 5, after one untimed warm-up run of each)
 *   --check    exit 1 when the collapsed SVG's fastest run is over the budget
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childCpuMs, childCpuReporter } from './child-cpu.mjs';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const budgetMs = 2000;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const runs = option('--runs', 5);
const check = args.includes('--check');

// The package's `bin` (the bundle); tsc's output when the bundle has not been built.
const bundle = join(root, 'dist', 'bin', 'incc.js');
const cli = existsSync(bundle) ? bundle : join(root, 'dist', 'cli', 'incc.js');
if (!existsSync(cli)) {
  console.error('bench/graph: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

const cases = [
  {
    name: 'collapsed svg',
    args: ['graph', 'stdlib/inception_v3.incp', '--depth', '1', '--format', 'svg'],
    budget: true,
  },
  { name: 'opened svg', args: ['graph', 'stdlib/inception_v3.incp', '--depth', 'all', '--format', 'svg'] },
  { name: 'html report', args: ['graph', 'stdlib/inception_v3.incp', '--format', 'html'] },
];

function once(c) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', childCpuReporter, cli, ...c.args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    console.error(`bench/graph: incc ${c.args.join(' ')} exited ${r.status}\n${r.stderr}`);
    process.exit(2);
  }
  return { ms, cpu: childCpuMs(r.stderr), out: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `incc graph stdlib/inception_v3.incp: ${runs} runs each after a warm-up, interleaved (node ` +
    `${process.version}, ${cli.slice(root.length + 1)})`,
);
console.log('  ms per run: wall clock, fastest (median); CPU time, fastest (median); output size');
const first = cases.map((c) => once(c).out);
const samples = cases.map(() => ({ wall: [], cpu: [] }));
for (let i = 0; i < runs; i++) {
  cases.forEach((c, k) => {
    const { ms, cpu, out } = once(c);
    if (out !== first[k]) {
      console.error(`bench/graph: ${c.name} printed different bytes on run ${i + 1}`);
      process.exit(2);
    }
    samples[k].wall.push(ms);
    samples[k].cpu.push(cpu);
  });
}
let over = false;
cases.forEach((c, k) => {
  const { wall, cpu } = samples[k];
  const fastest = Math.min(...wall);
  console.log(
    `  ${c.name.padEnd(14)} wall ${fastest.toFixed(0).padStart(5)} (${median(wall).toFixed(0)})  cpu ${Math.min(...cpu)
      .toFixed(0)
      .padStart(5)} (${median(cpu).toFixed(0)})  ${(first[k].length / 1024).toFixed(0)} KiB   incc ${c.args.join(' ')}`,
  );
  if (c.budget) {
    over = fastest > budgetMs;
    console.log(
      `  budget ${budgetMs} ms for ${c.name}: ${over ? 'OVER' : 'within'} (fastest run ${fastest.toFixed(0)} ms wall)`,
    );
  }
});
if (check && over) process.exit(1);
