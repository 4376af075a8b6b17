/**
 * `incc lint`: elaborate and rewrite every network of a program, run the active rules over the IR, place each
 * finding on a line of the linted file, apply suppressions, and collect the results (spec/lint.md).
 * Pure: the program comes loaded through its host and the configuration as data (lint-file.ts does both
 * from disk on Node), so a browser or a language server lints with the same code.
 */
import type { SourceFile, Span } from '../../syntax/ast.js';
import type { Diagnostic, Severity } from '../../diagnostics/diagnostics.js';
import { fillTemplate } from '../../diagnostics/template.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { buildProgram, type ProgramBuild } from '../../program/pipeline.js';
import type { BuildCache } from '../../program/build-cache.js';
import type { Program } from '../../program/program.js';
import { activeRules, type ActiveRule, type LintConfig, type RuleSetting } from './config.js';
import type { Report } from './rule.js';
import { parseSuppressions, suppressedBy, type Suppression } from './suppress.js';

/** A finding's severity: the diagnostics' vocabulary. */
export type MessageSeverity = Severity;

export interface LintMessage {
  ruleId: string;
  messageId: string;
  severity: MessageSeverity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The IR node the finding is about, when there is one. */
  node?: string;
  network?: string;
  /** Where the layer really is, when the finding is placed on the line that instantiated it. */
  related?: { message: string; file: string; line: number; column: number }[];
  /** A compiler error that kept the file from being linted (ESLint's fatal message); ruleId is its code. */
  fatal?: true;
  /** The std/rules application that fixes it: `apply RULE(ARGS) to TARGETS` in `network` (compiler/lint/fix.ts). */
  fix?: RuleFix;
}

/** `apply rule(args) to targets`: what fixes a finding, as data (the targets are qualified node names). */
export interface RuleFix {
  rule: string;
  args: string;
  targets: string[];
}

export interface LintResult {
  /** The path as given on the command line. */
  filePath: string;
  /** The display name used in messages. */
  file: string;
  messages: LintMessage[];
  /** Findings silenced by suppression comments (kept for SARIF's `suppressions`). */
  suppressed: (LintMessage & { reason?: string })[];
  errorCount: number;
  warningCount: number;
  infoCount: number;
  source: string;
  /** The entry file's AST, when it parsed: what a finding's fix is written against (compiler/lint/fix.ts). */
  ast?: SourceFile;
  /** Parse or elaboration errors: the file could not be linted. */
  failures: Diagnostic[];
  sourceOf(file: string): string | undefined;
}

export interface LintProgramOptions {
  /**
   * The configuration (incc.config.json's contents), or a function reading it (called only once the program
   * builds, so that a file that does not compile is reported before a bad config); none: the rules' defaults.
   */
  config?: LintConfig | (() => LintConfig);
  overrides?: Record<string, RuleSetting>;
  /** The path as given on the command line (LintResult.filePath); default: the entry file's path. */
  filePath?: string;
  /** The program's `buildProgram(program, { every: true })`, when the caller has it (the language service). */
  built?: ProgramBuild;
  /**
   * The cache `built` was made with: the findings of a network it kept are kept with it (for the same rules,
   * severities and options), and those of a network built again are kept for next time.
   */
  cache?: BuildCache;
}

