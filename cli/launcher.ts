#!/usr/bin/env node
/**
 * The `incc` command as installed (dist/bin/incc.js, the package's `bin`; scripts/bundle.mjs builds it from this
 * file): runs the CLI's one CommonJS bundle (dist/bin/incc-HASH.cjs) through V8 with a code cache, so that a run
 * does not parse and compile again the functions the last run of the same command compiled.
 *
 * Node 20 has no compile cache for modules (Node 22's `module.enableCompileCache` is not there), so the bundle is
 * compiled as a vm.Script with `cachedData`. A cache is made at the end of a run that had none (or whose cache V8
 * rejected: another Node, other flags, another bundle) and written into the cache folder in one step (beside, then
 * renamed), one file per command, since each command runs other functions. V8 checks a cache's version, flags and
 * source length and, with `--verify-snapshot-checksum` (set here, for every run, before the bundle is compiled), its
 * checksum: a damaged file is rejected and replaced, never run (without the checksum, V8 aborted the process on one).
 *
 * The cache folder: `INCC_COMPILE_CACHE` (a folder; `off` turns the cache off), else `incc-compile-cache-UID` in the
 * system's temporary folder, made private (mode 700). A folder that another user owns or can write is not used: a
 * cache is code. scripts/bundle.mjs writes this file as CommonJS (dist/bin/ has a package.json that says so): Node
 * starts a CommonJS entry sooner than an ES module (about 15 ms here).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import * as vm from 'node:vm';

/** The bundle's file name in dist/bin/, set by scripts/bundle.mjs (the hash of its content is in it). */
declare const INCC_BUNDLE: string;
/** The commands' names (cli/usage/), set by scripts/bundle.mjs: a cache each, one more for anything else. */
declare const INCC_COMMANDS: readonly string[];

const here = dirname(fileURLToPath(import.meta.url));

/** The folder for the code caches, or undefined when there is to be none. */
function cacheFolder(): string | undefined {
  const chosen = process.env['INCC_COMPILE_CACHE'];
  if (chosen === 'off') return undefined;
  const uid = process.getuid?.();
  const dir = chosen || join(tmpdir(), `incc-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = statSync(dir);
    // Another user's folder, or one others can write into: its files could be anyone's code.
    if (!s.isDirectory() || (uid !== undefined && (s.uid !== uid || (s.mode & 0o022) !== 0))) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The file's bytes, or undefined if it cannot be read. */
function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function runBundle(): void {
  const bundle = join(here, INCC_BUNDLE);
  const command = INCC_COMMANDS.find((name) => name === process.argv[2]) ?? 'other';
  const folder = cacheFolder();
  const cacheFile = folder && join(folder, `${INCC_BUNDLE}-node${process.version}-${process.arch}-${command}.v8-cache`);
  const cachedData = cacheFile ? readIfThere(cacheFile) : undefined;
  // Before the compile, and for the whole run: a cache made under other flags is rejected.
  setFlagsFromString('--verify-snapshot-checksum');
  // CommonJS's module wrapper, and `__inccImport`: the bundle's way to `import()` (backends/common/import-module.ts).
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __inccImport) {${readFileSync(bundle, 'utf8')}\n})`,
    { filename: bundle, cachedData },
  );
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    createRequire(bundle),
    module,
    bundle,
    here,
    (specifier: string) => import(specifier),
  );
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    // Registered after the bundle's own exit handlers, which set back the V8 flags a command changed (cli/incc.ts):
    // the cache must be made under the flags the next run compiles with.
    process.once('exit', () => {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, cacheFile);
      } catch {
        rmSync(temporary, { force: true });
        // A cache is only ever a saving: a full disk or a read-only folder costs the next run its compile.
      }
    });
  }
}

// tsc's output of this file (dist/cli/launcher.js, which no one needs to run) starts tsc's modules.
if (typeof INCC_BUNDLE === 'string') runBundle();
else void import(new URL('../cli/incc.js', import.meta.url).href);
