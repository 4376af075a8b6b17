/**
 * The light path: parsing, checking, elaborating and summarizing never load tfjs or onnxruntime (they
 * are heavy and optional; only backends that run or export a model may use them, lazily).
 *
 * 1. No source under compiler/ or grammar/ imports them (static, dynamic or require).
 * 2. Following the static imports from the CLI entry point and the library's elaboration modules
 *    reaches no file that imports them statically.
 * 3. A fresh process running `incc check` and `incc summary` on stdlib/inception_v3.incp (dist/, built
 *    by `npm test`) resolves no module under @tensorflow/ or onnxruntime*, as a loader hook records.
 * 4. `incc compile` imports each target only when it is chosen: its --help and its usage errors load
 *    neither, and `--target tfjs` loads tfjs but no ONNX package.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRecordingLoads } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HEAVY = /^(@tensorflow\/|onnxruntime)/;

function sourcesUnder(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) return sourcesUnder(relative(root, p));
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier in a source: static imports and re-exports, dynamic import(), require(). */
function specifiers(text: string): { spec: string; kind: 'static' | 'dynamic' }[] {
  const out: { spec: string; kind: 'static' | 'dynamic' }[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (!m[1]) out.push({ spec: m[2]!, kind: 'static' });
  }
  for (const m of code.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g))
    out.push({ spec: m[1]!, kind: 'dynamic' });
  return out;
}

/**
 * A fresh `incc ARGS` (dist/, built by `npm test`) with a loader hook (node:module register) that records every
 * resolved URL.
 */
function runWithHook(args: string[]): { status: number | null; stdout: string; loaded: string[] } {
  const cli = join(root, 'dist', 'cli', 'incc.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm test does)`);
  return runRecordingLoads(cli, args, root);
}

const heavyLoaded = (loaded: string[]) =>
  loaded.filter((u) => /node_modules\/(@tensorflow|onnxruntime|onnx-proto)/.test(u));

describe('the light path loads neither tfjs nor onnxruntime', () => {
  test('the specifier scanner finds the forms it looks for', () => {
    const sample = [
      "import * as tf from '@tensorflow/tfjs-node';",
      "import type { Tensor } from '@tensorflow/tfjs';",
      "export { x } from './x.js';",
      "const ort = await import('onnxruntime-node');",
      'const y = require("onnxruntime-web");',
      "// import '@tensorflow/tfjs' in a comment",
    ].join('\n');
    expect(specifiers(sample)).toEqual([
      { spec: '@tensorflow/tfjs-node', kind: 'static' },
      { spec: './x.js', kind: 'static' },
      { spec: 'onnxruntime-node', kind: 'dynamic' },
      { spec: 'onnxruntime-web', kind: 'dynamic' },
    ]);
  });

  test('no source under compiler/ or grammar/ imports them', () => {
    const files = [...sourcesUnder('compiler'), ...sourcesUnder('grammar')];
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.flatMap((f) =>
      specifiers(readFileSync(f, 'utf8'))
        .filter((s) => HEAVY.test(s.spec))
        .map((s) => `${relative(root, f)}: ${s.spec}`),
    );
    expect(offenders).toEqual([]);
  });

  test('the static import graph of the CLI and of elaboration reaches no file that imports them statically', () => {
    // (cli/incc.ts imports each command's module only when it runs: the light commands are entries of their own.)
    const entries = [
      'cli/incc.ts',
      'cli/commands/check.ts',
      'cli/commands/summary.ts',
      'cli/commands/lint.ts',
      'compiler/ir/elaborate.ts',
      'compiler/print/summary.ts',
      'compiler/program/check.ts',
    ].map((f) => join(root, f));
    const seen = new Set<string>();
    const offenders: string[] = [];
    const queue = entries.filter((f) => existsSync(f));
    expect(queue.length).toBe(entries.length);
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const s of specifiers(readFileSync(file, 'utf8'))) {
        if (s.kind !== 'static') continue;
        if (HEAVY.test(s.spec)) offenders.push(`${relative(root, file)}: ${s.spec}`);
        if (!s.spec.startsWith('.')) continue;
        const target = resolve(dirname(file), s.spec).replace(/\.js$/, '.ts');
        if (existsSync(target)) queue.push(target);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  test.each([['check'], ['summary']])(
    'a fresh `incc %s stdlib/inception_v3.incp` resolves no such module',
    (command) => {
      const { status, loaded } = runWithHook([command, 'stdlib/inception_v3.incp']);
      expect(status).toBe(0);
      // The hook works: the compiler's own modules and chevrotain show up.
      expect(loaded.some((u) => u.endsWith('/dist/compiler/ir/elaborate.js'))).toBe(true);
      expect(loaded.some((u) => u.includes('/node_modules/chevrotain/'))).toBe(true);
      expect(loaded.filter((u) => /node_modules\/(@tensorflow|onnxruntime)/.test(u))).toEqual([]);
      // Each command's module is imported when it runs: this one, and no other command's.
      expect(loaded.filter((u) => u.includes('/dist/cli/commands/'))).toEqual([
        expect.stringMatching(new RegExp(`/dist/cli/commands/${command}\\.js$`)),
      ]);
    },
  );

  test('`incc compile` imports its targets only on use: no static import of a backend or a heavy package', () => {
    const file = join(root, 'cli', 'commands', 'compile.ts');
    const found = specifiers(readFileSync(file, 'utf8'));
    expect(found.filter((s) => s.kind === 'static' && (HEAVY.test(s.spec) || s.spec.includes('/backends/')))).toEqual(
      [],
    );
    expect(found.filter((s) => s.kind === 'dynamic').map((s) => s.spec)).toEqual(
      expect.arrayContaining(['../../backends/tfjs/target.js']),
    );
  });

  test('a fresh `incc compile --help` and a compile that stops at a usage error resolve no such module', () => {
    const help = runWithHook(['compile', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--target tfjs');
    expect(help.loaded.some((u) => u.endsWith('/dist/cli/usage/compile.js'))).toBe(true);
    expect(heavyLoaded(help.loaded)).toEqual([]);
    const usage = runWithHook(['compile', 'stdlib/inception_v3.incp', '--target', 'tfjs']);
    expect(usage.status).toBe(2);
    expect(heavyLoaded(usage.loaded)).toEqual([]);
  });

  test('a fresh `incc compile --target tfjs` loads tfjs, and no ONNX package', () => {
    const out = mkdtempSync(join(tmpdir(), 'incc-light-'));
    try {
      const r = runWithHook(['compile', 'examples/tiny_inception.incp', '--target', 'tfjs', '--out', join(out, 'm')]);
      expect(r.status).toBe(0);
      expect(r.loaded.some((u) => u.includes('/node_modules/@tensorflow/tfjs/'))).toBe(true);
      expect(r.loaded.filter((u) => /node_modules\/(onnxruntime|onnx-proto)/.test(u))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
