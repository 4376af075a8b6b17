#!/usr/bin/env node
/**
 * Builds the playground (playground/) into dist/playground/: a static folder (index.html, playground.css,
 * playground.js, worker.js) that any static host serves, and that `incc playground` serves locally. Run by
 * `npm run build` after tsc (the lexer's keywords are read from dist/grammar/tokens.js, so that the
 * highlighter and the lexer share one list).
 *
 * Bundled for browsers: a `node:` import anywhere in what the page loads fails the build. The stdlib and
 * the examples are compiled in as a module of texts (`incc-playground:files`); `prettier` is Prettier's
 * standalone build (the formatter's plugin uses its `doc` and `util`). dist/playground.meta.json lists the
 * bundles' inputs and sizes, for test/playground.test.ts.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'playground');

/** Every .incp file under `dir`, by its path in the playground's memory host (`/stdlib/x.incp`). */
function incpFiles(dir, prefix, out = {}) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) incpFiles(path, `${prefix}${e.name}/`, out);
    else if (e.name.endsWith('.incp')) out[`${prefix}${e.name}`] = readFileSync(join(root, path), 'utf8');
  }
  return out;
}

const filesPlugin = {
  name: 'incc-playground-files',
  setup(b) {
    b.onResolve({ filter: /^incc-playground:files$/ }, (args) => ({ path: args.path, namespace: 'incc-files' }));
    b.onLoad({ filter: /.*/, namespace: 'incc-files' }, () => ({
      contents:
        `export default ` +
        `${JSON.stringify({ ...incpFiles('stdlib', '/stdlib/'), ...incpFiles('examples', '/examples/') })};`,
      loader: 'js',
    }));
    // The formatter's plugin imports `prettier` for its doc builders: the standalone build has them.
    b.onResolve({ filter: /^prettier$/ }, () => ({ path: join(root, 'node_modules', 'prettier', 'standalone.mjs') }));
  },
};

const { keywords } = await import(pathToFileURL(join(root, 'dist', 'grammar', 'tokens.js')).href);

const result = await build({
  absWorkingDir: root,
  entryPoints: { playground: 'playground/main.ts', worker: 'playground/worker.ts' },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome105', 'firefox115', 'safari16.4'],
  minify: true,
  legalComments: 'none',
  metafile: true,
  write: false,
  plugins: [filesPlugin],
  define: { 'process.env.NODE_ENV': '"production"', INCC_KEYWORDS: JSON.stringify(keywords) },
  logLevel: 'warning',
});

// Written beside, then swapped in: a server serving the previous build never sees half of this one.
const tmp = `${outDir}.${process.pid}.tmp`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
for (const file of result.outputFiles) writeFileSync(join(tmp, relative(outDir, file.path)), file.contents);
for (const name of ['index.html', 'playground.css']) copyFileSync(join(root, 'playground', name), join(tmp, name));
rmSync(outDir, { recursive: true, force: true });
renameSync(tmp, outDir);

const outputs = Object.fromEntries(
  Object.entries(result.metafile.outputs).map(([path, o]) => [
    relative('dist/playground', path),
    { bytes: o.bytes, inputs: Object.keys(o.inputs) },
  ]),
);
writeFileSync(join(root, 'dist', 'playground.meta.json'), `${JSON.stringify({ outputs }, null, 1)}\n`);