/** Lints the entry file of a loaded program. */
export function lintProgram(program: Program, options: LintProgramOptions = {}): LintResult {
  const path = options.filePath ?? program.entry.path;
  const file = program.entry.displayName;
  const result: LintResult = {
    filePath: path,
    file,
    messages: [],
    suppressed: [],
    errorCount: 0,
    warningCount: 0,
    infoCount: 0,
    source: program.entry.text,
    ...(program.entry.ast ? { ast: program.entry.ast } : {}),
    failures: [],
    sourceOf: program.sourceOf,
  };
  const built = options.built ?? buildProgram(program, { every: true });
  if (built.networks.length === 0 && built.diagnostics.some((d) => d.severity === 'error')) {
    result.failures = built.diagnostics.filter((d) => d.severity === 'error');
    return result;
  }
  const config = typeof options.config === 'function' ? options.config() : (options.config ?? {});
  const rules = activeRules(config, options.overrides);
  // Suppressions of every loaded file: a comment beside a layer in a block's file silences that layer
  // wherever the block is used. Unused ones are reported for the linted file only.
  const suppressions = new Map<string, Suppression[]>();
  for (const f of program.files.values()) suppressions.set(f.displayName, parseSuppressions(f.ast?.comments ?? []));
  const seen = new Set<string>();
  const configKey = JSON.stringify(rules.map((r) => [r.rule.id, r.severity, r.options]));
  for (const network of built.networks) {
    const graph = network.graph;
    if (!graph) {
      result.failures.push(...network.diagnostics.filter((d) => d.severity === 'error'));
      continue;
    }
    const findings = () => rules.flatMap((active) => findingsOf(active, graph, file));
    const raw = options.cache ? options.cache.findings(network, configKey, findings) : findings();
    for (const f of raw) report(f, suppressions, seen, result);
  }
  // A file with no network (a block library) checked nothing: its comments are used, or not, by the files
  // that instantiate its blocks, so none is reported unused here.
  for (const s of suppressions.get(file) ?? []) {
    // A comment that names no rule suppresses nothing (incc has no "disable every rule"): say so, anywhere.
    if (s.rules.length === 0) {
      addMessage(result, {
        ruleId: 'unused-suppression',
        messageId: 'noRule',
        severity: 'warning',
        message:
          `this incc-disable-${s.scope} comment names no rule, so it suppresses nothing: write the rule id and ` +
          `a reason (incc-disable-${s.scope} RULE -- why)`,
        ...position(s.span),
      });
    }
  }
  for (const s of built.networks.length > 0 ? (suppressions.get(file) ?? []) : []) {
    for (const id of s.rules.filter((r) => !s.used.has(r))) {
      const known = rules.some((r) => r.rule.id === id);
      addMessage(result, {
        ruleId: 'unused-suppression',
        messageId: 'unused',
        severity: 'warning',
        message: known
          ? `this ${s.scope} suppression of ${id} suppresses nothing: remove it`
          : `this suppression names ${id}, which is not an active lint rule`,
        ...position(s.span),
      });
    }
  }
  // Code-unit order, not localeCompare: the same on every machine, and no ICU collator to load (its first
  // call cost a tenth of a lint run).
  result.messages.sort(
    (a, b) => a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
  return result;
}

/**
 * A finding as a rule reports it, placed but not yet deduplicated or suppressed: what a network's graph alone
 * decides (the network cache keeps these).
 */
interface Finding extends Pick<LintMessage, 'ruleId' | 'messageId' | 'severity' | 'message' | 'node' | 'fix'> {
  network: string;
  /** Where it is shown, and the layer's real place when that is elsewhere. */
  span: Span;
  related: { message: string; span: Span }[];
  /** The node's own span: a suppression in the block's file silences it too. */
  nodeSpan?: Span;
}

function findingsOf(active: ActiveRule, graph: IRGraph, file: string): Finding[] {
  const findings: Finding[] = [];
  const report = (r: Report) => {
    const placed = r.node ? place(r.node, file) : { span: r.span!, related: [] };
    const f: Finding = {
      ruleId: active.rule.id,
      messageId: r.messageId,
      severity: active.severity,
      message: fillTemplate(active.rule.messages[r.messageId] ?? r.messageId, r.data),
      network: graph.network,
      span: placed.span,
      related: placed.related,
    };
    if (r.node) {
      f.node = r.node.name;
      f.nodeSpan = r.node.span;
    }
    if (r.fix) f.fix = { rule: r.fix.rule, args: r.fix.args, targets: r.fix.nodes.map((n) => n.name) };
    findings.push(f);
  };
  active.rule.check(graph, { options: active.options, report });
  return findings;
}

/** Adds a finding to the result, unless the same was reported already or a suppression comment silences it. */
function report(f: Finding, suppressions: Map<string, Suppression[]>, seen: Set<string>, result: LintResult): void {
  const { ruleId, messageId, severity, message, network } = f;
  const m: LintMessage = { ruleId, messageId, severity, message, ...position(f.span), network };
  if (f.node !== undefined) m.node = f.node;
  if (f.fix) m.fix = { ...f.fix, targets: [...f.fix.targets] };
  if (f.related.length > 0) {
    m.related = f.related.map((r) => ({
      message: r.message,
      file: r.span.file,
      line: r.span.startLine,
      column: r.span.startColumn,
    }));
  }
  const key = `${m.ruleId}|${m.line}|${m.column}|${m.message}`;
  if (seen.has(key)) return;
  seen.add(key);
  const by =
    suppressedBy(suppressions.get(m.file) ?? [], m.ruleId, m.line) ??
    (f.nodeSpan && f.nodeSpan.file !== m.file
      ? suppressedBy(suppressions.get(f.nodeSpan.file) ?? [], m.ruleId, f.nodeSpan.startLine)
      : undefined);
  if (by) {
    const s: LintMessage & { reason?: string } = { ...m };
    if (by.reason) s.reason = by.reason;
    result.suppressed.push(s);
    return;
  }
  addMessage(result, m);
}

/**
 * Where a finding about a node is shown: the node's own line when it is in the linted file; otherwise the
 * innermost line of the linted file that instantiated it (the layer's real place goes in `related`).
 */
function place(node: IRNode, file: string): { span: Span; related: Finding['related'] } {
  if (node.span.file === file) return { span: node.span, related: [] };
  const frame = [...node.origin].reverse().find((f) => f.span.file === file);
  return { span: frame?.span ?? node.span, related: [{ message: `the layer ${node.name} is here`, span: node.span }] };
}

function position(span: Span) {
  return {
    file: span.file,
    line: span.startLine,
    column: span.startColumn,
    endLine: span.endLine,
    endColumn: span.endColumn,
  };
}

function addMessage(result: LintResult, m: LintMessage): void {
  result.messages.push(m);
  if (m.severity === 'error') result.errorCount++;
  else if (m.severity === 'warning') result.warningCount++;
  else result.infoCount++;
}
