/**
 * The rewrite pass (spec/rewrite.md): applies rule requests to an elaborated graph, one after another in
 * the order given. One application walks the graph once in topological order; each node is matched at
 * most once per application, and nodes an application makes are not matched by it, so rewriting ends.
 * A replacement must produce the shape of what it replaces.
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, DiagnosticError, type Diagnostic } from '../diagnostics/diagnostics.js';
import type { IRGraph, IRNode, NodeAttrs } from '../ir/ir.js';
import { bindExplicit, bindLayer, isLayerSymbol, layerSpecs, optionsOf, type GivenArg } from '../ir/layers.js';
import { coerce } from '../ir/params.js';
import { inferNode, showShape } from '../ir/shapes.js';
import { evaluate, MapEnv, type Value } from '../ir/values.js';
import { fromOption, nodeAttributes } from './attributes.js';
import type { RuleRequest } from './request.js';
import { costOf, type Cost } from './cost.js';

/** One rewrite: what was matched and what replaced it. */
export interface Application {
  rule: string;
  args: Record<string, Value>;
  /** The matched nodes, as they were (ids of the graph before this application). */
  before: IRNode[];
  /** The nodes that replaced them. */
  after: IRNode[];
  cost: { before: Cost; after: Cost };
  applySpan: A.Span;
}

export interface RewriteResult {
  graph: IRGraph;
  applications: Application[];
  diagnostics: Diagnostic[];
}

function fail(...args: Parameters<typeof diagnostic>): never {
  throw new DiagnosticError(diagnostic(...args));
}

interface CompiledRule {
  pattern: A.LayerElement[];
  conditions: A.Expr[];
  replacement: A.Chain;
}

function compile(decl: A.RuleDecl): CompiledRule {
  const matches = decl.clauses.filter((c): c is A.MatchClause => c.kind === 'Match');
  const replaces = decl.clauses.filter((c): c is A.ReplaceClause => c.kind === 'Replace');
  if (matches.length !== 1 || replaces.length !== 1) {
    fail('rule-invalid', decl.name.span, { rule: decl.name.name, why: 'a rule has exactly one `match` and one `replace` clause' });
  }
  const pattern = matches[0]!.pattern.elements.map((el) => {
    if (el.kind !== 'Layer' || !layerSpecs.has(el.callee.name) || el.callee.name === 'input') {
      fail('rule-invalid', el.span, { rule: decl.name.name, why: 'a pattern is a chain of built-in layers other than input (`match maxpool -> conv`)' });
    }
    return el;
  });
  for (const el of replaces[0]!.replacement.elements) checkReplacement(el, decl);
  return { pattern, conditions: decl.clauses.filter((c): c is A.WhenClause => c.kind === 'When').map((c) => c.condition), replacement: replaces[0]!.replacement };
}

function checkReplacement(el: A.Element, decl: A.RuleDecl): void {
  if (el.kind === 'Layer' && layerSpecs.has(el.callee.name) && el.callee.name !== 'input') return;
  const bodies = el.kind === 'Concat' ? [el.body] : el.kind === 'If' ? ifBodies(el) : undefined;
  if (!bodies) fail('rule-invalid', el.span, { rule: decl.name.name, why: 'a replacement is made of built-in layers, concats and ifs' });
  for (const body of bodies) {
    for (const s of body.statements) {
      if (s.kind !== 'Chain') fail('rule-invalid', s.span, { rule: decl.name.name, why: 'a replacement holds layer chains only' });
      for (const inner of s.elements) checkReplacement(inner, decl);
    }
  }
}

/**
 * The structural problem of a rule declaration (`rule-invalid`), or undefined: what `compile` checks
 * when the rule is applied, for `incc check` to report on rules no network applies.
 */
export function ruleProblem(decl: A.RuleDecl): Diagnostic | undefined {
  try {
    compile(decl);
    return undefined;
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostic;
    throw e;
  }
}

function ifBodies(el: A.IfElement): A.Body[] {
  if (!el.else) return [el.then];
  return [el.then, ...(el.else.kind === 'If' ? ifBodies(el.else) : [el.else])];
}

/** Applies the requests in order. Stops at the first rule error (later rules would see a wrong graph). */
export function rewrite(graph: IRGraph, requests: RuleRequest[]): RewriteResult {
  const work = new WorkGraph(graph);
  const applications: Application[] = [];
  const diagnostics: Diagnostic[] = [];
  try {
    for (const request of requests) {
      const made = work.apply(request);
      applications.push(...made);
      if (made.length === 0) {
        const where = request.targets.length > 0 ? ` in ${request.targets.join(', ')}` : ` in network ${graph.network}`;
        diagnostics.push(diagnostic('rule-matches-nothing', request.decl.name.span, { rule: request.decl.name.name, where }, { related: [{ message: 'applied here', span: request.span }] }));
      }
    }
  } catch (e) {
    if (e instanceof DiagnosticError) return { graph, applications, diagnostics: [...diagnostics, e.diagnostic] };
    throw e;
  }
  return { graph: work.finish(), applications, diagnostics };
}

