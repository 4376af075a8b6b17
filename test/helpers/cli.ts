/** Running the built CLI (the package's bin, dist/bin/incc.js) as a user would, from the repository root. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** tsc's output, module by module. */
export const unbundledCliPath = join(repoRoot, 'dist', 'cli', 'incc.js');
/** The bundle (scripts/bundle.mjs), what `incc` runs once installed. */
export const bundledCliPath = join(repoRoot, 'dist', 'bin', 'incc.js');
/**
 * The CLI the tests run: the bundle, which `npm test` builds (`npm run build`) before Jest starts. After a
 * bare `tsc` the bundle is missing or older than tsc's output; then the tests run tsc's output instead
 * (the same code) rather than a stale bundle.
 */
export const cliPath =
  existsSync(bundledCliPath) &&
  (!existsSync(unbundledCliPath) || statSync(bundledCliPath).mtimeMs >= statSync(unbundledCliPath).mtimeMs)
    ? bundledCliPath
    : unbundledCliPath;

/** A resolve hook (a module as a data: URL) that writes `LOADED <url>` to stderr for every module resolved. */
const LOAD_RECORDER = `data:text/javascript,${encodeURIComponent(
  'export async function resolve(specifier, context, next) { const r = await next(specifier, context); ' +
    "process.stderr.write('LOADED ' + r.url + '\\n'); return r; }",
)}`;
/**
 * What `node --import` takes to register LOAD_RECORDER (node:module's register) and to record, as URLs too, the
 * CommonJS modules `require` loads (the bundle's packages: the resolve hook sees only ES modules).
 */
const REGISTER_LOAD_RECORDER = `data:text/javascript,${encodeURIComponent(
  [
    `import Module, { register } from 'node:module';`,
    `import { isAbsolute } from 'node:path';`,
    `import { pathToFileURL } from 'node:url';`,
    `register(${JSON.stringify(LOAD_RECORDER)});`,
    'const load = Module._load;',
    'Module._load = function (request, parent, isMain) {',
    '  const exports = load.apply(this, arguments);',
    '  const path = Module._resolveFilename(request, parent, isMain);',
    "  process.stderr.write('LOADED ' + (isAbsolute(path) ? pathToFileURL(path).href : path) + '\\n');",
    '  return exports;',
    '};',
  ].join('\n'),
)}`;

/**
 * `node CLI ARGS` in `cwd` with a loader hook that records every module URL it resolves or requires: the exit
 * status, stdout and those URLs (what a command loads; `node:` built-ins as their names).
 */
export function runRecordingLoads(
  cli: string,
  args: readonly string[],
  cwd: string,
): { status: number | null; stdout: string; loaded: string[] } {
  const r = spawnSync(process.execPath, ['--no-warnings', '--import', REGISTER_LOAD_RECORDER, cli, ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, loaded: [...r.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]!) };
}

/** `incc ARGS...` with `cwd` (the repository root by default); NO_COLOR so output is plain. */
/**
 * Runs the CLI with `args` in `cwd`, colour off (NO_COLOR; FORCE_COLOR, which Jest may set, and a CI's
 * GITHUB_STEP_SUMMARY are removed), and `env` laid over that.
 */
export function incc(args: string[], cwd = repoRoot, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env: { ...plainEnv(), ...env } });
}

/** The test process's environment with colour off and no CI job summary, for running the CLI. */
export function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['FORCE_COLOR'];
  delete env['GITHUB_STEP_SUMMARY'];
  return env;
}

/** Every `.incp` file under `dir`, as paths relative to the repository root with `/`, sorted. */
export function incpFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.incp')) out.push(relative(repoRoot, path).split('\\').join('/'));
    }
  };
  walk(join(repoRoot, dir));
  return out.sort();
}
