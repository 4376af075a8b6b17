import { emitNetwork } from '../../compiler/print/emit.js';
import { graphCost } from '../../compiler/rewrite/cost.js';
import { explainApplications, explainText } from '../../compiler/rewrite/explain.js';
import { parseCommandArgs, UsageError } from '../io.js';
import type { Command } from '../command.js';
import { buildNetworkOrExit } from '../network-args.js';

const options = {
  explain: { type: 'boolean' },
  emit: { type: 'boolean' },
  json: { type: 'boolean' },
  network: { type: 'string' },
  set: { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
} as const;

export const rewriteCommand: Command = {
  name: 'rewrite',
  options,
  summary: 'apply factorization rules; explain what each saved, or print the rewritten .incp',
  help: `Usage: incc rewrite FILE (--explain | --emit) [--network NAME] [--set NAME=VALUE]... [--rules RULE]... [--json]

Elaborates one network, applies the rules its \`apply\` statements name and those
given with --rules (after them, in order), and prints either:
  --explain   each application: where (node and source line), before -> after, the
              kernel weights, parameters and multiply-adds before and after, and totals
  --emit      the rewritten network as .incp source (one flat network with exact
              node names) that elaborates to the same graph

Options:
  --rules RULE       apply a rule: NAME, NAME(ARGS) or NAME(ARGS) to NODE, ... (repeatable);
                     the rules of std/rules are always available here
  --network NAME     the network (needed when FILE declares several)
  --set NAME=VALUE   set a network parameter
  --json             with --explain: print the applications as JSON

Exit codes: 0 done, 1 errors, 2 usage error or unreadable file.`,
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
