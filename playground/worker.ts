/**
 * The playground's compiler, in a Web Worker so that typing never waits for it. Each update is answered in
 * stages, cheapest first: diagnostics, summary and rewrites (`checked`), then lint findings (`lint`), then the
 * diagram (`diagram`, laid out by elkjs). A newer update abandons the stages an older one has left.
 * It runs the compiler's own library (compiler/, backends/graph) over a memory host (host.ts): no server.
 */
import files from 'incc-playground:files';
import type { Program } from '../compiler/program/program.js';
import { createProgram } from '../compiler/program/program.js';
import { buildNetwork, buildProgram, type BuildResult, type ProgramBuild } from '../compiler/program/pipeline.js';
import { networksOf } from '../compiler/ir/elaborate.js';
import type { IRGraph, IRNode } from '../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../compiler/ir/ir.js';
import { describeLayer } from '../compiler/ir/kinds/index.js';
import { shapeText } from '../compiler/print/text.js';
import { parseValue } from '../compiler/syntax/parse-value.js';
import type { Value } from '../compiler/ir/values.js';
import { costOf } from '../compiler/rewrite/cost.js';
import { lintProgram } from '../compiler/lint/engine/lint.js';
import { findInstance, render } from '../backends/graph/index.js';
import { memoryHost } from './host.js';
import { complete, hover } from './assist.js';
import { formatSource } from './format.js';
import type { Checked, Problem, QueryRequest, Request, Response, Row, UpdateRequest } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  addEventListener(type: 'message', listener: (e: MessageEvent<Request>) => void): void;
  postMessage(message: Response): void;
}
const scope = self as unknown as WorkerScope;
const post = (m: Response) => scope.postMessage(m);

const sources = new Map<string, string>(Object.entries(files as Record<string, string>));
const host = memoryHost(sources);

/** The last program built, for hover and completion. */
let last: { path: string; text: string; program: Program; graph?: IRGraph } | undefined;

function load(path: string, text: string): Program {
  if (last && last.path === path && last.text === text) return last.program;
  const program = createProgram(host, path, text);
  last = { path, text, program };
  return program;
}

const inBuffer = (program: Program, file: string | undefined) => file === program.entry.displayName;

/** The line of the buffer a node comes from: its own, or the innermost call in the buffer that made it. */
function lineOf(program: Program, n: IRNode): number | undefined {
  if (inBuffer(program, n.span.file)) return n.span.startLine;
  for (let i = n.origin.length - 1; i >= 0; i--) {
    if (inBuffer(program, n.origin[i]!.span.file)) return n.origin[i]!.span.startLine;
  }
  return undefined;
}

function parseArgs(pairs: string[]): { args: Record<string, Value>; problems: string[] } {
  const args = Object.create(null) as Record<string, Value>;
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const value = eq > 0 ? parseValue(pair.slice(eq + 1)) : undefined;
    if (value === undefined) problems.push(`'${pair}' is not NAME=VALUE (an integer, number, true/false or size)`);
    else args[pair.slice(0, eq).trim()] = value;
  }
  return { args, problems };
}

function costTotals(graph: IRGraph) {
  return costOf(graph.nodes, (n: IRNode) => (n.inputs.length > 0 ? graph.nodes[n.inputs[0]!]!.shape : []));
}

interface Stage {
  program: Program;
  built: ProgramBuild;
  network?: BuildResult;
}

