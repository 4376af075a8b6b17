/**
 * `incc graph`: from a selected graph (cli/graph-select.ts) to a diagram in one of four formats (spec/graph.md).
 * The CLI imports this module dynamically; the layout library (elkjs, layout.ts) is loaded only for the
 * formats that need coordinates (svg, html).
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../../compiler/ir/ir.js';
import type { LintMessage } from '../../compiler/lint/engine/lint.js';
import type { Application } from '../../compiler/rewrite/rewrite.js';
import { DOT_MARKER, renderDot } from './dot.js';
import { renderHtml, type HtmlBlock, type HtmlFinding } from './html.js';
import { groupDigits, shapeText } from '../../compiler/print/text.js';
import { opLine } from './labels.js';
import type { Direction } from './layout.js';
import { MERMAID_MARKER, renderMermaid } from './mermaid.js';
import { findInstance, placeMarks, viewOf, type InstanceRef, type Mark, type View, type ViewNode } from './scope.js';
import { renderSvg, type Panel } from './svg.js';

export {
  viewOf,
  findInstance,
  instancesOf,
  type View,
  type ViewNode,
  type ViewEdge,
  type Mark,
  type InstanceRef,
} from './scope.js';

/** What render draws: a built graph, and what the command found about it. */
export interface Drawing {
  graph: IRGraph;
  /** The graph before the rewrite pass (for --diff). */
  elaborated?: IRGraph;
  applications: Application[];
  /** The block instance to draw (--block). */
  instance?: InstanceRef;
  /** A title instead of the scope's own (a block drawn alone). */
  title?: string;
  /** Lint findings about the drawn network (for --lint and html), with a note to tell the user. */
  lint?: { messages: LintMessage[]; note?: string };
}

export type GraphFormat = 'svg' | 'dot' | 'mermaid' | 'html';
export const FORMATS: GraphFormat[] = ['svg', 'dot', 'mermaid', 'html'];

export interface RenderOptions {
  format: GraphFormat;
  /** Levels of block instances opened below the scope; default: 1 for a network, all for a block. */
  depth?: number;
  /** Before and after the rewrite pass, side by side. */
  diff?: boolean;
  /** Overlay lint findings (the html report always shows them). */
  lint?: boolean;
  direction?: Direction;
}

export interface Rendered {
  text: string;
  /** Things to tell the user (on stderr). */
  notes: string[];
}

/**
 * Whether a file's first bytes are a diagram incc drew, in any format (each carries a marker: the svg's
 * class, the html's generator, a comment in dot and Mermaid): `graph --out` replaces only such files.
 */
export function isGraphOutput(head: Buffer): boolean {
  const text = head.toString('utf8');
  if (text.startsWith('<svg ')) return /^<svg [^>\n]*class="incc-graph"/.test(text);
  if (text.startsWith('<!DOCTYPE html>')) return text.includes('<meta name="generator" content="incc graph">');
  if (text.startsWith('digraph ')) return text.includes(`\n  ${DOT_MARKER}\n`);
  if (text.startsWith('---\n')) return text.includes(`\nflowchart BT\n  ${MERMAID_MARKER}\n`);
  return false;
}

const severityOf = (m: LintMessage): Mark['severity'] => m.severity;

function lintMarks(messages: LintMessage[]): Mark[] {
  return messages
    .filter((m) => m.node !== undefined)
    .map((m) => ({ kind: 'lint', severity: severityOf(m), rule: m.ruleId, text: m.message, node: m.node! }));
}

/** The marks of a rewrite: new nodes in the graph after, the nodes they replaced in the graph before. */
function rewriteMarks(before: IRGraph, after: IRGraph, applications: Application[]): { before: Mark[]; after: Mark[] } {
  const original = new Map(before.nodes.map((n) => [n.name, n]));
  const replaced: Mark[] = [];
  for (const a of applications) {
    const chain = a.after.map(opLine).join(' -> ');
    for (const b of a.before) {
      if (b.rewrite || original.get(b.name)?.id !== b.id) continue;
      replaced.push({ kind: 'replaced', rule: a.rule, text: `becomes ${chain}`, node: b.name });
    }
  }
  const rewritten: Mark[] = after.nodes
    .filter((n) => n.rewrite)
    .map((n) => {
      const was = original.get(n.rewrite!.replaced);
      return {
        kind: 'rewritten',
        rule: n.rewrite!.rule,
        text: `from ${n.rewrite!.replaced}${was ? ` (${opLine(was)})` : ''}`,
        node: n.name,
      };
    });
  return { before: replaced, after: rewritten };
}

/** The instance a block box of a view stands for. */
function instanceOfBox(v: ViewNode): InstanceRef {
  const level = v.members[0]!.origin.findIndex((f) => f.instance === v.name);
  return { instance: v.name, block: v.block!, level };
}

function scopeNodes(graph: IRGraph, instance: InstanceRef | undefined): IRNode[] {
  return instance ? graph.nodes.filter((n) => n.origin[instance.level]?.instance === instance.instance) : graph.nodes;
}

