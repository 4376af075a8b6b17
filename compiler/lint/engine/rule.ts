/**
 * What a lint rule is (spec/lint.md): an id, the paper section it enforces, a default severity,
 * options with defaults, message templates by id, and a check over the IR that reports nodes.
 * One rule a file in compiler/lint/rules/, each with its page spec/lint/<id>.md, all listed once in
 * compiler/lint/engine/registry.ts.
 */
import type { Span } from '../../syntax/ast.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';

export type LintSeverity = 'off' | 'info' | 'warn' | 'error';

export type OptionValue = number | boolean | string | number[];

export interface RuleOption {
  /** What the option means, for the rule's page and `incc lint --help`. */
  description: string;
  default: OptionValue;
}

export interface LintRule<O extends Record<string, OptionValue> = Record<string, OptionValue>> {
  id: string;
  /** The paper section or principle: "principle 1", "section 3.1". */
  section: string;
  /** One line: what the rule checks. */
  description: string;
  defaultSeverity: Exclude<LintSeverity, 'off'>;
  options: { [K in keyof O]: RuleOption };
  /** Message templates by id; `{name}` placeholders are filled from a report's data. */
  messages: Record<string, string>;
  check(graph: IRGraph, context: RuleContext<O>): void;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  /** The node the finding is about; or `span` for findings about no single node (a train section). */
  node?: IRNode;
  span?: Span;
}

export interface RuleContext<O> {
  options: O;
  report(report: Report): void;
}

/** Declares a rule with its option types inferred (the registry stores it as a LintRule). */
export function defineRule<O extends Record<string, OptionValue>>(rule: LintRule<O>): LintRule {
  return rule as unknown as LintRule;
}