function check(req: UpdateRequest): { checked: Checked; stage: Stage } {
  const start = performance.now();
  const program = load(req.path, req.text);
  const built = buildProgram(program, { every: true });
  const names = networksOf(program).map((d) => d.name.name);
  const network = req.network && names.includes(req.network) ? req.network : names[0];
  const { args, problems: argProblems } = parseArgs(req.args);
  let selected: BuildResult | undefined = built.networks.find((n) => n.network === network);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const addDiagnostics = (list: ProgramBuild['diagnostics']) => {
    for (const d of list) {
      const key = `${d.code}|${d.span?.file}|${d.span?.startOffset}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const here = inBuffer(program, d.span?.file);
      problems.push({
        from: here ? d.span!.startOffset : 0,
        to: here ? d.span!.endOffset : 0,
        line: here ? d.span!.startLine : 1,
        column: here ? d.span!.startColumn : 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(here ? {} : { file: d.span ? `${d.span.file}:${d.span.startLine}` : '' }),
      });
    }
  };
  addDiagnostics(built.diagnostics);
  if (network && selected && Object.keys(args).length > 0) {
    selected = buildNetwork(program, { network, args });
    addDiagnostics(selected.diagnostics);
  }
  for (const message of argProblems) {
    problems.push({ from: 0, to: 0, line: 1, column: 1, severity: 'error', code: 'set', message });
  }
  const graph = selected?.graph;
  if (last && last.program === program) last.graph = graph;
  const rows: Row[] = (graph?.nodes ?? []).map((n) => {
    const line = lineOf(program, n);
    return {
      name: n.name,
      op: describeLayer(n.attrs),
      shape: shapeText(n.shape),
      params: n.params.trainable + n.params.nonTrainable,
      macs: n.macs,
      source: `${n.span.file}:${n.span.startLine}`,
      ...(line !== undefined ? { line } : {}),
    };
  });
  const checked: Checked = {
    type: 'checked',
    version: req.version,
    problems,
    networks: names,
    rows,
    rewrites: [],
    ms: 0,
  };
  if (network) checked.network = network;
  if (graph && selected) {
    const p = totalParams(graph.nodes);
    checked.totals = {
      layers: graph.nodes.length,
      params: p.total,
      trainable: p.trainable,
      nonTrainable: p.nonTrainable,
      macs: totalMacs(graph.nodes),
      output: shapeText(graph.nodes[graph.output]!.shape),
    };
    checked.rewrites = selected.applications.map((a) => {
      const lastNode = a.before[a.before.length - 1]!;
      const line = lineOf(program, lastNode);
      return {
        rule: a.rule,
        node: lastNode.name,
        before: a.before.map((n) => describeLayer(n.attrs)).join(' -> '),
        after: a.after.map((n) => describeLayer(n.attrs)).join(' -> '),
        params: [a.cost.before.params, a.cost.after.params],
        macs: [a.cost.before.macs, a.cost.after.macs],
        ...(line !== undefined ? { line } : {}),
      };
    });
    if (selected.elaborated) {
      const before = costTotals(selected.elaborated);
      const after = costTotals(graph);
      checked.rewriteTotals = { params: [before.params, after.params], macs: [before.macs, after.macs] };
    }
  }
  checked.ms = performance.now() - start;
  return { checked, stage: { program, built, ...(selected ? { network: selected } : {}) } };
}

type LintMessages = NonNullable<Parameters<typeof render>[0]['lint']>['messages'];

function lint(req: UpdateRequest, stage: Stage): { response: Response; messages: LintMessages } {
  const result = lintProgram(stage.program, { built: stage.built });
  if (result.failures.length > 0) {
    const note = 'lint runs once the file compiles';
    return { response: { type: 'lint', version: req.version, findings: [], note }, messages: [] };
  }
  const text = req.text;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const offset = (line: number, column: number) => Math.min(text.length, (lineStarts[line - 1] ?? 0) + column - 1);
  const findings = result.messages
    .filter((m) => m.file === stage.program.entry.displayName)
    .map((m) => ({
      rule: m.ruleId,
      severity: m.severity,
      message: m.message,
      line: m.line,
      column: m.column,
      from: offset(m.line, m.column),
      to: offset(m.endLine, m.endColumn),
      ...(m.node ? { node: m.node } : {}),
    }));
  const response: Response = {
    type: 'lint',
    version: req.version,
    findings,
    ...(findings.length === 0 ? { note: 'no findings' } : {}),
  };
  return { response, messages: result.messages };
}

async function diagram(req: UpdateRequest, stage: Stage, messages: LintMessages) {
  const built = stage.network;
  if (!built?.graph) return undefined;
  const instance = req.instance ? findInstance(built.graph, req.instance) : undefined;
  const rendered = await render(
    {
      graph: built.graph,
      applications: built.applications,
      ...(instance ? { instance } : {}),
      lint: { messages },
    },
    { format: 'svg', lint: true, depth: 1 },
  );
  // The instances above the one drawn (`mixed5` inside nothing; a nested one inside its parents).
  const path: string[] = [];
  if (instance) {
    const member = built.graph.nodes.find((n) => n.origin[instance.level]?.instance === instance.instance);
    for (const f of member?.origin.slice(0, instance.level + 1) ?? []) path.push(f.instance);
  }
  return {
    type: 'diagram' as const,
    version: req.version,
    svg: rendered.text,
    path,
    ...(instance ? { instance: instance.instance } : {}),
  };
}

/**
 * Lets queued messages in (a newer update then replaces `pending`) and waits `ms`: lint and the layout wait
 * for a pause in typing, so that a keystroke never queues behind a layout that the next one makes stale.
 */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const LINT_DELAY_MS = 60;
const DIAGRAM_DELAY_MS = 200;

let pending: UpdateRequest | undefined;
let running = false;

async function run(): Promise<void> {
  running = true;
  try {
    while (pending) {
      const req = pending;
      pending = undefined;
      const { checked, stage } = check(req);
      post(checked);
      await pause(LINT_DELAY_MS);
      if (pending) continue;
      const linted = lint(req, stage);
      post(linted.response);
      await pause(DIAGRAM_DELAY_MS);
      if (pending) continue;
      try {
        const drawn = await diagram(req, stage, linted.messages);
        scope.onmessage = null;
        if (drawn && !pending) post(drawn);
      } catch (e) {
        post({ type: 'diagram', version: req.version, svg: '', path: [], instance: `error: ${String(e)}` });
      }
    }
  } finally {
    running = false;
  }
}

async function answer(req: QueryRequest): Promise<void> {
  try {
    let result: unknown;
    if (req.type === 'format') result = await formatSource(req.text, host.displayName(req.path));
    else {
      const program = load(req.path, req.text);
      const graph = last?.program === program ? last.graph : undefined;
      result = req.type === 'hover' ? hover(program, graph, req.offset) : complete(program, req.text, req.offset);
    }
    post({ type: 'reply', id: req.id, result });
  } catch (e) {
    post({ type: 'reply', id: req.id, result: null, error: e instanceof Error ? e.message : String(e) });
  }
}

function onMessage(e: MessageEvent<Request>): void {
  const req = e.data;
  if (req.type === 'update') {
    pending = req;
    if (!running) void run();
  } else void answer(req);
}

// elkjs, once loaded in a worker, takes `self.onmessage` for its own worker protocol (the layout runs in this
// thread, through its in-process API): this worker listens with addEventListener and clears that handler.
// It says `ready` once elkjs is loaded; the page sends nothing before.
scope.addEventListener('message', onMessage);
import('../backends/graph/layout.js').then(
  () => {
    scope.onmessage = null;
    post({ type: 'ready' });
  },
  (e: unknown) => {
    console.error(`playground: the layout library did not load: ${e instanceof Error ? e.stack : String(e)}`);
    post({ type: 'ready' });
  },
);
