import { emitNetwork } from '../../compiler/print/emit.js';
import { graphCost } from '../../compiler/rewrite/cost.js';
import { explainApplications, explainText } from '../../compiler/rewrite/explain.js';
import { UsageError } from '../io.js';
import type { CommandLine } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';
import type { rewriteUsage } from '../usage/rewrite.js';

export async function run({ values, operand }: CommandLine<typeof rewriteUsage>): Promise<number> {
  const file = operand('FILE');
  if (Boolean(values.explain) === Boolean(values.emit)) throw new UsageError('give one of --explain and --emit');
  const built = buildNetworkOrExit(file, values);
  if (typeof built === 'number') return built;
  const { result } = built;
  if (!result.elaborated) return 1;
  if (values.emit) {
    const rules =
      result.applications.length > 0 ? [...new Set(result.applications.map((a) => a.rule))].join(', ') : 'none applied';
    process.stdout.write(
      emitNetwork(result.graph, [
        `${result.graph.network} from ${result.graph.file}, rewritten by incc (rules: ${rules})`,
      ]),
    );
    return 0;
  }
  const items = explainApplications(result.applications);
  const totals = { before: graphCost(result.elaborated), after: graphCost(result.graph) };
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ network: result.graph.network, applications: items, totals }, null, 2)}\n`,
    );
  else process.stdout.write(`${explainText(items, totals)}\n`);
  return 0;
}
