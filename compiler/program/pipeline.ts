/**
 * From a loaded program to the graph the later stages read: elaborate one network, then apply its
 * `apply` statements and any rules given on the command line (`--rules`), in that order.
 * This path never loads tfjs or onnxruntime.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import { DiagnosticError, diagnostic } from '../diagnostics/diagnostics.js';
import { elaborate, networksOf, type ElaborateOptions } from '../ir/elaborate.js';
import type { IRGraph } from '../ir/ir.js';
import { resolveFile } from './resolve.js';
import { createProgram, type CompilerHost, type Declaration, type Program } from './program.js';
import { fileDeclaring, parseRuleOption, ruleRequest, type RuleRequest } from '../rewrite/request.js';
import { rewrite, type Application } from '../rewrite/rewrite.js';
import { MapEnv } from '../ir/values.js';
import type { BuildCache } from './build-cache.js';

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

const stdRules = new WeakMap<CompilerHost, Program>();
/** std/rules, loaded once per host: the rules `--rules` can name besides those the file sees. */
function standardRules(program: Program): Program {
  let rules = stdRules.get(program.host);
  if (!rules) {
    rules = createProgram(program.host, program.host.resolveImport('std/rules', program.entry.path));
    stdRules.set(program.host, rules);
  }
  return rules;
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
      const std = standardRules(program);
      const scope = new Map<string, Declaration>(std.entry.scope);
      for (const [k, v] of program.entry.scope) scope.set(k, v);
      for (const text of options.rules) {
        const { stmt, error } = parseRuleOption(text);
        if (!stmt)
          return {
            elaborated: graph,
            applications: [],
            diagnostics: [diagnostic('rule-invalid', undefined, { rule: `--rules`, why: error! })],
          };
        requests.push(ruleRequest(stmt, scope, (d) => fileDeclaring(d, program, std), new MapEnv(new Map()), graph));
      }
    }
  } catch (e) {
    if (e instanceof DiagnosticError) return { elaborated: graph, applications: [], diagnostics: [e.diagnostic] };
    throw e;
  }
  const result = rewrite(graph, requests);
  const failed = result.diagnostics.some((d) => d.severity === 'error');
  return {
    graph: failed ? undefined : result.graph,
    elaborated: graph,
    applications: result.applications,
    diagnostics: result.diagnostics,
  };
}

export interface ProgramBuildOptions extends BuildOptions {
  /**
   * Build every network of the entry file, each with its parameters' defaults, after name resolution over
   * every loaded file (what `check` and `lint` do). Otherwise the one network `network` names (or the
   * file's only one), with `args` and `rules` (what `summary`, `graph`, `compile` and `train` do).
   */
  every?: boolean;
  /**
   * With `every`: builds kept from an earlier build of this file (build-cache.ts), reused for the networks
   * whose sources are unchanged, and where the new builds are kept (the language server's edits).
   */
  cache?: BuildCache;
}

export interface NetworkBuild extends BuildResult {
  network: string;
}

export interface ProgramBuild {
  /** Loading's diagnostics, then name resolution's (with `every`), then each network's, in that order. */
  diagnostics: Diagnostic[];
  /** The networks built (none when loading or name resolution failed). */
  networks: NetworkBuild[];
}

const isError = (d: Diagnostic) => d.severity === 'error';

/**
 * The one sequence every command and backend caller runs on a loaded program: stop at loading errors,
 * resolve names (with `every`), then build each network (elaborate, rewrite).
 */
export function buildProgram(program: Program, options: ProgramBuildOptions = {}): ProgramBuild {
  const diagnostics = [...program.diagnostics];
  const loadErrors = diagnostics.filter(isError);
  if (loadErrors.length > 0) {
    // A name declared twice still leaves every file parsed and every import found: with `every`, resolve the
    // names, so that the duplicate does not hide the other problems of the file (networks are not built).
    if (options.every && loadErrors.every((d) => d.code === 'duplicate-name')) {
      for (const f of program.files.values()) for (const d of resolveFile(f, options.cache)) diagnostics.push(d);
    }
    return { diagnostics, networks: [] };
  }
  if (!options.every) {
    const built = buildNetwork(program, options);
    for (const d of built.diagnostics) diagnostics.push(d);
    return { diagnostics, networks: [{ network: built.elaborated?.network ?? options.network ?? '', ...built }] };
  }
  // (No `push(...xs)`: a file can have more problems than a call can take arguments.)
  for (const f of program.files.values()) for (const d of resolveFile(f, options.cache)) diagnostics.push(d);
  if (diagnostics.some(isError)) return { diagnostics, networks: [] };
  const networks: NetworkBuild[] = [];
  const { cache, ...rest } = options;
  for (const decl of networksOf(program)) {
    const make = (): NetworkBuild => ({
      network: decl.name.name,
      ...buildNetwork(program, { ...rest, network: decl.name.name }),
    });
    const built = cache ? cache.build(program, decl, rest, make) : make();
    for (const d of built.diagnostics) diagnostics.push(d);
    networks.push(built);
  }
  cache?.retain(
    program.entry.path,
    networks.map((n) => n.network),
  );
  return { diagnostics, networks };
}

/** The diagnostics of a program that does not build. */
export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n') || 'compile failed');
  }
}

/** The IR of one network of a loaded program (buildProgram without `every`), or a CompileError. */
export function graphOf(program: Program, options: BuildOptions = {}): IRGraph {
  const built = buildProgram(program, options);
  const graph = built.networks[0]?.graph;
  if (!graph) throw new CompileError(built.diagnostics.filter(isError));
  return graph;
}