export async function render(sel: Drawing, options: RenderOptions): Promise<Rendered> {
  const graph = sel.graph;
  const notes: string[] = [];
  const instance = sel.instance;
  const depth = options.depth ?? (instance ? Infinity : 1);
  const view = viewOf(graph, { instance, depth });
  if (sel.title) view.title = sel.title;
  const withLint = options.lint === true || options.format === 'html';

  let messages: LintMessage[] = [];
  let lintNote: string | undefined;
  const footnotes: string[] = [];
  if (withLint) {
    const found = sel.lint ?? { messages: [], note: 'lint was not run' };
    messages = found.messages;
    lintNote = found.note;
    if (found.note && options.lint) notes.push(found.note);
    const unplaced = placeMarks(view, lintMarks(messages));
    // Findings about no node, or about a node this drawing does not have, go under the diagram (for a whole network).
    if (!instance) {
      for (const m of messages.filter((x) => x.node === undefined))
        footnotes.push(`${m.severity} ${m.ruleId} (${m.file}:${m.line}): ${m.message}`);
      for (const m of unplaced) footnotes.push(`${m.severity} ${m.rule} (${m.node}): ${m.text}`);
    }
  }

  const panels: { view: View; heading?: string }[] = [];
  if (options.diff) {
    const before = sel.elaborated ?? graph;
    const beforeInstance = instance ? findInstance(before, instance.instance) : undefined;
    const beforeView = viewOf(before, { instance: beforeInstance, depth });
    const marks = rewriteMarks(before, graph, sel.applications);
    if (instance)
      for (const m of [...marks.before, ...marks.after]) m.text = m.text.split(`${instance.instance}/`).join('');
    placeMarks(beforeView, marks.before);
    placeMarks(view, marks.after);
    const memberNames = new Set(view.members.map((n) => n.name));
    const inScope = marks.after.filter((m) => memberNames.has(m.node)).length;
    const rules = [...new Set(sel.applications.map((a) => a.rule))];
    if (sel.applications.length === 0) notes.push('no rule was applied: before and after are the same');
    else if (inScope === 0) notes.push('no rule rewrote a layer of the drawn scope');
    panels.push(
      { view: beforeView, heading: 'before: as written' },
      { view, heading: `after: ${rules.join(', ') || 'no rule'}` },
    );
  } else {
    panels.push({ view });
  }
  const title = options.diff ? `${view.title}: before and after the rules` : view.title;

  switch (options.format) {
    case 'dot':
      return { text: renderDot(panels, title, view.subtitle), notes };
    case 'mermaid':
      return { text: renderMermaid(panels, title), notes };
    case 'svg': {
      const { layoutView } = await import('./layout.js');
      const laid: Panel[] = [];
      for (const p of panels)
        laid.push({ laid: await layoutView(p.view, options.direction), ...(p.heading ? { heading: p.heading } : {}) });
      return { text: renderSvg(laid, { title, subtitle: view.subtitle, footnotes }), notes };
    }
    case 'html': {
      const { layoutView } = await import('./layout.js');
      const laid: Panel[] = [];
      for (const p of panels)
        laid.push({ laid: await layoutView(p.view, options.direction), ...(p.heading ? { heading: p.heading } : {}) });
      const diagram = renderSvg(laid, { title, subtitle: view.subtitle, footnotes, idPrefix: 'g-', linkBlocks: '' });
      // Each collapsed block, opened one more level, and so on down.
      const blocks: HtmlBlock[] = [];
      const queue: { box: ViewNode; parent?: string }[] = view.nodes
        .filter((v) => v.kind === 'block')
        .map((box) => ({ box }));
      for (let k = 0; k < queue.length; k++) {
        const { box, parent } = queue[k]!;
        const sub = viewOf(graph, { instance: instanceOfBox(box), depth: 1 });
        placeMarks(sub, lintMarks(messages));
        const svg = renderSvg([{ laid: await layoutView(sub, options.direction) }], {
          title: sub.title,
          subtitle: sub.subtitle,
          idPrefix: `b${k}-`,
          linkBlocks: '',
        });
        blocks.push({
          instance: box.name,
          block: box.block!,
          summary:
            `${shapeText(box.shape)}, ${groupDigits(box.params)} params, ${groupDigits(box.macs)} mult-adds, ` +
            `${box.members.length} layers`,
          svg,
          ...(parent ? { parent } : {}),
        });
        for (const inner of sub.nodes.filter((v) => v.kind === 'block')) queue.push({ box: inner, parent: box.name });
      }
      const rows = scopeNodes(graph, instance);
      const rowNames = new Set(rows.map((r) => r.name));
      const findings: HtmlFinding[] = messages
        .filter((m) => !instance || (m.node !== undefined && rowNames.has(m.node)))
        .map((m) => ({
          severity: m.severity,
          rule: m.ruleId,
          message: m.message,
          where: `${m.file}:${m.line}`,
          ...(m.node ? { node: m.node } : {}),
        }));
      const p = totalParams(rows);
      const totals =
        `${rows.length} layers; ${groupDigits(p.total)} params (trainable ${groupDigits(p.trainable)}, ` +
        `non-trainable ${groupDigits(p.nonTrainable)}); ${groupDigits(totalMacs(rows))} mult-adds`;
      const text = renderHtml({
        title,
        subtitle: view.subtitle,
        diagram,
        blocks,
        rows,
        totals,
        findings,
        ...(lintNote ? { lintNote } : {}),
      });
      return { text, notes };
    }
  }
}
