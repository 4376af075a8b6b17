/**
 * What a diagram draws (spec/graph.md): the scope (a whole network, or one block instance) and, at a
 * chosen depth, the block instances collapsed into one box each. The result, a `View`, is what every
 * output format reads: layout and SVG, dot, Mermaid, the html report.
 *
 * Blocks are found through each node's `origin` (the chain of block instantiations that made it): the
 * nodes of one instance are those whose origin passes through it. Nothing here loads the layout library.
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { totalMacs, totalParams } from '../../compiler/ir/ir.js';
import { shapeText } from '../../compiler/print/text.js';
import { blockLines, externalLines, layerLines } from './labels.js';

export type ViewNodeKind = 'layer' | 'block' | 'external';

/** Something drawn on a box: a lint finding, or the part a node plays in a rule application. */
export interface Mark {
  kind: 'lint' | 'rewritten' | 'replaced';
  /** For lint: the finding's severity. */
  severity?: 'error' | 'warning' | 'info';
  /** For lint: the rule id; for a rewrite: the rule's name. */
  rule: string;
  /** The message shown beside the box. */
  text: string;
  /** The IR node it concerns (for a collapsed block: one of its layers). */
  node: string;
}

export interface ViewNode {
  /**
   * Unique in the view: the IR node's name for a layer, the instance's for a block, `<from> NAME` for an outside input.
   */
  key: string;
  kind: ViewNodeKind;
  /** The IR node's name, or the block instance's name. */
  name: string;
  /** The name relative to the drawn scope (`branch7x7/conv2` inside `mixed4`). */
  short: string;
  /** The IR op of a layer; `block` or `external` otherwise. */
  op: string;
  /** The block of a collapsed instance. */
  block?: string;
  /** The text of the box, first line first: see labels.ts. */
  lines: string[];
  shape: number[];
  params: number;
  macs: number;
  /**
   * The IR nodes the box stands for: one for a layer, every node of the instance for a block, none for an outside
   * input.
   */
  members: IRNode[];
  /** The inputs the IR node has (for a concat: its branches). */
  arity: number;
  head: string;
  /** `file:line` of the layer (of the call, for a block). */
  source?: string;
  marks: Mark[];
}

export interface ViewEdge {
  from: string;
  to: string;
  /** The input's position at the target: a concat's branches in order (0 = the first, drawn leftmost). */
  index: number;
}

export interface View {
  /** A title: the network, or the block instance and its block. */
  title: string;
  /** One line under it: the file, input and output, parameters and multiply-adds. */
  subtitle: string;
  /** What the view shows, for data attributes: `network` or `block`. */
  scope: 'network' | 'block';
  /** The network, and the instance when the scope is a block. */
  network: string;
  instance?: string;
  block?: string;
  /** The depth blocks are opened to (Infinity: every layer). */
  depth: number;
  /** In topological order; outside inputs first. */
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** The IR nodes in scope, in graph order. */
  members: IRNode[];
}

/** A block instance of a graph: its name, its block and how deep it sits (0: made by the network's body). */
export interface InstanceRef {
  instance: string;
  block: string;
  level: number;
}

/**
 * The block instance `name` names in `graph`: an instance of that name, or else the first instance (in node
 * order) of a block of that name. Undefined when there is neither.
 */
export function findInstance(graph: IRGraph, name: string): InstanceRef | undefined {
  for (const n of graph.nodes) {
    const level = n.origin.findIndex((f) => f.instance === name);
    if (level >= 0) return { instance: name, block: n.origin[level]!.block, level };
  }
  for (const n of graph.nodes) {
    const level = n.origin.findIndex((f) => f.block === name);
    if (level >= 0) return { instance: n.origin[level]!.instance, block: name, level };
  }
  return undefined;
}

/** Every block instance of a graph, in node order. */
export function instancesOf(graph: IRGraph): InstanceRef[] {
  const seen = new Map<string, InstanceRef>();
  for (const n of graph.nodes)
    n.origin.forEach(
      (f, level) => seen.has(f.instance) || seen.set(f.instance, { instance: f.instance, block: f.block, level }),
    );
  return [...seen.values()];
}

export interface ScopeOptions {
  /** Draw this block instance only (see findInstance); the whole network when left out. */
  instance?: InstanceRef;
  /** Block instances this many levels below the scope are collapsed into one box; Infinity: none. */
  depth?: number;
}

