/**
 * From a loaded program to the graph the later stages read: elaborate one network, then apply its
 * `apply` statements and any rules given on the command line (`--rules`), in that order.
 * This path never loads tfjs or onnxruntime.
 */
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { DiagnosticError, diagnostic } from '../diagnostics/diagnostics.js';
import { elaborate, type ElaborateOptions } from '../ir/elaborate.js';
import type { IRGraph } from '../ir/ir.js';
import { loadProgram, stdlibDir, type Declaration, type Program } from './program.js';
import { fileDeclaring, parseRuleOption, ruleRequest, type RuleRequest } from '../rewrite/request.js';
import { rewrite, type Application } from '../rewrite/rewrite.js';
import { MapEnv } from '../ir/values.js';

export interface BuildOptions extends ElaborateOptions {
  /** Rule applications from the command line: `asymmetric(n=7)`, `factor_5x5 to mixed0..mixed2`. */
  rules?: string[];
  /** Skip the rewrite pass (the network as written). */
  noRewrite?: boolean;
}

export interface BuildResult {
  /** The network after the rewrite pass. */
  graph?: IRGraph;
  /** The network as elaborated, before any rule. */
  elaborated?: IRGraph;
  applications: Application[];
  diagnostics: Diagnostic[];
}

let stdRules: Program | undefined;
/** std/rules, loaded once: the rules `--rules` can name besides those the file sees. */
function standardRules(): Program {
  stdRules ??= loadProgram(join(stdlibDir, 'rules.incp'));
  return stdRules;
}

export function buildNetwork(program: Program, options: BuildOptions = {}): BuildResult {
  const elaborated = elaborate(program, options);
  if (!elaborated.graph) return { applications: [], diagnostics: elaborated.diagnostics };
  const graph = elaborated.graph;
  if (options.noRewrite) return { graph, elaborated: graph, applications: [], diagnostics: [] };
  const requests: RuleRequest[] = [];
  try {
    for (const a of elaborated.applies) {
      requests.push(ruleRequest(a.stmt, a.file.scope, (d) => fileDeclaring(d, program), a.env, graph));
    }
    if (options.rules && options.rules.length > 0) {
      const std = standardRules();
      const scope = new Map<string, Declaration>(std.entry.scope);
      for (const [k, v] of program.entry.scope) scope.set(k, v);
      for (const text of options.rules) {
        const { stmt, error } = parseRuleOption(text);
        if (!stmt) return { elaborated: graph, applications: [], diagnostics: [diagnostic('rule-invalid', undefined, { rule: `--rules`, why: error! })] };
        requests.push(ruleRequest(stmt, scope, (d) => fileDeclaring(d, program, std), new MapEnv(new Map()), graph));
      }
    }
  } catch (e) {
    if (e instanceof DiagnosticError) return { elaborated: graph, applications: [], diagnostics: [e.diagnostic] };
    throw e;
  }
  const result = rewrite(graph, requests);
  const failed = result.diagnostics.some((d) => d.severity === 'error');
  return { graph: failed ? undefined : result.graph, elaborated: graph, applications: result.applications, diagnostics: result.diagnostics };
}
