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
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleaved, option, spread, timeProcess } from './whole-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const budgetMs = 2000;
const runs = Number(option('--runs', 5));
const check = process.argv.includes('--check');

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

console.log(
  `incc graph stdlib/inception_v3.incp: ${runs} runs each after a warm-up, interleaved (node ` +
    `${process.version}, ${cli.slice(root.length + 1)})`,
);
console.log('  ms per run: wall clock, fastest (median); CPU time, fastest (median); output size');
const timed = interleaved('graph', cases, runs, (c) => timeProcess('graph', [cli, ...c.args], { cwd: root }));
let over = false;
cases.forEach((c, k) => {
  const [wall, cpu] = [spread(timed[k].wall), spread(timed[k].cpu)];
  console.log(
    `  ${c.name.padEnd(14)} wall ${wall.min.toFixed(0).padStart(5)} (${wall.median.toFixed(0)})  cpu ` +
      `${cpu.min.toFixed(0).padStart(5)} (${cpu.median.toFixed(0)})  ` +
      `${(timed[k].out.length / 1024).toFixed(0)} KiB   incc ${c.args.join(' ')}`,
  );
  if (c.budget) {
    over = wall.min > budgetMs;
    console.log(
      `  budget ${budgetMs} ms for ${c.name}: ${over ? 'OVER' : 'within'} (fastest run ${wall.min.toFixed(0)} ms wall)`,
    );
  }
});
if (check && over) process.exit(1);
