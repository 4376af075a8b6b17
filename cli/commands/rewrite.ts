import { emitNetwork } from '../../compiler/print/emit.js';
import { graphCost } from '../../compiler/rewrite/cost.js';
import { explainApplications, explainText } from '../../compiler/rewrite/explain.js';
import { parseCommandArgs, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';
import { rewriteUsage } from '../usage/index.js';

const { options } = rewriteUsage;

export const rewriteCommand: Command = {
  ...rewriteUsage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, options);
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    if (Boolean(values['explain']) === Boolean(values['emit']))
      throw new UsageError('give one of --explain and --emit');
    const built = buildNetworkOrExit(positionals[0]!, values);
    if (typeof built === 'number') return built;
    const { result } = built;
    if (!result.elaborated) return 1;
    if (values['emit']) {
      const rules =
        result.applications.length > 0
          ? [...new Set(result.applications.map((a) => a.rule))].join(', ')
          : 'none applied';
      process.stdout.write(
        emitNetwork(result.graph, [
          `${result.graph.network} from ${result.graph.file}, rewritten by incc (rules: ${rules})`,
        ]),
      );
      return 0;
    }
    const items = explainApplications(result.applications);
    const totals = { before: graphCost(result.elaborated), after: graphCost(result.graph) };
    if (values['json'])
      process.stdout.write(
        `${JSON.stringify({ network: result.graph.network, applications: items, totals }, null, 2)}\n`,
      );
    else process.stdout.write(`${explainText(items, totals)}\n`);
    return 0;
  },
};
