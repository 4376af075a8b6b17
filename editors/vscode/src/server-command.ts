/**
 * Which `incc` the extension starts as its language server (`incc lsp --stdio`): the `incc.path` setting
 * when set (a `~` or a path relative to the workspace folder resolved), else the workspace's
 * `node_modules/.bin/incc` when there is one, else `incc` on the PATH. No `vscode` import:
 * test/vscode-extension.test.ts runs it as is (an ES module, src/package.json).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export interface ServerCommand {
  command: string;
  args: string[];
}

export function serverCommand(
  configured: string,
  workspaceFolder: string | undefined,
  isWindows = false,
): ServerCommand {
  const args = ['lsp', '--stdio'];
  const setting = configured.trim();
  if (setting) {
    let path = setting.startsWith('~/') ? join(homedir(), setting.slice(2)) : setting;
    if (!isAbsolute(path) && /[\\/]/.test(path) && workspaceFolder) path = join(workspaceFolder, path);
    return { command: path, args };
  }
  if (workspaceFolder) {
    const local = join(workspaceFolder, 'node_modules', '.bin', isWindows ? 'incc.cmd' : 'incc');
    if (existsSync(local)) return { command: local, args };
  }
  return { command: isWindows ? 'incc.cmd' : 'incc', args };
}
