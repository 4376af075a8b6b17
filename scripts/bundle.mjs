#!/usr/bin/env node
/**
 * Bundles the CLI into dist/bin/incc.js (the package's `bin`), from tsc's output in dist/: one file for
 * what every command loads, and a chunk (dist/bin/chunks/) for each lazily imported part.
 * Run by `npm run build` after `tsc -p tsconfig.json`.
 *
 * Why: unbundled, a run of `incc` spent most of its start-up loading modules (chevrotain and lodash-es
 * are hundreds of small ESM files, each resolved, read and linked on its own) and Chevrotain's checks of
 * the grammar. One file loads in a fraction of that, and NODE_ENV is defined as "production" so that
 * grammar/self-checks.ts turns the grammar checks off (the tests keep them on). bench/lint.mjs measures it.
 *
 * Only what every command loads at start-up is inlined: the parser stack (chevrotain and the packages it
 * depends on, found from their package.json files) and the file expansion of lint and fmt (tinyglobby,
 * ignore). Every other package stays an import
 * from node_modules, as in the unbundled build: backends' optional extras, native addons and large
 * packages a single command loads keep working as they did, and the bundle stays small.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The folder of package `name` as Node would find it from `from` (node_modules folders upward). */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`bundle: cannot find the package ${name} from ${from}`);
  }
}

/** `name` and the packages it depends on, transitively. */
function closure(name, from = root, out = new Set()) {
  if (out.has(name)) return out;
  out.add(name);
  const dir = packageDir(name, from);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) closure(dep, dir, out);
  return out;
}
const inlined = ['chevrotain', 'tinyglobby', 'ignore'].reduce((set, name) => closure(name, root, set), new Set());

const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
/** Bare imports of packages outside the parser stack stay imports (node: built-ins too). */
const keepPackagesOutside = {
  name: 'keep-packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      inlined.has(packageName(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

const outDir = join(root, 'dist', 'bin');

const requireBanner =
  "import { createRequire as __inccCreateRequire } from 'node:module'; const require = " +
  '__inccCreateRequire(import.meta.url);';
/**
 * A file without the banner where nothing in it reads `require` (a property named so, `module.require`, aside):
 * making a `require` costs each file that loads a fraction of a millisecond, and a command loads a dozen files.
 */
function withoutUnusedRequire(code) {
  const at = code.indexOf(requireBanner);
  if (at < 0) return code;
  const rest = code.slice(0, at) + code.slice(at + requireBanner.length);
  return /(?<![.\w$])require(?![\w$])/.test(rest) ? code : rest.replace(/^(#![^\n]*\n)?\n/, '$1');
}

const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: { incc: 'dist/cli/incc.js' },
  outdir: 'dist/bin',
  // A command's lazily imported parts (`await import(...)`: compile targets, training, the formatter) become
  // chunks of their own, loaded when that command runs, as before: they cost nothing to a lint run.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [keepPackagesOutside],
  define: { 'process.env.NODE_ENV': '"production"' },
  // A CommonJS package inside the ESM bundle calls `require`: give it Node's (in the files that use it, below).
  banner: { js: requireBanner },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
  write: false,
});

// Written so that a CLI started from the previous build keeps working while this one is written (test runs
// and builds share a checkout): each file replaced in one step (written beside, then renamed), the chunks
// before the entry that imports them, and an earlier build's chunks (other names: the hash of their
// content) left for an hour, for a process that imports one lazily, then removed.
const entry = join(outDir, 'incc.js');
mkdirSync(join(outDir, 'chunks'), { recursive: true });
for (const file of [...outputFiles].sort((a, b) => (a.path === entry) - (b.path === entry))) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, withoutUnusedRequire(file.text), { mode: file.path === entry ? 0o755 : 0o644 });
  renameSync(tmp, file.path);
}
const written = new Set(outputFiles.map((f) => f.path));
for (const name of readdirSync(join(outDir, 'chunks'))) {
  const path = join(outDir, 'chunks', name);
  if (!written.has(path) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
}
