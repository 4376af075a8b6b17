/**
 * The rewrite pass (spec/rewrite.md): applies rule requests to an elaborated graph, one after another in
 * the order given. One application walks the graph once in topological order; each node is matched at
 * most once per application, and nodes an application makes are not matched by it, so rewriting ends.
 * A replacement must produce the shape of what it replaces.
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, DiagnosticError, fail, type Diagnostic } from '../diagnostics/diagnostics.js';
import type { IRGraph, IRNode, NodeAttrs } from '../ir/ir.js';
import { bindExplicit, bindLayer, isLayerSymbol, layerSpecs, optionsOf, type GivenArg } from '../ir/layers.js';
import { MAX_NODES } from '../ir/elaborate.js';
import { coerce } from '../ir/params.js';
import { inferNode } from '../ir/shapes.js';
import { shapeText } from '../print/text.js';
import { describeValue, evaluate, MapEnv, type Value } from '../ir/values.js';
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

interface CompiledRule {
  pattern: A.LayerElement[];
  conditions: A.Expr[];
  replacement: A.Chain;
}

function compile(decl: A.RuleDecl): CompiledRule {
  const matches = decl.clauses.filter((c): c is A.MatchClause => c.kind === 'Match');
  const replaces = decl.clauses.filter((c): c is A.ReplaceClause => c.kind === 'Replace');
  if (matches.length !== 1 || replaces.length !== 1) {
    fail('rule-invalid', decl.name.span, {
      rule: decl.name.name,
      why: 'a rule has exactly one `match` and one `replace` clause',
    });
  }
  const pattern = matches[0]!.pattern.elements.map((el) => {
    if (el.kind !== 'Layer' || !layerSpecs.has(el.callee.name) || el.callee.name === 'input') {
      fail('rule-invalid', el.span, {
        rule: decl.name.name,
        why: 'a pattern is a chain of built-in layers other than input (`match maxpool -> conv`)',
      });
    }
    return el;
  });
  for (const el of replaces[0]!.replacement.elements) checkReplacement(el, decl);
  return {
    pattern,
    conditions: decl.clauses.filter((c): c is A.WhenClause => c.kind === 'When').map((c) => c.condition),
    replacement: replaces[0]!.replacement,
  };
}

function checkReplacement(el: A.Element, decl: A.RuleDecl): void {
  if (el.kind === 'Layer' && layerSpecs.has(el.callee.name) && el.callee.name !== 'input') return;
  const bodies = el.kind === 'Concat' ? [el.body] : el.kind === 'If' ? ifBodies(el) : undefined;
  if (!bodies)
    fail('rule-invalid', el.span, {
      rule: decl.name.name,
      why: 'a replacement is made of built-in layers, concats and ifs',
    });
  for (const body of bodies) {
    for (const s of body.statements) {
      if (s.kind !== 'Chain')
        fail('rule-invalid', s.span, { rule: decl.name.name, why: 'a replacement holds layer chains only' });
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
      for (const a of made) applications.push(a);
      if (made.length === 0) {
        const where = request.targets.length > 0 ? ` in ${request.targets.join(', ')}` : ` in network ${graph.network}`;
        diagnostics.push(
          diagnostic(
            'rule-matches-nothing',
            request.decl.name.span,
            { rule: request.decl.name.name, where },
            { related: [{ message: 'applied here', span: request.span }] },
          ),
        );
      }
    }
  } catch (e) {
    if (e instanceof DiagnosticError) return { graph, applications, diagnostics: [...diagnostics, e.diagnostic] };
    throw e;
  }
  return { graph: work.finish(), applications, diagnostics };
}

/**
 * The graph being rewritten: nodes by id, in an order kept topological. Every step of an application
 * costs time in proportion to the nodes it matches or makes, never to the size of the graph: consumers,
 * names and the order (a linked list) are kept up to date as nodes are replaced.
 */
