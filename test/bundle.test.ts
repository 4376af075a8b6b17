/**
 * The package's `bin` is the bundled CLI (scripts/bundle.mjs; bench/lint.mjs says why): a launcher that runs one
 * CommonJS file with the parser stack inside, with V8's code cache (cli/launcher.ts), built by `npm run build`,
 * that behaves exactly as tsc's output does.
 */
import { isBuiltin } from 'node:module';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundledCliPath, repoRoot, unbundledCliPath, plainEnv, runRecordingLoads } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

const run = (cli: string, args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: plainEnv() });

describe('the bundled CLI', () => {
  test('is the package bin, built by npm run build (run it before these tests: npm test does)', () => {
    expect(pkg.bin['incc']).toBe('dist/bin/incc.js');
    expect(pkg.scripts['build']).toContain('scripts/bundle.mjs');
    expect(existsSync(bundledCliPath)).toBe(true);
  });

  test('starts with no package to load: chevrotain is inside the bundle; what requires packages runs lazily', () => {
    expect(readFileSync(bundledCliPath, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const { status, loaded } = runRecordingLoads(bundledCliPath, ['check', 'stdlib/inception_v3.incp'], repoRoot);
    expect(status).toBe(0);
    // The launcher is the one module file; it reads the bundle and runs it. Everything else is Node's own.
    // (The main module is seen twice: resolved as a URL, then loaded by `require`'s loader, as CommonJS.)
    expect([...new Set(loaded.filter((u) => !isBuiltin(u)))]).toEqual([pathToFileURL(bundledCliPath).href]);
    expect(loaded.length).toBeGreaterThan(5); // the hook saw the built-ins the bundle requires
  });

  test("has one import(), backends/common/import-module.ts's own: all else the launcher's or bundled", () => {
    // Run as a vm.Script, the bundle's own import() would need vm's experimental dynamic-import support.
    const name = /incc-[0-9a-f]+\.cjs/.exec(readFileSync(bundledCliPath, 'utf8'))![0];
    const text = readFileSync(join(dirname(bundledCliPath), name), 'utf8');
    expect(text.match(/(?<![\w$.])import\(/g)).toEqual(['import(']);
    expect(text).toMatch(/typeof __inccImport=="function"\?__inccImport\(\w+\):import\(\w+\)/);
  });

  test('prints the version', () => {
    const r = run(bundledCliPath, ['--version']);
    expect([r.status, r.stdout.trim()]).toEqual([0, pkg.version]);
  });

  test('lints stdlib/ and examples/ exactly as the unbundled CLI does (with the grammar checks off)', () => {
    const args = ['lint', 'stdlib', 'examples', '--format', 'json'];
    const bundled = run(bundledCliPath, args);
    const unbundled = run(unbundledCliPath, args);
    expect(bundled.stderr).toBe(unbundled.stderr);
    expect(bundled.status).toBe(unbundled.status);
    expect(bundled.stdout).toBe(unbundled.stdout);
    expect(JSON.parse(bundled.stdout).length).toBeGreaterThan(10);
  });

  test('reports syntax errors exactly as the unbundled CLI does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incc-bundle-'));
    try {
      const file = join(dir, 'bad.incp');
      writeFileSync(
        file,
        'network N {\n  input 8x8x3\n  conv 3x3 (8\n  conv(3x3, = 2)\n  concat { a: conv 1x1 8 b: }\n  repeat 3 {\n}\n',
      );
      const bundled = run(bundledCliPath, ['check', file]);
      const unbundled = run(unbundledCliPath, ['check', file]);
      expect(bundled.stderr).toMatch(/error/);
      expect([bundled.status, bundled.stderr]).toEqual([unbundled.status, unbundled.stderr]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The launcher (cli/launcher.ts) runs the bundle with a V8 code cache per command, in INCC_COMPILE_CACHE (a
 * folder of each test's own here). A cache file left as it was by a run is one V8 accepted: the launcher writes
 * one only when there was none or V8 rejected it.
 */
describe('the code cache', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'incc-code-cache-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const runCached = (args: string[], cache = folder) =>
    spawnSync(process.execPath, [bundledCliPath, ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...plainEnv(), INCC_COMPILE_CACHE: cache },
    });
  const result = (r: ReturnType<typeof runCached>) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr });
  /** The cache file of `command` (one a command), with what identifies its version on disk. */
  const cacheOf = (command: string) => {
    const names = readdirSync(folder).filter((n) => n.endsWith(`-${command}.v8-cache`));
    expect(names).toHaveLength(1);
    const path = join(folder, names[0]!);
    const s = statSync(path);
    return { path, version: `${s.ino}:${s.mtimeMs}:${s.size}`, bytes: readFileSync(path) };
  };
  // check turns TurboFan off and fixes the young generation's size (cli/incc.ts), lint does the second, summary
  // neither: a cache made before those flags were set back would be rejected by the next run and rewritten.
  const commands = [
    ['check', 'stdlib/inception_v3.incp'],
    ['lint', 'examples/lint', '--format', 'json'],
    ['summary', 'stdlib/inception_v3.incp'],
  ];

  test.each(commands)(
    'incc %s: made by the first run, used unchanged by the next, same output',
    (...args) => {
      const uncached = result(runCached(args, 'off'));
      expect(readdirSync(folder)).toEqual([]);
      expect(result(runCached(args))).toEqual(uncached);
      const made = cacheOf(args[0]!);
      expect(made.bytes.length).toBeGreaterThan(100_000);
      expect(result(runCached(args))).toEqual(uncached);
      expect(cacheOf(args[0]!).version).toBe(made.version);
      expect(readdirSync(folder)).toHaveLength(1); // no temporary file left
    },
    60_000,
  );

  test('a damaged cache is rejected and replaced, never run', () => {
    const args = ['check', 'stdlib/inception_v3.incp'];
    const expected = result(runCached(args));
    const good = cacheOf('check');
    const flipped = (at: number) => {
      const b = Buffer.from(good.bytes);
      for (let i = at; i < at + 64; i++) b[i] = b[i]! ^ 0x5a;
      return b;
    };
    const damaged = [
      flipped(1_000), // V8 aborted the process on these without --verify-snapshot-checksum
      flipped(100_000),
      flipped(good.bytes.length - 5_000),
      good.bytes.subarray(0, 100), // truncated
      Buffer.alloc(0),
      Buffer.from('not a cache at all'),
    ];
    for (const bytes of damaged) {
      writeFileSync(good.path, bytes);
      expect(result(runCached(args))).toEqual(expected);
      const replaced = cacheOf('check');
      expect(replaced.bytes.equals(bytes)).toBe(false);
      // The replacement is a good cache: the next run keeps it.
      expect(result(runCached(args))).toEqual(expected);
      expect(cacheOf('check').version).toBe(replaced.version);
    }
  }, 120_000);

  test('a folder that others can write into is not used, and INCC_COMPILE_CACHE=off uses none', () => {
    const args = ['check', 'stdlib/inception_v3.incp'];
    chmodSync(folder, 0o777);
    expect(runCached(args).status).toBe(0);
    expect(readdirSync(folder)).toEqual([]);
    chmodSync(folder, 0o700);
    expect(runCached(args).status).toBe(0);
    expect(readdirSync(folder)).toHaveLength(1);
  }, 60_000);

  test('an unwritable cache folder costs nothing but the cache', () => {
    const args = ['check', 'stdlib/inception_v3.incp'];
    const notAFolder = join(folder, 'file');
    writeFileSync(notAFolder, '');
    expect(result(runCached(args, notAFolder))).toEqual(result(runCached(args, 'off')));
    expect(readFileSync(notAFolder, 'utf8')).toBe('');
  }, 60_000);
});
