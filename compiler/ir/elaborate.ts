/**
 * Elaboration: a network's AST -> the IR (spec/ir.md). Binds block arguments, unrolls repeats,
 * takes `if` branches, applies scoped defaults, qualifies names, infers shapes and counts
 * parameters and multiply-adds. Stops at the first error in a network (later shapes would be wrong).
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, DiagnosticError, fail, didYouMean, type Diagnostic } from '../diagnostics/diagnostics.js';
import type { AuxHead, Frame, IRGraph, IRNode, NodeAttrs, TrainingSetting } from './ir.js';
import { bindLayer, checkDefaultsNames, isLayerSymbol, layerSpecs, type GivenArg } from './layers.js';
import type { Declaration, LoadedFile, Program } from '../program/program.js';
import { inferNode } from './shapes.js';
import { shapeText } from '../print/text.js';
import { coerce, paramTypes } from './params.js';
import { resolveRecipe } from './recipe.js';
import { trainingSettings } from './training.js';
import { describeValue, evaluate, MapEnv, toPlain, toValue, type Env, type Value, type ValueLike } from './values.js';

/** Block instances nested deeper than this are reported (a block that instantiates itself). */
export const MAX_INSTANCE_DEPTH = 64;
/** The most iterations one `repeat` may make. */
export const MAX_REPEAT = 100_000;
/**
 * The most nodes a network may have, and the most repeat iterations its elaboration may run in all:
 * nested repeats and blocks multiply, and these keep a mistyped count from running for minutes.
 */
export const MAX_NODES = 50_000;
export const MAX_ITERATIONS = 1_000_000;

export interface ElaborateOptions {
  /** The network to elaborate; may be left out when the file declares exactly one. */
  network?: string;
  /** Values for the network's parameters (the rest take their defaults): plain JS values or Values. */
  args?: Record<string, ValueLike>;
}

export interface ElaborateResult {
  graph?: IRGraph;
  /** The network's `apply` statements, in source order: the rewrite pass turns them into rule requests. */
  applies: ApplyRequest[];
  diagnostics: Diagnostic[];
}

/** An `apply` statement with the scope it was written in. */
export interface ApplyRequest {
  stmt: A.ApplyRulesStmt;
  file: LoadedFile;
  env: Env;
}

/** Scoped defaults: layer kind -> option -> the argument that set it (its span is where a bad value is reported). */
type DefaultsMap = ReadonlyMap<string, ReadonlyMap<string, GivenArg>>;

class Scope {
  private readonly counters = new Map<string, number>();
  constructor(readonly prefix: string) {}
  qualify(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }
  /** The name a label gives in this scope: qualified, or as written for an exact (string) label. */
  named(label: A.Label): string {
    return label.exact ? label.name.name : this.qualify(label.name.name);
  }
  /** The next free automatic name for `kind` in this scope: conv1, conv2, ... */
  auto(kind: string, taken: (qualified: string) => boolean): string {
    let n = this.counters.get(kind) ?? 0;
    let name: string;
    do name = this.qualify(`${kind}${++n}`);
    while (taken(name));
    this.counters.set(kind, n);
    return name;
  }
}

type RootStatement = A.AuxStmt | A.TrainStmt | A.ApplyRulesStmt;

interface Ctx {
  env: MapEnv;
  file: LoadedFile;
  defaults: DefaultsMap;
  scope: Scope;
  origin: Frame[];
  head: string;
  /** Takes aux, train and apply statements: set only in the network's own body (and its `if` branches). */
  rootStatement?: (s: RootStatement, where: Ctx) => void;
}

/** What a name given by the user refers to: a node, or a scope (its output node). */
interface NamedThing {
  node: number;
  span: A.Span;
}

export function networksOf(program: Program): A.NetworkDecl[] {
  return program.entry.own.filter((d): d is A.NetworkDecl => d.kind === 'NetworkDecl');
}