class WorkGraph {
  /** Nodes by id (a sparse array: replaced nodes leave holes). */
  private readonly nodes: (IRNode | undefined)[] = [];
  private liveCount = 0;
  /** For each node, the nodes that read it and how many times (an aux head reading it is -1). */
  private readonly consumers = new Map<number, Map<number, number>>();
  /** How many live nodes have each name. */
  private readonly names = new Map<string, number>();
  /** The topological order as a doubly linked list of ids. */
  private readonly next = new Map<number, number>();
  private readonly prev = new Map<number, number>();
  private first: number;
  private nextId: number;
  private output: number;
  private aux: IRGraph['aux'];

  constructor(private readonly original: IRGraph) {
    for (const n of original.nodes) this.insert({ ...n });
    original.nodes.forEach((n, i) => {
      if (i > 0) this.link(original.nodes[i - 1]!.id, n.id);
    });
    this.first = original.nodes[0]?.id ?? -1;
    this.nextId = original.nodes.length;
    this.output = original.output;
    this.aux = original.aux.map((a) => ({ ...a }));
    for (const a of this.aux) this.addConsumer(a.from, -1);
  }

  private insert(node: IRNode): void {
    this.nodes[node.id] = node;
    this.liveCount++;
    this.names.set(node.name, (this.names.get(node.name) ?? 0) + 1);
    for (const i of node.inputs) this.addConsumer(i, node.id);
  }

  private remove(node: IRNode): void {
    this.nodes[node.id] = undefined;
    this.liveCount--;
    this.unname(node.name);
    for (const i of node.inputs) this.dropConsumer(i, node.id);
    this.consumers.delete(node.id);
    const before = this.prev.get(node.id);
    const after = this.next.get(node.id);
    if (before !== undefined && after !== undefined) this.link(before, after);
    else if (before !== undefined) this.next.delete(before);
    else if (after !== undefined) this.prev.delete(after);
    if (this.first === node.id) this.first = after ?? -1;
    this.prev.delete(node.id);
    this.next.delete(node.id);
  }

  private link(a: number, b: number): void {
    this.next.set(a, b);
    this.prev.set(b, a);
  }

  /** Puts `id` (not yet in the order) just before `before`. */
  private placeBefore(id: number, before: number): void {
    const p = this.prev.get(before);
    if (p !== undefined) this.link(p, id);
    else this.first = id;
    this.link(id, before);
  }

  private addConsumer(of: number, consumer: number, times = 1): void {
    let readers = this.consumers.get(of);
    if (!readers) this.consumers.set(of, (readers = new Map()));
    readers.set(consumer, (readers.get(consumer) ?? 0) + times);
  }

  private dropConsumer(of: number, consumer: number): void {
    const readers = this.consumers.get(of);
    const times = readers?.get(consumer);
    if (times === undefined) return;
    if (times > 1) readers!.set(consumer, times - 1);
    else readers!.delete(consumer);
  }

  /** The only reader of node `id`, when exactly one node reads it once (-1: an aux head). */
  private onlyReader(id: number): number | undefined {
    const readers = this.consumers.get(id);
    if (!readers || readers.size !== 1) return undefined;
    const [[reader, times]] = readers;
    return times === 1 ? reader : undefined;
  }

  private unname(name: string): void {
    const count = this.names.get(name)!;
    if (count > 1) this.names.set(name, count - 1);
    else this.names.delete(name);
  }

  /** The ids in topological order. */
  private orderedIds(): number[] {
    const ids: number[] = [];
    for (let id: number | undefined = this.first; id !== undefined && id >= 0; id = this.next.get(id)) ids.push(id);
    return ids;
  }

