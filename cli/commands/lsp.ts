import { parseCommandArgs } from '../io.js';
import { packageInfo } from '../package-info.js';
import type { Command } from '../command.js';
import { lspUsage } from '../usage/index.js';

const { options } = lspUsage;

export const lspCommand: Command = {
  ...lspUsage,
  async run(args) {
    const { values } = parseCommandArgs(args, options);
    const { startServer } = await import('../../language-server/server.js');
    const docsUrl = (values['docs-url'] as string | undefined) ?? packageInfo().docsUrl;
    const connection = startServer(process.stdin, process.stdout, { docsUrl });
    return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
  },
};