export function elaborate(program: Program, options: ElaborateOptions = {}): ElaborateResult {
  const networks = networksOf(program);
  const available = networks.map((n) => n.name.name).join(', ') || 'none';
  let decl: A.NetworkDecl | undefined;
  if (options.network !== undefined) {
    decl = networks.find((n) => n.name.name === options.network);
    if (!decl)
      return {
        applies: [],
        diagnostics: [diagnostic('unknown-network', undefined, { name: options.network, available })],
      };
  } else if (networks.length === 1) {
    decl = networks[0];
  } else if (networks.length === 0) {
    return { applies: [], diagnostics: [diagnostic('no-network', undefined, { file: program.entry.displayName })] };
  } else {
    return { applies: [], diagnostics: [diagnostic('network-required', undefined, { available })] };
  }
  try {
    const args = Object.fromEntries(Object.entries(options.args ?? {}).map(([k, v]) => [k, toValue(v)]));
    const elaborator = new Elaborator(program);
    const graph = elaborator.network(decl!, args);
    return { graph, applies: elaborator.applies, diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticError) return { applies: [], diagnostics: [e.diagnostic] };
    if (e instanceof RangeError)
      return {
        applies: [],
        diagnostics: [diagnostic('recursion-too-deep', decl!.span, { depth: 'too many', limit: MAX_INSTANCE_DEPTH })],
      };
    throw e;
  }
}

class Elaborator {
  private readonly nodes: IRNode[] = [];
  private readonly named = new Map<string, NamedThing>();
  private readonly autoNamed = new Set<number>();
  private readonly fileOf = new Map<Declaration, LoadedFile>();
  /** Each file's top-level defaults (fileDefaults), made once: every instance of a block reads its file's. */
  private readonly defaultsOf = new Map<LoadedFile, DefaultsMap>();
  private readonly aux: AuxHead[] = [];
  private readonly training: TrainingSetting[] = [];
  /** The network's `apply` statements, for the rewrite pass (compiler/rewrite/). */
  readonly applies: ApplyRequest[] = [];
  /** Repeat iterations run so far (at most MAX_ITERATIONS). */
  private iterations = 0;

  constructor(program: Program) {
    for (const f of program.files.values()) for (const d of f.own) this.fileOf.set(d, f);
  }

  private networkName = '';

  /** Settings of every train section that runs; a key set twice is an error. */
  private addTraining(settings: TrainingSetting[]): void {
    for (const t of settings) {
      const previous = this.training.find((x) => x.key === t.key);
      if (previous)
        fail(
          'duplicate-name',
          t.span,
          { what: 'training setting', name: t.key },
          { related: [{ message: 'first set here', span: previous.span }] },
        );
      this.training.push(t);
    }
  }

  network(decl: A.NetworkDecl, given: Record<string, Value>): IRGraph {
    this.networkName = decl.name.name;
    const file = this.fileOf.get(decl)!;
    for (const name of Object.keys(given)) {
      if (!decl.params.some((p) => p.name.name === name)) {
        fail('unknown-parameter', decl.name.span, {
          callee: `network ${decl.name.name}`,
          name,
          hint: didYouMean(
            name,
            decl.params.map((p) => p.name.name),
          ),
        });
      }
    }
    const env = this.bindParams(
      `network ${decl.name.name}`,
      decl.params,
      new Map(Object.entries(given)),
      decl.name.span,
    );
    // Aux heads are elaborated after the body (they may read a node named later), each with the defaults
    // in effect where it was written.
    const pending: [A.AuxStmt, Ctx][] = [];
    const rootStatement = (s: RootStatement, where: Ctx) => {
      if (s.kind === 'Aux') pending.push([s, where]);
      else if (s.kind === 'ApplyRules') this.applies.push({ stmt: s, file, env });
      else this.addTraining(trainingSettings(s, env));
    };
    const ctx: Ctx = {
      env,
      file,
      defaults: this.fileDefaults(file),
      scope: new Scope(''),
      origin: [],
      head: 'main',
      rootStatement,
    };
    const output = this.body(decl.body, ctx, undefined);
    if (output === undefined) fail('missing-input', decl.name.span, { network: decl.name.name });
    for (const [a, where] of pending) this.auxHead(a, where);
    const args: Record<string, unknown> = {};
    for (const p of decl.params) args[p.name.name] = toPlain(env.lookup(p.name.name)!);
    // The train sections, once all are collected, against the one recipe schema every trainer reads.
    resolveRecipe({ training: this.training, aux: this.aux });
    return {
      network: decl.name.name,
      file: file.displayName,
      span: decl.span,
      args,
      nodes: this.nodes,
      input: 0,
      output,
      aux: this.aux,
      training: this.training,
    };
  }

