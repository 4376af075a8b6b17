/** What the CLI says about the package itself: its version, repository and documentation, from package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../compiler/package.js';

export interface PackageInfo {
  version: string;
  /** The repository's web address (package.json `repository`, without `git+` and `.git`). */
  repositoryUrl: string;
  /** Where the spec pages are on the web: `--docs-url` replaces it (forks, mirrors). */
  docsUrl: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
    repository?: string | { url?: string };
  };
  const raw = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
  const repositoryUrl = raw.replace(/^git\+/, '').replace(/\.git$/, '');
  cached = { version: pkg.version, repositoryUrl, docsUrl: `${repositoryUrl}/blob/main` };
  return cached;
}
