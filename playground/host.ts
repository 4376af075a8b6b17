/**
 * The playground's CompilerHost (compiler/program/host.ts): files in memory. The stdlib is at
 * `/stdlib/NAME.incp` (displayed `std/NAME.incp`, as on Node), the examples at `/examples/...`, and the
 * editor's buffer at the path of the file it was opened from (`/playground.incp` for a new one), so that its
 * relative imports resolve as they do on disk.
 */
import type { CompilerHost } from '../compiler/program/host.js';

/** `/a/b/../c/./d` -> `/a/c/d`. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const dirname = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

export function memoryHost(files: ReadonlyMap<string, string>): CompilerHost {
  return {
    readFile: (path) => files.get(path),
    resolvePath: (path) => normalize(path.startsWith('/') ? path : `/${path}`),
    resolveImport(spec, fromFile) {
      const base = spec.startsWith('std/') ? `/stdlib/${spec.slice(4)}` : `${dirname(fromFile)}/${spec}`;
      const path = normalize(base);
      return path.endsWith('.incp') ? path : `${path}.incp`;
    },
    displayName: (path) => (path.startsWith('/stdlib/') ? `std/${path.slice('/stdlib/'.length)}` : path.slice(1)),
  };
}