  // ---- arguments --------------------------------------------------------------------------------

  /** Binds parameters to given values (checked against their types) or their defaults. */
  private bindParams(
    callee: string,
    params: A.Param[],
    given: Map<string, Value>,
    callSpan: A.Span,
    spans = new Map<string, A.Span>(),
  ): MapEnv {
    const vars = new Map<string, Value>();
    const seen = new Set<string>();
    for (const p of params) {
      if (seen.has(p.name.name)) fail('duplicate-name', p.name.span, { what: 'parameter', name: p.name.name });
      seen.add(p.name.name);
      if (p.type && !paramTypes.includes(p.type.name)) fail('unknown-type', p.type.span, { name: p.type.name });
      let value = given.get(p.name.name);
      let span = spans.get(p.name.name) ?? callSpan;
      if (value === undefined) {
        if (!p.default) fail('missing-argument', callSpan, { callee, name: p.name.name });
        value = evaluate(p.default, new MapEnv(vars), isLayerSymbol);
        span = p.default.span;
      }
      vars.set(p.name.name, coerce(value, p, span));
    }
    return new MapEnv(vars);
  }

  private callArgs(call: A.LayerElement, decl: A.BlockDecl, env: MapEnv): MapEnv {
    const given = new Map<string, Value>();
    const spans = new Map<string, A.Span>();
    let position = 0;
    const callee = `block ${decl.name.name}`;
    for (const a of call.args) {
      if (a.kind === 'StrideArg') fail('misplaced-stride', a.span, { callee });
      let name: string;
      if (a.kind === 'NamedArg') {
        name = a.name.name;
        if (!decl.params.some((p) => p.name.name === name)) {
          fail('unknown-parameter', a.name.span, {
            callee,
            name,
            hint: didYouMean(
              name,
              decl.params.map((p) => p.name.name),
            ),
          });
        }
      } else {
        const p = decl.params[position++];
        if (!p)
          fail('too-many-arguments', a.span, {
            callee,
            max: decl.params.length,
            count: call.args.filter((x) => x.kind === 'PositionalArg').length,
          });
        name = p.name.name;
      }
      if (given.has(name)) fail('duplicate-argument', a.span, { name });
      given.set(name, evaluate(a.value, env, isLayerSymbol));
      spans.set(name, a.span);
    }
    return this.bindParams(callee, decl.params, given, call.span, spans);
  }

  private layerArgs(args: A.Arg[], env: MapEnv): GivenArg[] {
    return args.map((a) => {
      const g: GivenArg = { kind: a.kind, value: evaluate(a.value, env, isLayerSymbol), span: a.span };
      if (a.kind === 'NamedArg') {
        g.name = a.name.name;
        g.nameSpan = a.name.span;
      }
      return g;
    });
  }

  // ---- defaults ---------------------------------------------------------------------------------

  private fileDefaults(file: LoadedFile): DefaultsMap {
    const made = this.defaultsOf.get(file);
    if (made) return made;
    let defaults: DefaultsMap = new Map();
    for (const item of file.ast?.items ?? []) {
      if (item.kind === 'Defaults') defaults = this.withDefaults(defaults, item, new MapEnv(new Map()));
    }
    this.defaultsOf.set(file, defaults);
    return defaults;
  }

  private withDefaults(defaults: DefaultsMap, stmt: A.DefaultsStmt, env: MapEnv): DefaultsMap {
    const spec = layerSpecs.get(stmt.target.name);
    if (!spec)
      fail('unknown-layer-kind', stmt.target.span, {
        name: stmt.target.name,
        hint: didYouMean(stmt.target.name, layerSpecs.keys()),
      });
    const args = this.layerArgs(stmt.args, env);
    checkDefaultsNames(spec, args);
    const next = new Map(defaults);
    const forKind = new Map(defaults.get(spec.name) ?? []);
    for (const a of args) forKind.set(a.name!, a);
    next.set(spec.name, forKind);
    return next;
  }

