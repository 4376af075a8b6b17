/**
 * Linting the standard library with one rule on: what the rule reports there, and what suppression
 * comments silence (with their reasons). The reference networks must lint clean or with justified
 * suppressions only.
 */
import { resolve } from 'node:path';
import type { RuleSetting } from '../../compiler/lint/engine/config.js';
import { lintFile } from '../../compiler/lint/engine/lint-file.js';
import { lintRules } from '../../compiler/lint/engine/registry.js';
import { levelOfSeverity } from '../../compiler/lint/engine/rule.js';

export const STDLIB_NETWORKS = [
  'stdlib/inception_v3.incp',
  'stdlib/inception_v2.incp',
  'stdlib/googlenet.incp',
  'stdlib/lowres.incp',
  'stdlib/table3.incp',
];

/**
 * `file` (relative to the repository root) linted with only `ruleId` on: its findings and its suppressed findings as
 * `line: node (reason)`.
 */
export function lintStdlib(
  file: string,
  ruleId: string,
): { failures: string[]; messages: string[]; suppressed: string[] } {
  const level = (r: (typeof lintRules)[number]) => (r.id === ruleId ? levelOfSeverity[r.defaultSeverity] : 'off');
  const rules = Object.fromEntries(lintRules.map((r) => [r.id, level(r)])) as Record<string, RuleSetting>;
  const result = lintFile(resolve(file), { config: { rules } });
  return {
    failures: result.failures.map((d) => d.message),
    messages: result.messages.filter((m) => m.ruleId === ruleId).map((m) => `${m.line}: ${m.message}`),
    suppressed: result.suppressed
      .filter((m) => m.ruleId === ruleId)
      .map((m) => `${m.line}: ${m.node} (${m.reason ?? 'no reason'})`),
  };
}