  apply(request: RuleRequest): Application[] {
    const rule = compile(request.decl);
    const applications: Application[] = [];
    const used = new Set<number>();
    const startId = this.nextId;
    for (const id of this.orderedIds()) {
      if (id >= startId || used.has(id) || !this.nodes[id]) continue;
      const matched = this.matchAt(id, rule, request, used, startId);
      if (!matched) continue;
      for (const m of matched.nodes) used.add(m.id);
      applications.push(this.replace(matched.nodes, matched.env, rule, request));
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
  ): { nodes: IRNode[]; env: MapEnv } | undefined {
    const nodes: IRNode[] = [];
    let current = this.nodes[id]!;
    if (optionsOf(current.attrs).kind !== rule.pattern[0]!.callee.name) return undefined;
    for (let i = 0; i < rule.pattern.length; i++) {
      if (i > 0) {
        const next = this.onlyReader(nodes[i - 1]!.id);
        if (next === undefined || next < 0) return undefined;
        const candidate = this.nodes[next]!;
        if (candidate.inputs.length !== 1 || used.has(candidate.id) || candidate.id >= startId) return undefined;
        current = candidate;
      }
      nodes.push(current);
    }
    if (nodes.some((n, i) => optionsOf(n.attrs).kind !== rule.pattern[i]!.callee.name)) return undefined;
    if (
      request.targets.length > 0 &&
      !nodes.every((n) => request.targets.some((t) => n.name === t || n.name.startsWith(`${t}/`)))
    )
      return undefined;
    // nodeAttributes reads input shapes by id: the sparse array indexed by id serves.
    const view = { nodes: this.nodes as IRNode[] };
    const attrs = nodes.map((n) => nodeAttributes(n, view));
    // The rule's names: the attributes of the first matched layer's input; with one layer, all its
    // attributes; a labeled pattern layer as a record (`p.stride`).
    const vars = new Map<string, Value>();
    const first = attrs[0]!;
    for (const k of ['in_channels', 'grid', 'grid_h', 'grid_w', 'block', 'blocks', 'head'])
      if (first[k]) vars.set(k, first[k]!);
    if (nodes.length === 1) for (const [k, v] of Object.entries(first)) vars.set(k, v);
    rule.pattern.forEach((el, i) => {
      if (el.label) vars.set(el.label.name.name, { t: 'record', name: el.callee.name, fields: attrs[i]! });
    });
    const env = this.ruleEnv(request, new MapEnv(vars));
    for (let i = 0; i < nodes.length; i++) if (!patternMatches(rule.pattern[i]!, nodes[i]!, env)) return undefined;
    for (const c of rule.conditions) {
      const v = evaluate(c, env, isLayerSymbol);
      if (v.t !== 'bool') fail('non-boolean-condition', c.span, { construct: 'a `when`', actual: describeValue(v) });
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
      if (!p.default)
        fail('missing-argument', request.span, { callee: `rule ${request.decl.name.name}`, name: p.name.name });
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
    const outNode = this.nodes[out]!;
    if (shapeText(outNode.shape) !== shapeText(last.shape)) {
      fail(
        'rule-changes-shape',
        rule.replacement.span,
        {
          rule: request.decl.name.name,
          node: last.name,
          before: shapeText(last.shape),
          after: shapeText(outNode.shape),
        },
        {
          related: [
            { message: `the layer it would replace`, span: last.span },
            { message: 'applied here', span: request.span },
          ],
        },
      );
    }
    // The replacement's output takes the replaced node's name; the others are named under it. A
    // replacement that makes no layer (`replace if false { ... }`: the matched layers removed) leaves
    // its output, the node before the match, with its own name.
    if (made.includes(out)) builder.rename(out, last.name);
    // Rewire: consumers of the last matched node read the replacement's output.
    const readers = this.consumers.get(last.id) ?? new Map<number, number>();
    for (const [id, times] of readers) {
      if (id >= 0) {
        const n = this.nodes[id]!;
        n.inputs = n.inputs.map((i) => (i === last.id ? out : i));
      }
      this.addConsumer(out, id, times);
    }
    this.consumers.delete(last.id);
    if (this.output === last.id) this.output = out;
    for (const a of this.aux) {
      if (a.from === last.id) a.from = out;
      if (a.output === last.id) a.output = out;
    }
    const inputShape = (n: IRNode) => (n.inputs.length > 0 ? this.nodes[n.inputs[0]!]!.shape : []);
    const after = made.map((id) => this.nodes[id]!);
    const cost = { before: costOf(matched, inputShape), after: costOf(after, inputShape) };
    // The made nodes take the place of the last matched one in the order; the matched ones leave it.
    for (const id of made) this.placeBefore(id, last.id);
    for (const m of matched) this.remove(m);
    const args: Record<string, Value> = {};
    for (const p of request.decl.params) args[p.name.name] = env.lookup(p.name.name)!;
    return { rule: request.decl.name.name, args, before: matched, after, cost, applySpan: request.span };
  }

  /**
   * Adds a node made by a replacement (placed in the order by `replace`); stops at the node limit, counting
   * the graph as it will be once the `replacing` matched nodes are gone.
   */
  addNode(node: Omit<IRNode, 'id'>, request: RuleRequest, replacing: number): number {
    if (this.liveCount - replacing >= MAX_NODES) {
      const related = [{ message: 'rewriting this layer', span: node.span }];
      fail('rewrite-too-large', request.span, { rule: request.decl.name.name, limit: MAX_NODES }, { related });
    }
    const id = this.nextId++;
    this.insert({ ...node, id });
    return id;
  }

  node(id: number): IRNode {
    return this.nodes[id]!;
  }

  hasName(name: string): boolean {
    return this.names.has(name);
  }

  rename(id: number, name: string): void {
    const n = this.nodes[id]!;
    this.unname(n.name);
    n.name = name;
    this.names.set(name, (this.names.get(name) ?? 0) + 1);
  }

  /** The rewritten graph, renumbered in topological order. */
  finish(): IRGraph {
    const order = this.orderedIds();
    const renumber = new Map<number, number>();
    order.forEach((id, i) => renumber.set(id, i));
    const nodes = order.map((id, i) => {
      const n = this.nodes[id]!;
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
  const given = el.args.map((a): GivenArg => ({
    kind: a.kind,
    name: a.kind === 'NamedArg' ? a.name.name : undefined,
    value: evaluate(a.value, env, isLayerSymbol),
    span: a.span,
  }));
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
      if (cond.t !== 'bool')
        fail('non-boolean-condition', el.condition.span, { construct: 'an `if`', actual: describeValue(cond) });
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
    const fileDefaults =
      this.request.file.ast?.items.filter(
        (i): i is A.DefaultsStmt => i.kind === 'Defaults' && i.target.name === kind,
      ) ?? [];
    for (const d of fileDefaults) {
      for (const a of d.args)
        if (a.kind === 'NamedArg')
          defaults.set(a.name.name, {
            kind: 'NamedArg',
            name: a.name.name,
            value: evaluate(a.value, this.env, isLayerSymbol),
            span: a.span,
          });
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
    if (this.graph.hasName(name) && name !== this.base)
      fail('duplicate-name', label?.span ?? ruleSpan, { what: 'node', name });
    let cost;
    try {
      cost = inferNode(
        attrs,
        inputs.map((i) => this.graph.node(i).shape),
        name,
        ruleSpan,
      );
    } catch (e) {
      if (e instanceof DiagnosticError)
        (e.diagnostic.related ??= []).push({ message: `rewriting ${last.name}`, span: last.span });
      throw e;
    }
    const id = this.graph.addNode(
      {
        name,
        attrs,
        inputs,
        ...cost, // shape, params, macs
        span: last.span,
        origin: last.origin,
        head: last.head,
        rewrite: { rule: this.request.decl.name.name, ruleSpan, applySpan: this.request.span, replaced: last.name },
      },
      this.request,
      this.matched.length,
    );
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
    this.graph.rename(id, name);
  }
}
