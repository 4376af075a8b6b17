import { summarize, summaryTable } from '../../compiler/print/summary.js';
import { memoryTable } from '../../backends/common/memory.js';
import { parseCommandArgs, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';
import { summaryUsage } from '../usage/index.js';

const { options } = summaryUsage;

export const summaryCommand: Command = {
  ...summaryUsage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const built = buildNetworkOrExit(positionals[0]!, values);
    if (typeof built === 'number') return built;
    const { result } = built;
    if (values['json']) process.stdout.write(`${JSON.stringify(summarize(result.graph), null, 2)}\n`);
    else process.stdout.write(`${[summaryTable(result.graph), ...memoryTable(result.graph)].join('\n')}\n`);
    return 0;
  },
};
