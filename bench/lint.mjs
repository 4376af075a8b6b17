#!/usr/bin/env node
/**
 * `incc lint` benchmark: lint all of stdlib/ and examples/ in one whole process, as CI runs it
 * (`node dist/bin/incc.js lint stdlib examples`: start-up, module loading, parser construction, parsing,
 * elaboration, rewriting and every rule). Build first (`npm run build`); `npm run bench:lint`.
 *
 * Budget: 0.5 s a run (issue 5). Timed, interleaved run by run so that both see the same machine load:
 *   - bundle:   dist/bin/incc.js, the package's `bin` (scripts/bundle.mjs: the parser stack inlined, grammar checks
 * off);
 *   - unbundled: dist/cli/incc.js, tsc's output loaded module by module, grammar checks on (the CLI as it
 *     was before the bundle: the "before" of the ratio).
 * Each prints milliseconds per run, wall clock and CPU time (user + system, reported by the child), the
 * fastest run (the least disturbed by other processes) and the median, then the ratio unbundled / bundle.
 * Both must print the same report (checked on every run).
 *
 * Measured (2-core development machine shared with other test runs, load average ~14-16, Node 20.20;
 * 32 files, 38 findings; `node bench/lint.mjs --runs 10`): bundle 506 ms CPU (fastest run), unbundled
 * 948 ms CPU, ratio 1.87 (1.48 on medians). The wall clock there was 2-3 s for both, waiting for a core; an
 * empty `node` took 77 ms CPU on the same machine against ~30 ms on an idle one. Where the time goes in
 * the bundle (--cpu-prof): about 60% parsing (Chevrotain's parser construction ~15%, then lexing, parsing
 * and the CST -> AST visitor, all cold code), 25% elaboration and rewriting, 10% the rules.
 *
 * Usage: node bench/lint.mjs [--runs N] [--check] [-- PATHS...]
 *   --runs N   timed runs of each (default 10, after one untimed warm-up run of each)
 *   --check    exit 1 when the bundle's fastest run is over the budget
 *   PATHS      what to lint instead of `stdlib examples`
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleaved, option, spread, timeProcess } from './whole-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const budgetMs = 500;

const runs = Number(option('--runs', 10));
const check = process.argv.includes('--check');
const dashes = process.argv.indexOf('--', 2);
const paths = dashes >= 0 ? process.argv.slice(dashes + 1) : ['stdlib', 'examples'];

const variants = [
  { name: 'bundle', cli: join(root, 'dist', 'bin', 'incc.js') },
  { name: 'unbundled', cli: join(root, 'dist', 'cli', 'incc.js') },
];
for (const v of variants) {
  if (!existsSync(v.cli)) {
    console.error(`bench/lint: ${v.cli} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
}

/** One whole process; exit 0 or 1 (findings) is a lint run. */
const lintOnce = (v) => timeProcess('lint', [v.cli, 'lint', ...paths, '--format', 'json'], { cwd: root, ok: [0, 1] });

const timed = interleaved('lint', variants, runs, lintOnce);
if (timed[0].out !== timed[1].out) {
  console.error('bench/lint: the bundle and the unbundled CLI print different reports');
  process.exit(2);
}
const results = JSON.parse(timed[0].out);
const findings = results.reduce((n, r) => n + r.messages.length, 0);
const stats = timed.map((t) => ({ wall: spread(t.wall), cpu: spread(t.cpu) }));
const [bundle, unbundled] = stats;
console.log(
  `incc lint ${paths.join(' ')}: ${results.length} files, ${findings} findings; ${runs} runs each, ` +
    `interleaved (node ${process.version})`,
);
console.log('  ms per run: wall clock, fastest (median); CPU time, fastest (median)');
variants.forEach((v, k) => {
  const { wall, cpu } = stats[k];
  console.log(
    `  ${v.name.padEnd(10)} wall ${wall.min.toFixed(0).padStart(5)} (${wall.median.toFixed(0)})  cpu ` +
      `${cpu.min.toFixed(0).padStart(5)} (${cpu.median.toFixed(0)})   node ${v.cli.slice(root.length + 1)} ` +
      `lint ${paths.join(' ')}`,
  );
});
console.log(
  `  ratio unbundled / bundle: wall ${(unbundled.wall.min / bundle.wall.min).toFixed(2)} (medians ` +
    `${(unbundled.wall.median / bundle.wall.median).toFixed(2)}), cpu ` +
    `${(unbundled.cpu.min / bundle.cpu.min).toFixed(2)} (medians ` +
    `${(unbundled.cpu.median / bundle.cpu.median).toFixed(2)})`,
);
const over = bundle.wall.min > budgetMs;
console.log(
  `  budget ${budgetMs} ms: ${over ? 'OVER' : 'within'} (bundle, fastest run ${bundle.wall.min.toFixed(0)} ms wall)`,
);
if (check && over) process.exit(1);
