/**
 * For the benchmarks that time whole processes: a module to preload into the child (`node --import
 * childCpuReporter ...`) that writes the child's own CPU time (user + system, ms) to stderr on exit, and the
 * function that reads it back. On a busy machine the wall clock waits for a core, the CPU time much less so.
 */
export const childCpuReporter = `data:text/javascript,${encodeURIComponent(
  "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); " +
    'writeSync(2, `\\n@@cpu ${(u.user + u.system) / 1000}\\n`); });',
)}`;

/** The CPU milliseconds a child reported on its stderr (NaN when it did not). */
export function childCpuMs(stderr) {
  return Number(/@@cpu ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
}
