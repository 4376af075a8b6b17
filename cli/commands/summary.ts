import { summarize, summaryTable } from '../../compiler/print/summary.js';
import { memoryTable } from '../../backends/common/memory.js';
import type { CommandLine } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';
import type { summaryUsage } from '../usage/summary.js';

export async function run({ values, operand }: CommandLine<typeof summaryUsage>): Promise<number> {
  const built = buildNetworkOrExit(operand('FILE'), values);
  if (typeof built === 'number') return built;
  const { graph } = built.result;
  if (values.json) process.stdout.write(`${JSON.stringify(summarize(graph), null, 2)}\n`);
  else process.stdout.write(`${[summaryTable(graph), ...memoryTable(graph)].join('\n')}\n`);
  return 0;
}