/** The graph being rewritten: nodes by id, in an order kept topological. */
class WorkGraph {
  private readonly byId = new Map<number, IRNode>();
  private order: number[];
  private nextId: number;
  private output: number;
  private aux: IRGraph['aux'];

  constructor(private readonly original: IRGraph) {
    for (const n of original.nodes) this.byId.set(n.id, { ...n });
    this.order = original.nodes.map((n) => n.id);
    this.nextId = original.nodes.length;
    this.output = original.output;
    this.aux = original.aux.map((a) => ({ ...a }));
  }

  private consumers(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const id of this.order) for (const i of this.byId.get(id)!.inputs) out.set(i, [...(out.get(i) ?? []), id]);
    for (const a of this.aux) out.set(a.from, [...(out.get(a.from) ?? []), -1]);
    return out;
  }

  private get nodesView(): { nodes: IRNode[] } {
    // nodeAttributes reads input shapes by id: a sparse array indexed by id serves.
    const nodes: IRNode[] = [];
    for (const [id, n] of this.byId) nodes[id] = n;
    return { nodes };
  }

  apply(request: RuleRequest): Application[] {
    const rule = compile(request.decl);
    const applications: Application[] = [];
    const used = new Set<number>();
    const startId = this.nextId;
    // Consumers are computed once, and again only after a replacement changed the graph.
    let consumers = this.consumers();
    for (const id of [...this.order]) {
      if (id >= startId || used.has(id) || !this.byId.has(id)) continue;
      const matched = this.matchAt(id, rule, request, used, startId, consumers);
      if (!matched) continue;
      for (const m of matched.nodes) used.add(m.id);
      applications.push(this.replace(matched.nodes, matched.env, rule, request));
      consumers = this.consumers();
    }
    return applications;
  }

  /** The pattern matched starting at node `id`, with the rule's environment, or undefined. */
  private matchAt(
    id: number,
    rule: CompiledRule,
    request: RuleRequest,
    used: Set<number>,
    startId: number,
    consumers: Map<number, number[]>,
  ): { nodes: IRNode[]; env: MapEnv } | undefined {
    const nodes: IRNode[] = [];
    let current = this.byId.get(id)!;
    if (optionsOf(current.attrs).kind !== rule.pattern[0]!.callee.name) return undefined;
    for (let i = 0; i < rule.pattern.length; i++) {
      if (i > 0) {
        const next = consumers.get(nodes[i - 1]!.id) ?? [];
        if (next.length !== 1 || next[0]! < 0) return undefined;
        const candidate = this.byId.get(next[0]!)!;
        if (candidate.inputs.length !== 1 || used.has(candidate.id) || candidate.id >= startId) return undefined;
        current = candidate;
      }
      nodes.push(current);
    }
    if (nodes.some((n, i) => optionsOf(n.attrs).kind !== rule.pattern[i]!.callee.name)) return undefined;
    if (request.targets.length > 0 && !nodes.every((n) => request.targets.some((t) => n.name === t || n.name.startsWith(`${t}/`)))) return undefined;
    const view = this.nodesView;
    const attrs = nodes.map((n) => nodeAttributes(n, view));
    // The rule's names: the attributes of the first matched layer's input; with one layer, all its
    // attributes; a labeled pattern layer as a record (`p.stride`).
    const vars = new Map<string, Value>();
    const first = attrs[0]!;
    for (const k of ['in_channels', 'grid', 'grid_h', 'grid_w', 'block', 'blocks', 'head']) if (first[k]) vars.set(k, first[k]!);
    if (nodes.length === 1) for (const [k, v] of Object.entries(first)) vars.set(k, v);
    rule.pattern.forEach((el, i) => {
      if (el.label) vars.set(el.label.name.name, { t: 'record', name: el.callee.name, fields: attrs[i]! });
    });
    const env = this.ruleEnv(request, new MapEnv(vars));
    for (let i = 0; i < nodes.length; i++) if (!patternMatches(rule.pattern[i]!, nodes[i]!, env)) return undefined;
    for (const c of rule.conditions) {
      const v = evaluate(c, env, isLayerSymbol);
      if (v.t !== 'bool') fail('type-mismatch', c.span, { what: 'a `when` condition', expected: 'true or false', actual: v.t });
      if (!v.v) return undefined;
    }
    return { nodes, env };
  }

  /** Binds the rule's parameters: given arguments, then defaults evaluated with the match in view. */
  private ruleEnv(request: RuleRequest, matchEnv: MapEnv): MapEnv {
    const vars = new Map<string, Value>();
    for (const p of request.decl.params) {
      const given = request.args.get(p.name.name);
      if (given) {
        vars.set(p.name.name, given.value);
        continue;
      }
      if (!p.default) fail('missing-argument', request.span, { callee: `rule ${request.decl.name.name}`, name: p.name.name });
      vars.set(p.name.name, coerce(evaluate(p.default, new MapEnv(vars, matchEnv), isLayerSymbol), p, p.default.span));
    }
    return new MapEnv(vars, matchEnv);
  }

  private replace(matched: IRNode[], env: MapEnv, rule: CompiledRule, request: RuleRequest): Application {
    const last = matched[matched.length - 1]!;
    const firstInput = matched[0]!.inputs;
    const builder = new ReplacementBuilder(this, matched, env, request, last.name);
    const out = builder.chain(rule.replacement, firstInput);
    const made = builder.made;
    const outNode = this.byId.get(out)!;
    if (showShape(outNode.shape) !== showShape(last.shape)) {
      fail(
        'rule-changes-shape',
        rule.replacement.span,
        { rule: request.decl.name.name, node: last.name, before: showShape(last.shape), after: showShape(outNode.shape) },
        { related: [{ message: `the layer it would replace`, span: last.span }, { message: 'applied here', span: request.span }] },
      );
    }
    // The replacement's output takes the replaced node's name; the others are named under it. A
    // replacement that makes no layer (`replace if false { ... }`: the matched layers removed) leaves
    // its output, the node before the match, with its own name.
    if (made.includes(out)) builder.rename(out, last.name);
    // Rewire: consumers of the last matched node read the replacement's output.
    for (const id of this.order) {
      const n = this.byId.get(id)!;
      n.inputs = n.inputs.map((i) => (i === last.id ? out : i));
    }
    if (this.output === last.id) this.output = out;
    for (const a of this.aux) {
      if (a.from === last.id) a.from = out;
      if (a.output === last.id) a.output = out;
    }
    const inputShape = (n: IRNode) => (n.inputs.length > 0 ? this.byId.get(n.inputs[0]!)!.shape : []);
    const after = made.map((id) => this.byId.get(id)!);
    const cost = { before: costOf(matched, inputShape), after: costOf(after, inputShape) };
    const position = this.order.indexOf(last.id);
    const matchedIds = new Set(matched.map((m) => m.id));
    this.order.splice(position, 1, ...made);
    this.order = this.order.filter((id) => !matchedIds.has(id));
    for (const m of matched) this.byId.delete(m.id);
    const args: Record<string, Value> = {};
    for (const p of request.decl.params) args[p.name.name] = env.lookup(p.name.name)!;
    return { rule: request.decl.name.name, args, before: matched, after, cost, applySpan: request.span };
  }

  addNode(node: Omit<IRNode, 'id'>): number {
    const id = this.nextId++;
    this.byId.set(id, { ...node, id });
    return id;
  }

  node(id: number): IRNode {
    return this.byId.get(id)!;
  }

  hasName(name: string): boolean {
    for (const n of this.byId.values()) if (n.name === name) return true;
    return false;
  }

  /** The rewritten graph, renumbered in topological order. */
  finish(): IRGraph {
    const renumber = new Map<number, number>();
    this.order.forEach((id, i) => renumber.set(id, i));
    const nodes = this.order.map((id, i) => {
      const n = this.byId.get(id)!;
      return { ...n, id: i, inputs: n.inputs.map((x) => renumber.get(x)!) };
    });
    return {
      ...this.original,
      nodes,
      input: renumber.get(this.original.input)!,
      output: renumber.get(this.output)!,
      aux: this.aux.map((a) => ({ ...a, from: renumber.get(a.from)!, output: renumber.get(a.output)! })),
    };
  }
}

