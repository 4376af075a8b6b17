#!/usr/bin/env node
/**
 * `prepare` (npm runs it after `npm install` / `npm ci` in a clone, and before `npm pack`): builds dist/.
 * In a clone installed without the dev dependencies (`npm ci --omit=dev`) there is no TypeScript to build
 * with: say so and succeed, rather than failing the install with `tsc: not found`. The published package
 * ships dist/ and never runs this.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  require.resolve('typescript/package.json');
} catch {
  console.log(
    'incc prepare: TypeScript is not installed (npm ci --omit=dev?), so dist/ is not built; ' +
      'run `npm ci` (with the dev dependencies) to build the CLI from a clone.',
  );
  process.exit(0);
}
const npm = process.env.npm_execpath; // npm's own script, when npm runs this
const r = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
