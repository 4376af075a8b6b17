/**
 * `incc lint --fix` for one file (spec/lint.md, "Fixing findings"): the rule fixes of compiler/lint/fix.ts
 * made on the file's text, each result checked before it is kept: it must compile (no error from loading,
 * name resolution, elaboration or the rewrite pass, and no `rule-matches-nothing` from an added `apply`) and
 * the finding must be gone. A fix that fails is left out (the others are kept) and said why. Repeats while a
 * pass fixes something new (a fix can reveal a finding another one fixes), at most MAX_PASSES times.
 * Returns the new text and what changed; writing it is the caller's (the CLI writes it atomically).
 */
import { resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { loadProgramFromText, nodeFileHost } from '../../program/node-host.js';
import { buildProgram } from '../../program/pipeline.js';
import type { FileHost } from '../../program/program.js';
import { graphCost, type Cost } from '../../rewrite/cost.js';
import { explainApplications, type ExplainedApplication } from '../../rewrite/explain.js';
import type { IRGraph } from '../../ir/ir.js';
import { parseSource } from '../../syntax/parse.js';
import { applyEdits, ruleCall, ruleFixes } from '../fix.js';
import type { LintMessage, LintResult } from './lint.js';
import { lintFile, type LintOptions } from './lint-file.js';

/** ESLint's limit on fix passes over one file. */
const MAX_PASSES = 10;

export interface FixedFinding {
  message: LintMessage;
  /** The application that fixed it: `factor_5x5 to branch5x5/conv2`. */
  apply: string;
}

export interface NetworkCost {
  network: string;
  before: Cost;
  after: Cost;
}

export interface FileFix {
  /** The text as read, and as fixed (the same when nothing was fixed). */
  original: string;
  text: string;
  fixed: FixedFinding[];
  /** Findings with a fix that was not kept, and why. */
  notFixed: { message: LintMessage; why: string }[];
  /** What the added applications rewrote, as `incc rewrite --explain` reports it. */
  applications: ExplainedApplication[];
  /** Each network's totals before and after the fixes. */
  networks: NetworkCost[];
  /** The lint result of the fixed text (of the original when nothing was fixed). */
  result: LintResult;
}

const key = (m: LintMessage) => `${m.ruleId}|${m.network ?? ''}|${m.node ?? ''}|${m.messageId}`;

/** Fixes what can be fixed in the file at `path` (its text read through `options.host` or from disk). */
export function fixFile(path: string, options: LintOptions = {}): FileFix {
  const first = lintFile(path, options);
  const original = first.source;
  const lintText = (text: string) => lintFile(path, { ...options, host: reading(path, text, options.host) });
  let text = original;
  let current = first;
  const fixed: FixedFinding[] = [];
  const failed = new Map<string, { message: LintMessage; why: string }>();
  for (let pass = 0; pass < MAX_PASSES && current.failures.length === 0; pass++) {
    const candidates = current.messages.filter((m) => m.fix && !failed.has(key(m)));
    if (candidates.length === 0) break;
    const baseline = warningsOf(path, text, options.host);
    const trial = (ms: LintMessage[]) => tryFixes(path, text, ms, baseline, lintText, options.host);
    // All at once when that checks; else one at a time, keeping each that checks.
    let kept = trial(candidates);
    if (!kept.ok) {
      let accepted: LintMessage[] = [];
      kept = { ok: false, why: '' };
      for (const m of candidates) {
        const t = trial([...accepted, m]);
        if (t.ok) {
          accepted = [...accepted, m];
          kept = t;
        } else failed.set(key(m), { message: m, why: t.why });
      }
    }
    if (!kept.ok) break;
    for (const m of kept.fixed)
      fixed.push({ message: m, apply: `${ruleCall(m.fix!)} to ${m.fix!.targets.join(', ')}` });
    text = kept.text;
    current = kept.result;
  }
  const fix: FileFix = {
    original,
    text,
    fixed,
    notFixed: [...failed.values()],
    applications: [],
    networks: [],
    result: current,
  };
  if (fixed.length > 0) {
    const before = graphsOf(path, original, options.host);
    const after = graphsOf(path, text, options.host);
    for (const [network, graph] of after) {
      const old = before.get(network);
      if (old) fix.networks.push({ network, before: graphCost(old.graph), after: graphCost(graph.graph) });
    }
    const targets = new Set(fixed.flatMap((f) => f.message.fix!.targets.map((t) => `${f.message.fix!.rule}|${t}`)));
    const made = [...after.values()].flatMap((g) => g.applications);
    fix.applications = explainApplications(
      made.filter((a) => a.before.some((n) => targets.has(`${a.rule}|${n.name}`))),
    );
  }
  return fix;
}

type Trial = { ok: true; text: string; fixed: LintMessage[]; result: LintResult } | { ok: false; why: string };

function tryFixes(
  path: string,
  text: string,
  messages: LintMessage[],
  baseline: number,
  lintText: (text: string) => LintResult,
  host: FileHost | undefined,
): Trial {
  const ast = parseSource(text, path).ast;
  const fix = ast ? ruleFixes(text, ast, messages) : undefined;
  if (!fix) return { ok: false, why: 'no edit applies in this file' };
  const next = applyEdits(text, fix.edits);
  const result = lintText(next);
  if (result.failures.length > 0) {
    const d = result.failures[0]!;
    return { ok: false, why: `the fixed file would not compile: ${where(d)}${d.message}` };
  }
  if (warningsOf(path, next, host) > baseline)
    return { ok: false, why: 'the rule would match nothing there (rule-matches-nothing)' };
  const left = new Set(result.messages.map(key));
  const stuck = messages.find((m) => left.has(key(m)));
  if (stuck) return { ok: false, why: `${ruleCall(stuck.fix!)} does not remove the finding` };
  return { ok: true, text: next, fixed: messages, result };
}

function where(d: Diagnostic): string {
  return d.span ? `${d.span.file}:${d.span.startLine}:${d.span.startColumn}: ` : '';
}

/** A host that reads `text` for `path` and everything else as `host` (or the disk) does. */
function reading(path: string, text: string, host: FileHost | undefined): FileHost {
  const absolute = resolve(path);
  return { readFile: (p: string) => (p === absolute ? text : (host ?? nodeFileHost).readFile(p)) };
}

function load(path: string, text: string, host: FileHost | undefined) {
  return loadProgramFromText(text, path, host ?? nodeFileHost);
}

/** The number of rule-matches-nothing warnings the text's networks give. */
function warningsOf(path: string, text: string, host: FileHost | undefined): number {
  const built = buildProgram(load(path, text, host), { every: true });
  return built.diagnostics.filter((d) => d.code === 'rule-matches-nothing').length;
}

function graphsOf(path: string, text: string, host: FileHost | undefined) {
  const built = buildProgram(load(path, text, host), { every: true });
  const out = new Map<
    string,
    { graph: IRGraph; applications: NonNullable<(typeof built.networks)[number]['applications']> }
  >();
  for (const n of built.networks) if (n.graph) out.set(n.network, { graph: n.graph, applications: n.applications });
  return out;
}
