/**
 * Lint rule tests: lint a text as a file, with only the rule under test on (or the settings given),
 * and get the messages back.
 */
import { resolve } from 'node:path';
import type { RuleSetting } from '../../compiler/lint/engine/config.js';
import type { LintMessage, LintResult } from '../../compiler/lint/engine/lint.js';
import { lintFile } from '../../compiler/lint/engine/lint-file.js';
import { lintRules } from '../../compiler/lint/engine/registry.js';
import { levelOfSeverity } from '../../compiler/lint/engine/rule.js';
import { nodeFileHost } from '../../compiler/program/node-host.js';

export const LINT_TEST_FILE = resolve('test-output/lint/case.incp');

/**
 * Lints `text` (as test-output/lint/case.incp; imports of std/ work) with only `ruleId` on, unless `rules` says
 * otherwise.
 */
export function lintText(text: string, ruleId: string, rules: Record<string, RuleSetting> = {}): LintResult {
  const level = (r: (typeof lintRules)[number]) => (r.id === ruleId ? levelOfSeverity[r.defaultSeverity] : 'off');
  const config = { rules: Object.fromEntries(lintRules.map((r) => [r.id, level(r)])) as Record<string, RuleSetting> };
  Object.assign(config.rules, rules);
  const host = { readFile: (p: string) => (p === LINT_TEST_FILE ? text : nodeFileHost.readFile(p)) };
  const result = lintFile(LINT_TEST_FILE, { config, host });
  if (result.failures.length > 0)
    throw new Error(
      `the test input does not compile: ` +
        `${result.failures.map((d) => `${d.span?.startLine}:${d.span?.startColumn} ${d.message}`).join('; ')}`,
    );
  return result;
}

/** The messages of one rule: [line, column, messageId] triples, for table tests. */
export function findings(
  text: string,
  ruleId: string,
  rules: Record<string, RuleSetting> = {},
): [number, number, string][] {
  return lintText(text, ruleId, rules)
    .messages.filter((m: LintMessage) => m.ruleId === ruleId)
    .map((m) => [m.line, m.column, m.messageId]);
}
