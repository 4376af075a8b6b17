/** `incc rewrite`'s usage: name, summary, options and help (cli/commands/rewrite.ts runs it). */
import { commandUsage } from '../command.js';

export const rewriteUsage = commandUsage({
  name: 'rewrite',
  summary: 'apply factorization rules; explain what each saved, or print the rewritten .incp',
  options: { string: 'network', multiple: 'set rules', boolean: 'explain emit json' },
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
});