const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The view of `graph` for a scope and a depth. */
export function viewOf(graph: IRGraph, options: ScopeOptions = {}): View {
  const depth = options.depth ?? Infinity;
  if (!(depth >= 1)) throw new Error(`depth must be 1 or more, got ${depth}`);
  const inst = options.instance;
  const base = inst ? inst.level + 1 : 0;
  const prefix = inst ? `${inst.instance}/` : '';
  const inScope = (n: IRNode) => !inst || n.origin[inst.level]?.instance === inst.instance;
  const members = graph.nodes.filter(inScope);
  const shortOf = (name: string) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name);

  const nodes: ViewNode[] = [];
  const byKey = new Map<string, ViewNode>();
  /** IR node id -> the view node that draws it. */
  const drawnBy = new Map<number, ViewNode>();
  const add = (v: ViewNode) => {
    nodes.push(v);
    byKey.set(v.key, v);
    return v;
  };

  // Outside inputs (the layers feeding the block), in the order the scope first reads them.
  const externals = new Map<number, ViewNode>();
  for (const n of members) {
    for (const i of n.inputs) {
      const src = graph.nodes[i]!;
      if (inScope(src) || externals.has(i)) continue;
      const v: ViewNode = {
        key: `<from> ${src.name}`,
        kind: 'external',
        name: src.name,
        short: src.name,
        op: 'external',
        lines: externalLines(src),
        shape: src.shape,
        params: 0,
        macs: 0,
        members: [],
        arity: 0,
        head: src.head,
        source: `${src.span.file}:${src.span.startLine}`,
        marks: [],
      };
      externals.set(i, v);
    }
  }
  for (const v of externals.values()) add(v);

  for (const n of members) {
    const frame = n.origin.length - base >= depth ? n.origin[base + depth - 1] : undefined;
    if (!frame) {
      const v = add({
        key: n.name,
        kind: 'layer',
        name: n.name,
        short: shortOf(n.name),
        op: n.attrs.op,
        lines: layerLines(n),
        shape: n.shape,
        params: n.params.trainable + n.params.nonTrainable,
        macs: n.macs,
        members: [n],
        arity: n.inputs.length,
        head: n.head,
        source: `${n.span.file}:${n.span.startLine}`,
        marks: [],
      });
      drawnBy.set(n.id, v);
      continue;
    }
    let v = byKey.get(frame.instance);
    if (!v) {
      v = add({
        key: frame.instance,
        kind: 'block',
        name: frame.instance,
        short: shortOf(frame.instance),
        op: 'block',
        block: frame.block,
        lines: [],
        shape: [],
        params: 0,
        macs: 0,
        members: [],
        arity: 0,
        head: n.head,
        source: `${frame.span.file}:${frame.span.startLine}`,
        marks: [],
      });
    }
    v.members.push(n);
    drawnBy.set(n.id, v);
  }

  // A collapsed block: its output is the node named like the instance (a block's concat), else its last node.
  for (const v of nodes) {
    if (v.kind !== 'block') continue;
    const out = v.members.find((m) => m.name === v.name) ?? v.members[v.members.length - 1]!;
    v.shape = out.shape;
    v.params = totalParams(v.members).total;
    v.macs = totalMacs(v.members);
    v.lines = blockLines(v.block!, v.shape, v.params);
  }

  const edges: ViewEdge[] = [];
  const seen = new Set<string>();
  for (const v of nodes) {
    if (v.kind === 'external') continue;
    let next = 0;
    for (const m of v.members) {
      m.inputs.forEach((i, j) => {
        const from = drawnBy.get(i) ?? externals.get(i)!;
        if (from === v) return;
        // A layer's inputs keep their positions (a concat's branches); a block box reads each source once.
        const key = v.kind === 'layer' ? `${from.key}\u0000${v.key}\u0000${j}` : `${from.key}\u0000${v.key}`;
        if (seen.has(key)) return;
        seen.add(key);
        edges.push({ from: from.key, to: v.key, index: v.kind === 'layer' ? j : next++ });
      });
    }
  }

  const total = totalParams(members).total;
  const macs = totalMacs(members);
  const first = members[0]!;
  const last = inst
    ? (members.find((m) => m.name === inst.instance) ?? members[members.length - 1]!)
    : graph.nodes[graph.output]!;
  const inputShape = inst
    ? [...externals.values()].map((e) => shapeText(e.shape)).join(', ') || shapeText(first.shape)
    : shapeText(graph.nodes[graph.input]!.shape);
  const counts = `${fmt(total)} params, ${fmt(macs)} mult-adds`;
  return {
    title: inst ? `${inst.block} (${inst.instance} of ${graph.network})` : graph.network,
    subtitle: `${graph.file}: ${inputShape} -> ${shapeText(last.shape)}, ${members.length} layers, ${counts}`,
    scope: inst ? 'block' : 'network',
    network: graph.network,
    ...(inst ? { instance: inst.instance, block: inst.block } : {}),
    depth,
    nodes,
    edges,
    members,
  };
}

/** The edges sorted by target (in view order), each target's inputs in branch order. */
export function edgesInTargetOrder(view: View): ViewEdge[] {
  const position = new Map(view.nodes.map((v, i) => [v.key, i]));
  return [...view.edges].sort((a, b) => position.get(a.to)! - position.get(b.to)! || a.index - b.index);
}

/** The block boxes of a view (collapsed instances), for the html report's expandable sections. */
export function collapsedBlocks(view: View): ViewNode[] {
  return view.nodes.filter((v) => v.kind === 'block');
}

/**
 * Puts marks on the boxes that draw their nodes: a layer's own box, or the box of the block that
 * collapses it. Marks whose node is not drawn are returned.
 */
export function placeMarks(view: View, marks: Mark[]): Mark[] {
  const owner = new Map<string, ViewNode>();
  for (const v of view.nodes) for (const m of v.members) owner.set(m.name, v);
  const unplaced: Mark[] = [];
  for (const mark of marks) {
    const v = owner.get(mark.node);
    if (!v) unplaced.push(mark);
    else
      v.marks.push(
        v.kind === 'block'
          ? {
              ...mark,
              text:
                `${mark.node.startsWith(`${v.name}/`) ? mark.node.slice(v.name.length + 1) : mark.node}: ` +
                `${mark.text}`,
            }
          : mark,
      );
  }
  return unplaced;
}
