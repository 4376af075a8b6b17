#!/usr/bin/env node
/**
 * Bundles the CLI, from tsc's output in dist/, into one CommonJS file, dist/bin/incc-HASH.cjs, and writes the
 * package's `bin`, dist/bin/incc.js: the launcher (cli/launcher.ts) that runs that file with V8's code cache.
 * Run by `npm run build` after `tsc -p tsconfig.json`.
 *
 * Why: unbundled, a run of `incc` spent most of its start-up loading modules (chevrotain and lodash-es
 * are hundreds of small ESM files, each resolved, read and linked on its own) and Chevrotain's checks of
 * the grammar. One file loads in a fraction of that, and NODE_ENV is defined as "production" so that
 * grammar/self-checks.ts turns the grammar checks off (the tests keep them on). bench/lint.mjs measures it.
 *
 * Only what every command loads at start-up is inlined: the parser stack (chevrotain and the packages it
 * depends on, found from their package.json files) and the file expansion of lint and fmt (tinyglobby,
 * ignore). Every other package stays an import from node_modules (a `require`, or an `import()` where the
 * source has one), as in the unbundled build: backends' optional extras, native addons and large packages a
 * single command loads keep working as they did, and the bundle stays small.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { build, transform } from 'esbuild';

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
/** A banner defining `name` as the file URL of the CommonJS file it heads (as esbuild's define of import.meta.url). */
const moduleUrlBanner = (name) => `var ${name} = require('node:url').pathToFileURL(__filename).href;`;

const { outputFiles } = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/incc.js'],
  outfile: 'dist/bin/incc.cjs',
  bundle: true,
  platform: 'node',
  // One CommonJS file, run by the launcher as a vm.Script with V8's code cache (cli/launcher.ts). A command's
  // lazily imported parts (`await import(...)`) stay lazy: esbuild runs a module's top level when first imported.
  format: 'cjs',
  target: 'node20',
  plugins: [keepPackagesOutside],
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__inccModuleUrl' },
  banner: { js: moduleUrlBanner('__inccModuleUrl') },
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'eof',
  logLevel: 'warning',
  write: false,
});
// Without the entry's `#!` line: the launcher compiles the file as a function's body.
const bundleText = outputFiles[0].text.replace(/^#![^\n]*\n/, '');
// The name carries the content's hash: a code cache belongs to one bundle, and a run started from the previous
// build keeps reading its own file.
const bundleName = `incc-${createHash('sha256').update(bundleText).digest('hex').slice(0, 16)}.cjs`;
// The launcher as CommonJS (dist/bin/package.json says so): Node loads a CommonJS entry faster than an ES module.
const { usages } = await import(pathToFileURL(join(root, 'dist', 'cli', 'usage', 'index.js')).href);
const launcher = await transform(readFileSync(join(root, 'dist', 'cli', 'launcher.js'), 'utf8'), {
  define: {
    INCC_BUNDLE: JSON.stringify(bundleName),
    INCC_COMMANDS: JSON.stringify(usages.map((u) => u.name)),
    'import.meta.url': '__inccLauncherUrl',
  },
  banner: moduleUrlBanner('__inccLauncherUrl'),
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

// Written so that a CLI started from the previous build keeps working while this one is written (test runs
// and builds share a checkout): each file replaced in one step (written beside, then renamed), the bundle
// before the launcher that names it, and an earlier build's files (bundles of other names, the chunks of the
// ESM bundle before them) left for an hour, for a process that reads one late, then removed.
mkdirSync(outDir, { recursive: true });
const written = [
  [join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`, 0o644],
  [join(outDir, bundleName), bundleText, 0o644],
  [join(outDir, 'incc.js'), launcher.code, 0o755],
];
for (const [path, text, mode] of written) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}
const current = new Set(written.map(([path]) => path));
const old = (path) => Date.now() - statSync(path).mtimeMs > 3_600_000;
for (const name of readdirSync(outDir)) {
  const path = join(outDir, name);
  if (name === 'chunks') {
    for (const chunk of readdirSync(path)) if (old(join(path, chunk))) rmSync(join(path, chunk), { force: true });
    if (readdirSync(path).length === 0) rmSync(path, { recursive: true, force: true });
  } else if (!current.has(path) && old(path)) rmSync(path, { force: true });
}