  // ---- statements -------------------------------------------------------------------------------

  /** Runs a body's statements in order; returns the last output. */
  private body(body: A.Body, ctx: Ctx, input: number | undefined): number | undefined {
    let current = input;
    let local = ctx;
    for (const s of body.statements) {
      switch (s.kind) {
        case 'Defaults':
          local = { ...local, defaults: this.withDefaults(local.defaults, s, local.env) };
          break;
        case 'Aux':
        case 'Train':
        case 'ApplyRules':
          if (!local.rootStatement) {
            fail('misplaced-statement', s.span, { statement: rootStatementName(s) });
          }
          local.rootStatement(s, local);
          break;
        case 'Chain':
          current = this.chain(s, local, current);
          break;
      }
    }
    return current;
  }

  private chain(chain: A.Chain, ctx: Ctx, input: number | undefined): number | undefined {
    if (chain.elements.length === 1)
      return this.element(chain.elements[0]!, chain.label ?? chain.elements[0]!.label, ctx, input);
    let inner = ctx;
    if (chain.label) {
      const name = this.claim(ctx.scope.named(chain.label), chain.label.span);
      inner = { ...ctx, scope: new Scope(name) };
    }
    let current = input;
    for (const el of chain.elements) current = this.element(el, el.label, inner, current);
    if (chain.label && current !== undefined)
      this.named.set(inner.scope.prefix, { node: current, span: chain.label.span });
    return current;
  }

  private element(el: A.Element, label: A.Label | undefined, ctx: Ctx, input: number | undefined): number | undefined {
    if (label?.last && el.kind !== 'Repeat') {
      fail('misplaced-range-label', label.span);
    }
    switch (el.kind) {
      case 'Layer':
        return this.layer(el, label, ctx, input);
      case 'Concat':
        return this.concat(el, label, ctx, input);
      case 'Repeat':
        return this.repeat(el, label, ctx, input);
      case 'If': {
        const cond = evaluate(el.condition, ctx.env, isLayerSymbol);
        if (cond.t !== 'bool')
          fail('non-boolean-condition', el.condition.span, { construct: 'an `if`', actual: describeValue(cond) });
        const branch = cond.v ? el.then : el.else;
        if (!branch) return input;
        if (branch.kind === 'If') return this.element(branch, undefined, ctx, input);
        return this.body(branch, ctx, input);
      }
    }
  }

  private layer(el: A.LayerElement, label: A.Label | undefined, ctx: Ctx, input: number | undefined): number {
    const kind = el.callee.name;
    const spec = layerSpecs.get(kind);
    if (!spec) {
      const decl = ctx.file.scope.get(kind);
      if (decl?.kind === 'BlockDecl') return this.instance(el, decl, label, ctx, input);
      if (decl)
        fail('not-a-layer', el.callee.span, { kind: decl.kind === 'NetworkDecl' ? 'network' : 'rule', name: kind });
      const candidates = [
        ...layerSpecs.keys(),
        ...[...ctx.file.scope.values()].filter((d) => d.kind === 'BlockDecl').map((d) => d.name.name),
      ];
      fail('unknown-layer-kind', el.callee.span, { name: kind, hint: didYouMean(kind, candidates) });
    }
    const attrs = bindLayer(spec, this.layerArgs(el.args, ctx.env), ctx.defaults.get(kind) ?? new Map(), el.span);
    if (attrs.op === 'input') {
      if (input !== undefined || this.nodes.length > 0) fail('misplaced-input', el.span);
      return this.addNode(attrs, [], label, ctx, el.span, kind);
    }
    if (input === undefined) fail('missing-input', el.span, { network: this.networkName });
    return this.addNode(attrs, [input], label, ctx, el.span, kind);
  }