/** Does a pattern layer (`conv (n)x(n)`, `maxpool /2`) accept this node? */
function patternMatches(el: A.LayerElement, node: IRNode, env: MapEnv): boolean {
  const { kind, options } = optionsOf(node.attrs);
  if (kind !== el.callee.name) return false;
  const spec = layerSpecs.get(kind)!;
  const given = el.args.map((a): GivenArg => ({ kind: a.kind, name: a.kind === 'NamedArg' ? a.name.name : undefined, value: evaluate(a.value, env, isLayerSymbol), span: a.span }));
  const wanted = bindExplicit(spec, given);
  for (const [option, value] of wanted) {
    if (JSON.stringify(options[option]) !== JSON.stringify(value)) return false;
  }
  return true;
}

/** Builds a replacement chain as IR nodes, named under the replaced node's name. */
class ReplacementBuilder {
  readonly made: number[] = [];
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly graph: WorkGraph,
    private readonly matched: IRNode[],
    private readonly env: MapEnv,
    private readonly request: RuleRequest,
    private readonly base: string,
  ) {}

  chain(chain: A.Chain, input: number[]): number {
    let current = input;
    for (const el of chain.elements) current = [this.element(el, current)];
    return current[0]!;
  }

  private element(el: A.Element, input: number[]): number {
    if (el.kind === 'If') {
      const cond = evaluate(el.condition, this.env, isLayerSymbol);
      if (cond.t !== 'bool') fail('type-mismatch', el.condition.span, { what: 'an if condition', expected: 'true or false', actual: cond.t });
      const branch = cond.v ? el.then : el.else;
      if (!branch) return input[0]!;
      if (branch.kind === 'If') return this.element(branch, input);
      let current = input;
      for (const s of branch.statements) current = [this.chain(s as A.Chain, current)];
      return current[0]!;
    }
    if (el.kind === 'Concat') {
      const branches = el.body.statements.map((s) => this.chain(s as A.Chain, input));
      return this.add({ op: 'concat' }, branches, el.span, 'concat', el.label);
    }
    const layer = el as A.LayerElement;
    const spec = layerSpecs.get(layer.callee.name)!;
    const given = layer.args.map((a): GivenArg => {
      const g: GivenArg = { kind: a.kind, value: evaluate(a.value, this.env, isLayerSymbol), span: a.span };
      if (a.kind === 'NamedArg') {
        g.name = a.name.name;
        g.nameSpan = a.name.span;
      }
      return g;
    });
    const attrs = bindLayer(spec, given, this.inherited(spec.name), layer.span);
    return this.add(attrs, input, layer.span, spec.name, layer.label);
  }

  /**
   * What a replacement layer takes from the layer it replaces: every option of the first matched layer
   * of the same kind but its kernel, stride, filters and units (the factorization sets those), so a
   * factor keeps the padding, batch norm and activation of the original; then the rule file's defaults.
   */
  private inherited(kind: string): Map<string, GivenArg> {
    const defaults = new Map<string, GivenArg>();
    const fileDefaults = this.request.file.ast?.items.filter((i): i is A.DefaultsStmt => i.kind === 'Defaults' && i.target.name === kind) ?? [];
    for (const d of fileDefaults) {
      for (const a of d.args) if (a.kind === 'NamedArg') defaults.set(a.name.name, { kind: 'NamedArg', name: a.name.name, value: evaluate(a.value, this.env, isLayerSymbol), span: a.span });
    }
    const source = this.matched.find((m) => optionsOf(m.attrs).kind === kind);
    if (source) {
      for (const [option, value] of Object.entries(optionsOf(source.attrs).options)) {
        if (['kernel', 'stride', 'filters', 'units'].includes(option)) continue;
        defaults.set(option, { kind: 'NamedArg', name: option, value: fromOption(value), span: source.span });
      }
    }
    return defaults;
  }

  private add(attrs: NodeAttrs, inputs: number[], ruleSpan: A.Span, kind: string, label?: A.Label): number {
    const last = this.matched[this.matched.length - 1]!;
    const name = label ? `${this.base}/${label.name.name}` : this.autoName(kind);
    if (this.graph.hasName(name) && name !== this.base) fail('duplicate-name', label?.span ?? ruleSpan, { what: 'node', name });
    let cost;
    try {
      cost = inferNode(attrs, inputs.map((i) => this.graph.node(i).shape), name, ruleSpan);
    } catch (e) {
      if (e instanceof DiagnosticError) (e.diagnostic.related ??= []).push({ message: `rewriting ${last.name}`, span: last.span });
      throw e;
    }
    const id = this.graph.addNode({
      name,
      attrs,
      inputs,
      shape: cost.shape,
      params: cost.params,
      macs: cost.macs,
      span: last.span,
      origin: last.origin,
      head: last.head,
      rewrite: { rule: this.request.decl.name.name, ruleSpan, applySpan: this.request.span, replaced: last.name },
    });
    this.made.push(id);
    return id;
  }

  private autoName(kind: string): string {
    let n = this.counters.get(kind) ?? 0;
    let name: string;
    do name = `${this.base}/${kind}${++n}`;
    while (this.graph.hasName(name));
    this.counters.set(kind, n);
    return name;
  }

  rename(id: number, name: string): void {
    this.graph.node(id).name = name;
  }
}
