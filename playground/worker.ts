/**
 * The playground's compiler, in a Web Worker so that typing never waits for it. It runs the language service
 * (language-service/: the same diagnostics, lint, hover, completion and formatting as `incc lsp`) and the
 * compiler's library over a memory host (host.ts): no server. Each update is answered in stages: diagnostics,
 * summary and rewrites (`checked`), lint findings (`lint`), then, after a pause in typing, the diagram
 * (`diagram`, laid out by elkjs). A newer update abandons the stages an older one has left.
 */
import files from 'incc-playground:files';
import type { Program } from '../compiler/program/program.js';
import { buildNetwork, type BuildResult } from '../compiler/program/pipeline.js';
import { networksOf } from '../compiler/ir/elaborate.js';
import type { IRGraph, IRNode } from '../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../compiler/ir/ir.js';
import { describeLayer } from '../compiler/ir/kinds/index.js';
import { shapeText } from '../compiler/print/text.js';
import { parseValue } from '../compiler/syntax/parse-value.js';
import { parseSource } from '../compiler/syntax/parse.js';
import type { Value } from '../compiler/ir/values.js';
import { costOf } from '../compiler/rewrite/cost.js';
import { findInstance, render } from '../backends/graph/index.js';
import { CompletionKind, createLanguageService } from '../language-service/index.js';
import type { Analysis } from '../language-service/analysis.js';
import { memoryHost } from './host.js';
import type {
  Checked,
  CompletionResult,
  Edit,
  Finding,
  HoverResult,
  Problem,
  QueryRequest,
  Request,
  Response,
  Row,
  UpdateRequest,
} from './protocol.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  addEventListener(type: 'message', listener: (e: MessageEvent<Request>) => void): void;
  postMessage(message: Response): void;
}
const scope = self as unknown as WorkerScope;
const post = (m: Response) => scope.postMessage(m);

const sources = new Map<string, string>(Object.entries(files as Record<string, string>));
const host = memoryHost(sources);
const stdImports = [...sources.keys()]
  .filter((p) => p.startsWith('/stdlib/'))
  .map((p) => `std/${p.slice('/stdlib/'.length, -'.incp'.length)}`);
const service = createLanguageService({ ...host, importPaths: () => stdImports });

/** The one open document: the editor's buffer. */
let openPath: string | undefined;

/** The analysis of the buffer (the language service's: program, every network built, lint, diagnostics). */
function analysis(path: string, text: string): Analysis {
  if (openPath === path) service.updateDocument(path, text);
  else {
    if (openPath !== undefined) service.closeDocument(openPath);
    service.openDocument(path, text);
    openPath = path;
  }
  return service.analysis(path);
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

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' } as const;

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
  analysis: Analysis;
  network?: BuildResult;
}