  private addNode(
    attrs: NodeAttrs,
    inputs: number[],
    label: A.Label | undefined,
    ctx: Ctx,
    span: A.Span,
    kind: string,
  ): number {
    if (this.nodes.length >= MAX_NODES) fail('network-too-large', span, { what: 'nodes', limit: MAX_NODES });
    const id = this.nodes.length;
    const name = label
      ? this.claim(ctx.scope.named(label), label.span)
      : kind === 'input'
        ? ctx.scope.qualify('input')
        : ctx.scope.auto(kind, (n) => this.named.has(n));
    const cost = inferNode(
      attrs,
      inputs.map((i) => this.nodes[i]!.shape),
      name,
      span,
    );
    // Not `...cost`: interpreted (cli/incc.ts), a spread in the middle of a literal copies through the runtime.
    this.nodes.push({
      id,
      name,
      attrs,
      inputs,
      shape: cost.shape,
      params: cost.params,
      macs: cost.macs,
      span,
      origin: ctx.origin,
      head: ctx.head,
    });
    this.named.set(name, { node: id, span: label?.span ?? span });
    if (!label) this.autoNamed.add(id);
    return id;
  }

  /** Takes a user-given name, or reports it as a duplicate. */
  private claim(name: string, span: A.Span): string {
    const previous = this.named.get(name);
    if (previous)
      fail(
        'duplicate-name',
        span,
        { what: 'node', name },
        { related: [{ message: 'first named here', span: previous.span }] },
      );
    this.named.set(name, { node: -1, span });
    return name;
  }

  private concat(el: A.ConcatElement, label: A.Label | undefined, ctx: Ctx, input: number | undefined): number {
    if (input === undefined) fail('missing-input', el.span, { network: this.networkName });
    const name = label ? this.claim(ctx.scope.named(label), label.span) : undefined;
    // A labeled concat is a scope for its branches; an exact label names the node only.
    const inner: Ctx = { ...ctx, scope: name && !label!.exact ? new Scope(name) : ctx.scope, rootStatement: undefined };
    const branches: number[] = [];
    let local = inner;
    for (const s of el.body.statements) {
      if (s.kind === 'Defaults') {
        local = { ...local, defaults: this.withDefaults(local.defaults, s, local.env) };
        continue;
      }
      if (s.kind !== 'Chain') fail('statement-in-concat', s.span, { statement: rootStatementName(s) });
      if (s.elements.length > 1 && !s.label) {
        // An unnamed branch of several layers gets a scope of its own: branch1, branch2, ...
        const scope = new Scope(local.scope.auto('branch', (n) => this.named.has(n)));
        this.named.set(scope.prefix, { node: -1, span: s.span });
        const out = this.chain(s, { ...local, scope }, input)!;
        this.named.set(scope.prefix, { node: out, span: s.span });
        branches.push(out);
      } else {
        branches.push(this.chain(s, local, input)!);
      }
    }
    if (branches.length === 0) fail('empty-concat', el.span);
    const attrs: NodeAttrs = { op: 'concat' };
    const id = this.nodes.length;
    const nodeName = name ?? ctx.scope.auto('concat', (n) => this.named.has(n));
    const shapes = branches.map((b) => this.nodes[b]!.shape);
    let cost;
    try {
      cost = inferNode(attrs, shapes, nodeName, el.span);
    } catch (e) {
      if (e instanceof DiagnosticError && e.diagnostic.code === 'concat-shape-mismatch') {
        const described = branches
          .map((b) => `${this.nodes[b]!.name} is ${shapeText(this.nodes[b]!.shape)}`)
          .join(', ');
        fail('concat-shape-mismatch', el.span, { shapes: described });
      }
      throw e;
    }
    if (this.nodes.length >= MAX_NODES) fail('network-too-large', el.span, { what: 'nodes', limit: MAX_NODES });
    this.nodes.push({
      id,
      name: nodeName,
      attrs,
      inputs: branches,
      shape: cost.shape,
      params: cost.params,
      macs: 0,
      span: el.span,
      origin: ctx.origin,
      head: ctx.head,
    });
    this.named.set(nodeName, { node: id, span: label?.span ?? el.span });
    if (!label) this.autoNamed.add(id);
    return id;
  }

