// Builds the extension's .vsix (npm run vsix at the repository root): the client bundled with esbuild (one
// file, `vscode` left to VS Code), then packaged by @vscode/vsce without node_modules. Nothing is published.
// Usage: node editors/vscode/build.mjs [--out PATH]   (default: editors/vscode/incc-vscode-VERSION.vsix)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createVSIX } from '@vscode/vsce';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const at = process.argv.indexOf('--out');
const out = at > 0 ? resolve(process.argv[at + 1]) : join(here, `${manifest.name}-${manifest.version}.vsix`);

await build({
  entryPoints: [join(here, 'src', 'extension.ts')],
  outfile: join(here, 'dist', 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await createVSIX({ cwd: here, packagePath: out, dependencies: false, allowMissingRepository: false });
console.log(`wrote ${out}`);
