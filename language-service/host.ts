/**
 * What the language service asks of its environment: the compiler's CompilerHost (reading files, resolving
 * paths and imports, the stdlib through `std/...`), plus what only an editor needs. The language server gives
 * one over the disk (language-server/node-host.ts); a browser playground gives one over its own files. The
 * service's "uris" are the host's paths: whatever `resolvePath` and `resolveImport` return.
 */
import type { CompilerHost } from '../compiler/program/host.js';
import type { LintConfig } from '../compiler/lint/engine/config.js';

export interface LanguageServiceHost extends CompilerHost {
  /** The lint configuration that applies to a file (incc.config.json on disk); default: every rule's default. */
  lintConfig?(path: string): LintConfig | undefined;
  /** The paths `import "..."` can name from a file: `std/modules`, `./blocks`, ...; default: none offered. */
  importPaths?(fromFile: string): string[];
  /** Where spec/ is on the web, for the pages of diagnostic codes and lint rules; default: the repository's. */
  docsUrl?: string;
  /** Prettier options for formatting a file (a `.prettierrc` that applies to it); default: the plugin's. */
  formatOptions?(path: string): Promise<{ printWidth?: number }> | { printWidth?: number };
}

export const DEFAULT_DOCS_URL = 'https://github.com/incc-lang/incc/blob/main';
