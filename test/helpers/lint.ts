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

type Settings = Record<string, RuleSetting>;
type Finding = [line: number, column: number, messageId: string];

/** A text the rule must not report: a title, the text, and the settings where they matter. */
export type ValidCase = [title: string, text: string, rules?: Settings];
/** A text the rule must report: a title, the text, the findings exactly, and the settings where they matter. */
export type InvalidCase = [title: string, text: string, expected: Finding[], rules?: Settings];
/** A message of the rule: a title, the text, the words its first message must contain, and the settings. */
export type MessageCase = [title: string, text: string, words: string[], rules?: Settings];

/**
 * The table tests of a rule, one test a row: `valid: TITLE` finds nothing, `invalid: TITLE` finds exactly the
 * [line, column, messageId] given, in any order when `unordered`.
 */
export function testFindings(
  ruleId: string,
  valid: ValidCase[],
  invalid: InvalidCase[],
  { unordered = false }: { unordered?: boolean } = {},
): void {
  const order = (fs: Finding[]) => (unordered ? [...fs].sort() : fs);
  test.each(valid.map(([title, text, rules = {}]) => [title, text, rules] as const))(
    'valid: %s',
    (_title, text, rules) => {
      expect(findings(text, ruleId, rules)).toEqual([]);
    },
  );
  test.each(invalid.map(([title, text, expected, rules = {}]) => [title, text, expected, rules] as const))(
    'invalid: %s',
    (_title, text, expected, rules) => {
      expect(order(findings(text, ruleId, rules))).toEqual(order(expected));
    },
  );
}

/** The message tests of a rule, one test a row (titled by it): the first message contains each of the words. */
export function testMessages(ruleId: string, cases: MessageCase[]): void {
  test.each(cases.map(([title, text, words, rules = {}]) => [title, text, words, rules] as const))(
    '%s',
    (_title, text, words, rules) => {
      const [m] = lintText(text, ruleId, rules).messages;
      for (const w of words) expect(m!.message).toContain(w);
    },
  );
}