function check(req: UpdateRequest): { checked: Checked; linted: Response; stage: Stage } {
  const start = performance.now();
  const a = analysis(req.path, req.text);
  const program = a.program;
  const names = networksOf(program).map((d) => d.name.name);
  const network = req.network && names.includes(req.network) ? req.network : names[0];
  const { args, problems: argProblems } = parseArgs(req.args);
  let selected: BuildResult | undefined = a.built.networks.find((n) => n.network === network);
  const problems: Problem[] = [];
  const findings: Finding[] = [];
  for (const d of a.diagnostics) {
    const from = a.lines.offsetAt(d.range.start);
    const to = a.lines.offsetAt(d.range.end);
    const at = { from, to, line: d.range.start.line + 1, column: d.range.start.character + 1 };
    const severity = SEVERITY[d.severity];
    if (d.source === 'incc lint') {
      const node = (d.data as { node?: string } | undefined)?.node;
      findings.push({ rule: d.code, severity, message: d.message, ...at, ...(node ? { node } : {}) });
    } else problems.push({ severity, code: d.code, message: d.message, ...at });
  }
  if (network && selected && Object.keys(args).length > 0) {
    selected = buildNetwork(program, { network, args });
    for (const d of selected.diagnostics) {
      const here = inBuffer(program, d.span?.file);
      problems.push({
        from: here ? d.span!.startOffset : 0,
        to: here ? d.span!.endOffset : 0,
        line: here ? d.span!.startLine : 1,
        column: here ? d.span!.startColumn : 1,
        severity: d.severity,
        code: d.code,
        message: here || !d.span ? d.message : `${d.span.file}:${d.span.startLine}: ${d.message}`,
      });
    }
  }
  for (const message of argProblems) {
    problems.push({ from: 0, to: 0, line: 1, column: 1, severity: 'error', code: 'set', message });
  }
  const graph = selected?.graph;
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
    checked.rewrites = selected.applications.map((app) => {
      const lastNode = app.before[app.before.length - 1]!;
      const line = lineOf(program, lastNode);
      return {
        rule: app.rule,
        node: lastNode.name,
        before: app.before.map((n) => describeLayer(n.attrs)).join(' -> '),
        after: app.after.map((n) => describeLayer(n.attrs)).join(' -> '),
        params: [app.cost.before.params, app.cost.after.params],
        macs: [app.cost.before.macs, app.cost.after.macs],
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
  const linted: Response = {
    type: 'lint',
    version: req.version,
    findings,
    ...(a.lint.failures.length > 0
      ? { note: 'lint runs once the file compiles' }
      : findings.length === 0
        ? { note: 'no findings' }
        : {}),
  };
  return { checked, linted, stage: { analysis: a, ...(selected ? { network: selected } : {}) } };
}

async function diagram(req: UpdateRequest, stage: Stage) {
  const built = stage.network;
  if (!built?.graph) return undefined;
  const instance = req.instance ? findInstance(built.graph, req.instance) : undefined;
  const rendered = await render(
    {
      graph: built.graph,
      applications: built.applications,
      ...(instance ? { instance } : {}),
      lint: { messages: stage.analysis.lint.messages },
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
 * Lets queued messages in (a newer update then replaces `pending`) and waits `ms`: the layout waits for a
 * pause in typing, so that a keystroke never queues behind a layout that the next one makes stale.
 */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const DIAGRAM_DELAY_MS = 200;

let pending: UpdateRequest | undefined;
let running = false;

async function run(): Promise<void> {
  running = true;
  try {
    while (pending) {
      const req = pending;
      pending = undefined;
      const { checked, linted, stage } = check(req);
      post(checked);
      post(linted);
      await pause(DIAGRAM_DELAY_MS);
      if (pending) continue;
      try {
        const drawn = await diagram(req, stage);
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

const COMPLETION_TYPES: Record<number, string> = {
  [CompletionKind.Function]: 'function',
  [CompletionKind.Class]: 'class',
  [CompletionKind.Keyword]: 'keyword',
  [CompletionKind.Property]: 'property',
  [CompletionKind.Variable]: 'variable',
  [CompletionKind.Module]: 'namespace',
  [CompletionKind.EnumMember]: 'enum',
};

async function answer(req: QueryRequest): Promise<void> {
  try {
    const a = analysis(req.path, req.text);
    const position = a.lines.positionAt(req.offset);
    let result: HoverResult | CompletionResult | Edit[] | null = null;
    if (req.type === 'hover') {
      const h = service.hover(req.path, position);
      if (h)
        result = {
          from: a.lines.offsetAt(h.range.start),
          to: a.lines.offsetAt(h.range.end),
          markdown: h.contents.value,
        };
    } else if (req.type === 'complete') {
      const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(req.text.slice(0, req.offset))?.[0] ?? '';
      result = {
        from: req.offset - word.length,
        options: service.completion(req.path, position).map((c) => ({
          label: c.label,
          type: COMPLETION_TYPES[c.kind] ?? 'text',
          ...(c.detail ? { detail: c.detail } : {}),
          ...(c.documentation ? { info: c.documentation.value } : {}),
          ...(c.insertText ? { apply: c.insertText } : {}),
        })),
      };
    } else if (!parseSource(req.text, a.program.entry.displayName).diagnostics.some((d) => d.severity === 'error')) {
      // The service answers no edit both for a canonical file and for one that does not parse: null is the latter.
      const edits = await service.format(req.path);
      result = edits.map((e) => ({
        from: a.lines.offsetAt(e.range.start),
        to: a.lines.offsetAt(e.range.end),
        insert: e.newText,
      }));
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
