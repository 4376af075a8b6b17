/**
 * What a lint rule is (spec/lint.md): an id, the paper section it enforces, a default severity,
 * options with defaults, message templates by id, and a check over the IR that reports nodes.
 * Severities are the diagnostics' (`Severity`); a config writes ESLint's words (`RuleLevel`: "warn").
 * Messages are templates of compiler/diagnostics/template.ts: a report's data is typed from its template.
 * One rule a file in compiler/lint/rules/, each with its page spec/lint/<id>.md, all listed once in
 * compiler/lint/engine/registry.ts.
 */
import type { Span } from '../../syntax/ast.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';
import type { Severity } from '../../diagnostics/diagnostics.js';
import type { TemplateParams } from '../../diagnostics/template.js';

/** A rule's level as incc.config.json and `--rule` write it: ESLint's words. */
export type RuleLevel = 'off' | 'info' | 'warn' | 'error';

/** The severity a config level stands for (undefined: off). */
export const severityOfLevel: Record<RuleLevel, Severity | undefined> = {
  off: undefined,
  info: 'info',
  warn: 'warning',
  error: 'error',
};

/** The config word for a severity, as pages, the schema and `incc lint --list` show a rule's default. */
export const levelOfSeverity: Record<Severity, RuleLevel> = { info: 'info', warning: 'warn', error: 'error' };

export type OptionValue = number | boolean | string | number[];

export interface RuleOption<V extends OptionValue = OptionValue> {
  /** What the option means, for the rule's page and `incc lint --help`. */
  description: string;
  default: V;
}

type Messages = Record<string, string>;

type Options = Record<string, RuleOption>;

/** The values of a rule's options, typed from their defaults (`default: 0.25` makes a number). */
export type OptionValues<O extends Options> = { [K in keyof O]: Widened<O[K]['default']> };

type Widened<V> = V extends number ? number : V extends boolean ? boolean : V extends string ? string : number[];

export interface LintRule<O extends Options = Options, M extends Messages = Messages> {
  id: string;
  /** The paper section or principle: "principle 1", "section 3.1". */
  section: string;
  /** One line: what the rule checks. */
  description: string;
  defaultSeverity: Severity;
  options: O;
  /** Message templates by id (compiler/diagnostics/template.ts): `{name}` is filled from a report's data. */
  messages: M;
  check(graph: IRGraph, context: RuleContext<OptionValues<O>, M>): void;
}

/** A finding: a message of the rule, with the data its template names. */
export type Report<M extends Messages = Messages> = {
  [K in keyof M & string]: {
    messageId: K;
    data: TemplateParams<M[K]>;
    /** The node the finding is about; or `span` for findings about no single node (a train section). */
    node?: IRNode;
    span?: Span;
    /** The std/rules application that fixes the finding, when one does (`incc lint --fix`, compiler/lint/fix.ts). */
    fix?: FixReport;
  };
}[keyof M & string];

/**
 * A fix by a rule of std/rules: `apply RULE(ARGS) to NODES`. `nodes` are every node the rule's pattern must
 * match (both layers of a `maxpool -> conv` chain), since an application's targets must cover them all.
 */
export interface FixReport {
  rule: string;
  /** The arguments as written between the parentheses (`n=7, mid=16`), or '' for none. */
  args: string;
  nodes: IRNode[];
}

export interface RuleContext<O, M extends Messages = Messages> {
  options: O;
  report(report: Report<M>): void;
}

/**
 * Declares a rule with its option types inferred from their defaults and its messages kept as literal
 * templates, so each report's data is checked against its message (the registry stores it as a LintRule).
 */
export function defineRule<O extends Options, const M extends Messages>(rule: LintRule<O, M>): LintRule {
  return rule as unknown as LintRule;
}
