/**
 * The language service's host on Node: the compiler's node host (files on disk, the stdlib of this package)
 * plus what an editor needs from the disk: the lint configuration (incc.config.json) of a file, the paths an
 * import can name (the stdlib's modules and the .incp files beside the file) and the Prettier options that
 * apply to a file (`.prettierrc`). Paths are file paths; the server turns URIs into them.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../compiler/lint/engine/config.js';
import { findConfig, readConfig } from '../compiler/lint/engine/config-file.js';
import { nodeHost, stdlibDir } from '../compiler/program/node-host.js';
import { prettierOptionsFor } from '../format/index.js';
import type { LanguageServiceHost } from '../language-service/index.js';

const incpFiles = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.incp'));
  } catch {
    return [];
  }
};

export function nodeServiceHost(docsUrl?: string): LanguageServiceHost {
  return {
    ...nodeHost,
    lintConfig(path) {
      const config = findConfig(dirname(path));
      try {
        return config ? readConfig(config) : undefined;
      } catch (e) {
        // A broken incc.config.json: lint with the defaults (`incc lint` reports the problem and exits 2).
        if (e instanceof ConfigError) return undefined;
        throw e;
      }
    },
    importPaths(fromFile) {
      const std = incpFiles(stdlibDir).map((f) => `std/${f.replace(/\.incp$/, '')}`);
      const here = incpFiles(dirname(fromFile))
        .filter((f) => f !== basename(fromFile))
        .map((f) => `./${f.replace(/\.incp$/, '')}`);
      return [...std, ...here];
    },
    async formatOptions(path) {
      const options = await prettierOptionsFor(join(path));
      return typeof options.printWidth === 'number' ? { printWidth: options.printWidth } : {};
    },
    ...(docsUrl !== undefined ? { docsUrl } : {}),
  };
}
