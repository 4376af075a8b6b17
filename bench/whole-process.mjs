/**
 * What the benchmarks that time whole processes share (check, graph, lint, scale): their options, one timed
 * `node` process, and the fastest and median of runs. A process reports its own CPU time (user + system) on
 * exit, through a module preloaded into it: on a busy machine the wall clock waits for a core, the CPU time
 * much less so.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Preloaded into the child (`node --import childCpuReporter ...`): writes its CPU time (ms) to stderr on exit. */
const childCpuReporter = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); " +
    'writeSync(2, `\\n@@cpu ${(u.user + u.system) / 1000}\\n`); });',
)}`;

/** The value after `name` on the benchmark's command line (`--runs 5`), else `fallback`. */
export function option(name, fallback) {
  const i = process.argv.indexOf(name, 2);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/**
 * `node ARGS`, timed: wall-clock and CPU milliseconds and what it printed. An exit status other than those in
 * `ok` ends the benchmark (`bench`: its name for the message) with status 2 and the child's stderr. `env` is laid
 * over this process's environment (with NO_COLOR).
 */
export function timeProcess(bench, args, { ok = [0], env = {}, ...spawnOptions } = {}) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', childCpuReporter, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1', ...env },
    ...spawnOptions,
  });
  const wall = performance.now() - t0;
  if (!ok.includes(r.status)) {
    console.error(`bench/${bench}: node ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(0, 2000)}`);
    process.exit(2);
  }
  return { wall, cpu: Number(/@@cpu ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN), out: r.stdout };
}

/** The fastest and the median of some runs' milliseconds. */
export function spread(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

/**
 * Times each of `cases` `runs` times, round by round so that all see the same machine load, after one untimed
 * warm-up run of each; every run must print what its warm-up printed. `time(c)` runs a case (timeProcess).
 * Per case: what it printed, and its wall-clock and CPU milliseconds.
 */
export function interleaved(bench, cases, runs, time) {
  const timed = cases.map((c) => ({ out: time(c).out, wall: [], cpu: [] }));
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, k) => {
      const { wall, cpu, out } = time(c);
      if (out !== timed[k].out) {
        console.error(`bench/${bench}: ${c.name} printed different bytes on run ${i + 1}`);
        process.exit(2);
      }
      timed[k].wall.push(wall);
      timed[k].cpu.push(cpu);
    });
  }
  return timed;
}
