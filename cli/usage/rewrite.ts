/** `incc rewrite`'s usage: name, summary, options and help (cli/commands/rewrite.ts runs it). */
import type { CommandUsage } from '../command.js';

const options = {
  explain: { type: 'boolean' },
  emit: { type: 'boolean' },
  json: { type: 'boolean' },
  network: { type: 'string' },
  set: { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
} as const;

export const rewriteUsage = {
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
} satisfies CommandUsage;
