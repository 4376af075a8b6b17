/**
 * The package's `bin` is the bundled CLI (scripts/bundle.mjs; bench/lint.mjs says why): one file with the
 * parser stack inside, built by `npm run build`, that behaves exactly as tsc's output does.
 */
import { isBuiltin } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundledCliPath, repoRoot, unbundledCliPath, plainEnv } from './helpers/cli.js';

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

  test('starts with no package to load: chevrotain is inside, and what imports packages is a lazy chunk', () => {
    const text = readFileSync(bundledCliPath, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // What a run loads before any command's lazy import: the entry and the chunks it imports statically.
    const loaded = new Set<string>();
    const packages: string[] = [];
    const visit = (file: string): void => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const code = readFileSync(file, 'utf8');
      // Static imports are hoisted: they are the statements a module starts with (after the shebang and the
      // bundle's `require` banner). Scanning only those keeps text in strings ("incc weights import ...") out.
      const statement = /\s*(?:import\s*(?:[\w$*{][^;]*?from\s*)?["']([^"']+)["']|const require\s*=[^;]*);/y;
      statement.lastIndex = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0;
      for (let m = statement.exec(code); m !== null; m = statement.exec(code)) {
        if (m[1] === undefined) continue;
        const spec = m[1];
        if (spec.startsWith('./') || spec.startsWith('../')) visit(join(dirname(file), spec));
        else if (!isBuiltin(spec)) packages.push(spec); // Node's own modules, with or without `node:`
      }
    };
    visit(bundledCliPath);
    expect(packages).toEqual([]);
    // A few small shared chunks: esbuild splits out what the lazy parts (incc lsp's server, weights import and
    // the other commands' lazy imports) share with the start-up code; each costs one small file read.
    expect(loaded.size).toBeLessThan(20);
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