  private repeat(
    el: A.RepeatElement,
    label: A.Label | undefined,
    ctx: Ctx,
    input: number | undefined,
  ): number | undefined {
    const over = evaluate(el.over, ctx.env, isLayerSymbol);
    let values: (Value | undefined)[];
    if (over.t === 'int') {
      if (el.variable)
        fail('repeat-in-count', el.over.span, { variable: el.variable.name, actual: describeValue(over) });
      if (over.v < 0)
        fail('value-out-of-range', el.over.span, { what: 'a repeat count', range: 'at least 0', value: over.v });
      if (over.v > MAX_REPEAT) fail('repeat-too-large', el.over.span, { count: over.v, limit: MAX_REPEAT });
      values = new Array<undefined>(over.v).fill(undefined);
    } else if (over.t === 'list' || over.t === 'range') {
      if (!el.variable) fail('repeat-count-not-integer', el.over.span, { actual: describeValue(over) });
      const count = over.t === 'list' ? over.items.length : Math.max(0, over.high - over.low + 1);
      if (count > MAX_REPEAT) fail('repeat-too-large', el.over.span, { count, limit: MAX_REPEAT });
      values =
        over.t === 'list'
          ? over.items
          : Array.from({ length: count }, (_, i) => ({ t: 'int', v: over.low + i }) as Value);
    } else {
      return fail('repeat-over-invalid', el.over.span, { actual: describeValue(over) });
    }
    const names = label ? this.instanceNames(label, values.length) : undefined;
    let current = input;
    const only = soleElement(el.body);
    values.forEach((v, i) => {
      if (++this.iterations > MAX_ITERATIONS)
        fail('network-too-large', el.over.span, { what: 'repeat iterations', limit: MAX_ITERATIONS });
      let inner: Ctx = { ...ctx, rootStatement: undefined };
      if (el.variable) inner = { ...inner, env: ctx.env.with(el.variable.name, v!) };
      const scopeName = names?.[i];
      if (scopeName && only) {
        // `mixed4..mixed7: repeat c in [...] { InceptionC(c) }`: each instance is named mixed4, ... itself.
        current = this.element(only, syntheticLabel(scopeName, label!.span), inner, current);
        return;
      }
      if (scopeName) inner = { ...inner, scope: new Scope(this.claim(ctx.scope.qualify(scopeName), label!.span)) };
      const out = this.body(el.body, inner, current);
      if (scopeName && out !== undefined) this.finishScope(inner.scope.prefix, out, label!.span);
      current = out;
    });
    return current;
  }

  /** `mixed4..mixed7` -> mixed4, mixed5, mixed6, mixed7; a plain label `stage` -> stage1, stage2, ... */
  private instanceNames(label: A.Label, count: number): string[] {
    const first = label.name.name;
    if (!label.last) return Array.from({ length: count }, (_, i) => `${first}${i + 1}`);
    const a = /^(.*?)(\d+)$/.exec(first);
    const b = /^(.*?)(\d+)$/.exec(label.last.name);
    if (!a || !b || a[1] !== b[1]) {
      fail('label-count-mismatch', label.span, { first, last: label.last.name, names: 'no numbered', count });
    }
    const low = Number(a[2]);
    const high = Number(b[2]);
    if (high - low + 1 !== count)
      fail('label-count-mismatch', label.span, {
        first,
        last: label.last.name,
        names: Math.max(0, high - low + 1),
        count,
      });
    return Array.from({ length: count }, (_, i) => `${a[1]}${low + i}`);
  }

  private instance(
    call: A.LayerElement,
    decl: A.BlockDecl,
    label: A.Label | undefined,
    ctx: Ctx,
    input: number | undefined,
  ): number {
    if (input === undefined) fail('missing-input', call.span, { network: this.networkName });
    if (ctx.origin.length >= MAX_INSTANCE_DEPTH)
      fail('recursion-too-deep', call.span, { depth: ctx.origin.length, limit: MAX_INSTANCE_DEPTH });
    const env = this.callArgs(call, decl, ctx.env);
    const name = label
      ? this.claim(ctx.scope.named(label), label.span)
      : ctx.scope.auto(decl.name.name, (n) => this.named.has(n));
    this.named.set(name, { node: -1, span: call.span });
    const file = this.fileOf.get(decl)!;
    const inner: Ctx = {
      env,
      file,
      defaults: this.fileDefaults(file),
      scope: new Scope(name),
      origin: [...ctx.origin, { block: decl.name.name, instance: name, span: call.span }],
      head: ctx.head,
    };
    let out: number | undefined;
    try {
      out = this.body(decl.body, inner, input);
    } catch (e) {
      // A problem deep inside a block points at the block's line; say through which call it was reached.
      // (At most a few: a block that instantiates itself would list every level.)
      if (
        e instanceof DiagnosticError &&
        e.diagnostic.code !== 'recursion-too-deep' &&
        (e.diagnostic.related?.length ?? 0) < 4
      ) {
        (e.diagnostic.related ??= []).push({
          message: `in ${name}, an instance of block ${decl.name.name}`,
          span: call.span,
        });
      }
      throw e;
    }
    if (out === undefined || out === input) return fail('empty-block', call.span, { name: decl.name.name });
    this.finishScope(name, out, label?.span ?? call.span);
    return out;
  }

