import { packageInfo } from '../package-info.js';
import type { CommandLine } from '../command.js';
import type { lspUsage } from '../usage/lsp.js';

export async function run({ values }: CommandLine<typeof lspUsage>): Promise<number> {
  const { startServer } = await import('../../language-server/server.js');
  const connection = startServer(process.stdin, process.stdout, {
    docsUrl: values['docs-url'] ?? packageInfo().docsUrl,
  });
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
