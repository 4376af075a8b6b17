/**
 * Graph analyses the design-principle lint rules share (spec/lint/representational-bottleneck.md,
 * width-depth-balance.md, costly-grid-reduction.md):
 *
 * - the trunk: the nodes every path from the input to the main output goes through (grids.ts groups the
 *   trunk's nodes by grid; the auxiliary-classifier rule calls them stages). Between two
 *   consecutive trunk nodes lies one step of the network: a single layer of a chain, or a whole
 *   Inception module (from its input to its concat). The representation the paper's principle 1
 *   talks about is what flows through the trunk; the 1x1 reductions inside a module's branches are not
 *   trunk steps (the other branches carry the representation past them).
 * - stages: the nodes of the main head grouped by resolution level, round(log2(input area / area) / 2):
 *   each halving of the grid starts a new stage, the two-pixel border a VALID convolution trims does not.
 */
import type { IRGraph, IRNode, Shape } from '../../ir/ir.js';
import { convolutionOf, layerHead } from '../../ir/kinds/index.js';

/** H*W*C of a feature map, N of a vector. */
export function representationSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A feature map with more than one position (a 1x1 map is a vector in all but name: the classifier's). */
export function isSpatial(shape: Shape): boolean {
  return shape.length === 3 && shape[0]! * shape[1]! > 1;
}

/** The nodes the main output depends on, in topological order (aux heads left out). */
export function mainNodes(graph: IRGraph): IRNode[] {
  const needed = new Set<number>([graph.output]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    if (!needed.has(graph.nodes[i]!.id)) continue;
    for (const j of graph.nodes[i]!.inputs) needed.add(j);
  }
  return graph.nodes.filter((n) => needed.has(n.id));
}

/**
 * The trunk, from the input to the main output. In a topological order a node lies on every
 * input-to-output path exactly when no edge between the nodes that matter jumps over it.
 */
export function trunkOf(graph: IRGraph): IRNode[] {
  const nodes = mainNodes(graph);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  // lastUse[i]: the position of the last node that reads node i.
  const lastUse = nodes.map(() => -1);
  nodes.forEach((n, i) => {
    for (const j of n.inputs) {
      const k = index.get(j);
      if (k !== undefined) lastUse[k] = Math.max(lastUse[k]!, i);
    }
  });
  const trunk: IRNode[] = [];
  let reach = -1;
  nodes.forEach((n, i) => {
    if (reach <= i) trunk.push(n);
    reach = Math.max(reach, lastUse[i]!);
  });
  return trunk;
}

/** The nodes that read each node; an aux head reading a node counts as a reader with id -1. */
export function consumersOf(graph: IRGraph): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const n of graph.nodes) for (const i of n.inputs) out.set(i, [...(out.get(i) ?? []), n.id]);
  for (const a of graph.aux) out.set(a.from, [...(out.get(a.from) ?? []), -1]);
  return out;
}

/** One resolution level of the main head. */
export interface Stage {
  level: number;
  /** The grid of its first node, [H, W]. */
  grid: [number, number];
  nodes: IRNode[];
  /** Its trunk nodes (the representation between its modules and layers). */
  trunk: IRNode[];
  /** The most convolutions (full or separable) on one path through the stage's nodes. */
  depth: number;
  /** The last conv of a deepest path. */
  deepest?: IRNode;
  /** The most channels of a trunk node of the stage (its representation width). */
  width: number;
  /** The trunk node with that width (the first one reaching it). */
  widest?: IRNode;
  /** Multiply-adds of its nodes. */
  macs: number;
}

/**
 * The spatial nodes of the main head grouped by resolution level, in order, with each stage's depth,
 * width and multiply-adds; `totalMacs` counts every node of the main head (the classifier included).
 */
export function stagesOf(graph: IRGraph): { stages: Stage[]; totalMacs: number } {
  const nodes = mainNodes(graph);
  const onTrunk = new Set(trunkOf(graph).map((n) => n.id));
  const input = graph.nodes[graph.input]!.shape;
  const totalMacs = nodes.reduce((a, n) => a + n.macs, 0);
  if (input.length !== 3) return { stages: [], totalMacs };
  const inputArea = input[0]! * input[1]!;
  const levelOf = (n: IRNode): number | undefined =>
    isSpatial(n.shape) ? Math.round(Math.log2(inputArea / (n.shape[0]! * n.shape[1]!)) / 2) : undefined;
  const byLevel = new Map<number, Stage>();
  const depth = new Map<number, number>();
  for (const n of nodes) {
    const level = levelOf(n);
    if (level === undefined) continue;
    let d = 0;
    for (const i of n.inputs) if (levelOf(graph.nodes[i]!) === level) d = Math.max(d, depth.get(i) ?? 0);
    if (convolutionOf(n)) d++;
    depth.set(n.id, d);
    let stage = byLevel.get(level);
    if (!stage) {
      stage = { level, grid: [n.shape[0]!, n.shape[1]!], nodes: [], trunk: [], depth: 0, width: 0, macs: 0 };
      byLevel.set(level, stage);
    }
    stage.nodes.push(n);
    stage.macs += n.macs;
    if (d > stage.depth) {
      stage.depth = d;
      stage.deepest = n;
    }
    if (onTrunk.has(n.id)) {
      stage.trunk.push(n);
      if (n.shape[2]! > stage.width) {
        stage.width = n.shape[2]!;
        stage.widest = n;
      }
    }
  }
  return { stages: [...byLevel.values()].sort((a, b) => a.level - b.level), totalMacs };
}

/** How a node is named in messages: `conv 3x3/2 64 mixed3/branch3x3`, `maxpool 3x3/2 maxpool1`, `the module mixed3`. */
export function describeNode(n: IRNode): string {
  return n.attrs.op === 'concat' ? `the module ${n.name}` : `${layerHead(n.attrs)} ${n.name}`;
}

/** `2.0x`: a ratio with one decimal. */
export function times(ratio: number): string {
  return `${ratio.toFixed(1)}x`;
}

/** `28%`: the share `part / whole`, rounded. */
export function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)}%`;
}