  /** A scope's name refers to its output; an automatically named output takes the scope's name (`mixed0`). */
  private finishScope(scope: string, output: number, span: A.Span): void {
    const node = this.nodes[output]!;
    if (
      this.autoNamed.has(output) &&
      node.name.startsWith(`${scope}/`) &&
      !node.name.slice(scope.length + 1).includes('/')
    ) {
      this.named.delete(node.name);
      node.name = scope;
      this.autoNamed.delete(output);
    }
    this.named.set(scope, { node: output, span });
  }

  // ---- aux heads and rule applications ------------------------------------------------------------

  private resolvePath(path: A.Path, network: string): number {
    const name = path.segments.map((s) => s.name).join('/');
    const found = this.named.get(name);
    if (!found || found.node < 0) {
      fail('unknown-node', path.span, {
        name,
        network,
        hint: didYouMean(
          name,
          [...this.named.keys()].filter((n) => !n.includes('/')),
        ),
      });
    }
    return found.node;
  }

  private auxHead(stmt: A.AuxStmt, ctx: Ctx): void {
    const network = this.networkName;
    const from = this.resolvePath(stmt.from, network);
    let weight = 0.4;
    if (stmt.weight) {
      const w = evaluate(stmt.weight, ctx.env);
      if ((w.t !== 'float' && w.t !== 'int') || w.v < 0)
        fail('invalid-aux-weight', stmt.weight.span, { actual: describeValue(w) });
      weight = w.v;
    }
    const name = stmt.label ? stmt.label.name.name : ctx.scope.auto('aux', (n) => this.named.has(n));
    const inner: Ctx = { ...ctx, head: name, rootStatement: undefined };
    const only = soleElement(stmt.body);
    let out: number | undefined;
    if (only) {
      // `aux_logits: aux from mixed7 { AuxHead(classes) }`: the instance is named aux_logits itself.
      out = this.element(only, syntheticLabel(name, stmt.label?.span ?? stmt.span), inner, from);
    } else {
      const taken = this.named.get(name);
      if (taken)
        fail(
          'duplicate-name',
          stmt.label?.span ?? stmt.span,
          { what: 'node', name },
          { related: [{ message: 'first named here', span: taken.span }] },
        );
      out = this.body(stmt.body, { ...inner, scope: new Scope(name) }, from);
    }
    if (out === undefined || out === from) fail('empty-aux-head', stmt.span);
    this.finishScope(name, out, stmt.span);
    this.aux.push({ name, from, output: out, weight, span: stmt.span });
  }
}

/** A label the elaborator gives an element on the user's behalf (a repeat instance, an aux head). */
function syntheticLabel(name: string, span: A.Span): A.Label {
  return { kind: 'Label', name: { kind: 'Identifier', name, span }, span };
}

/** The one unlabeled element a body consists of, if that is all it holds. */
function soleElement(body: A.Body): A.Element | undefined {
  const [s, ...rest] = body.statements;
  if (!s || rest.length > 0 || s.kind !== 'Chain' || s.label || s.elements.length !== 1) return undefined;
  const el = s.elements[0]!;
  return el.label ? undefined : el;
}

/** A statement of a network's own body, as a message names it. */
function rootStatementName(s: RootStatement): string {
  return s.kind === 'Aux' ? 'an aux head' : s.kind === 'Train' ? 'a train section' : 'an apply statement';
}
