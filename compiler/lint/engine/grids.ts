/**
 * The stages of a network's main path, for the lint rules that reason about grids (auxiliary-classifier,
 * coarse-grid-expansion): the nodes every path from the input to the main output passes through (a
 * module's concat, a stem layer, a grid reduction's concat), with their H x W grids.
 */
import type { IRGraph, IRNode } from '../../ir/ir.js';

/**
 * The cut nodes of the main path, in topological order: main-head nodes on a path from the input to the
 * main output that no edge of such a path jumps over. Ids increase along every edge, so a node is
 * passed by every path exactly when no edge u -> w with u < node < w joins two nodes of those paths.
 */
export function mainPathStages(graph: IRGraph): IRNode[] {
  const main = graph.nodes.filter((n) => n.head === 'main');
  const fromInput = new Set<number>([graph.input]);
  for (const n of main) if (n.inputs.some((i) => fromInput.has(i))) fromInput.add(n.id);
  const toOutput = new Set<number>([graph.output]);
  for (let k = main.length - 1; k >= 0; k--) {
    const n = main[k]!;
    if (!toOutput.has(n.id)) continue;
    for (const i of n.inputs) toOutput.add(i);
  }
  const onPath = main.filter((n) => fromInput.has(n.id) && toOutput.has(n.id));
  const position = new Map(onPath.map((n, k) => [n.id, k]));
  // crossing[k] > 0 when some edge starts before position k and ends after it.
  const crossing = new Array<number>(onPath.length + 1).fill(0);
  for (const n of onPath) {
    for (const i of n.inputs) {
      const from = position.get(i);
      if (from === undefined) continue;
      const to = position.get(n.id)!;
      if (to - from < 2) continue;
      crossing[from + 1]!++;
      crossing[to]!--;
    }
  }
  const stages: IRNode[] = [];
  let open = 0;
  onPath.forEach((n, k) => {
    open += crossing[k]!;
    if (open === 0) stages.push(n);
  });
  return stages;
}

/** H x W of a feature map, or undefined for a vector. */
export function gridOf(n: IRNode): [number, number] | undefined {
  return n.shape.length === 3 ? [n.shape[0]!, n.shape[1]!] : undefined;
}

export const gridText = (g: [number, number]) => `${g[0]}x${g[1]}`;

/**
 * The stages on a spatial grid, global pooling left out: stages whose output is a map larger than 1x1.
 * Grids are compared by H x W; they shrink along the main path of every Inception network.
 */
export function gridStages(graph: IRGraph): { node: IRNode; grid: [number, number]; area: number }[] {
  const out: { node: IRNode; grid: [number, number]; area: number }[] = [];
  for (const node of mainPathStages(graph)) {
    const grid = gridOf(node);
    if (!grid || grid[0] * grid[1] <= 1) continue;
    out.push({ node, grid, area: grid[0] * grid[1] });
  }
  return out;
}

/**
 * The grids the main path runs on, in order of first appearance, each with its last stage (the
 * representation that leaves the grid: the input of the next grid reduction, or of global pooling).
 */
export function gridSequence(graph: IRGraph): { grid: [number, number]; area: number; first: IRNode; last: IRNode }[] {
  const out: { grid: [number, number]; area: number; first: IRNode; last: IRNode }[] = [];
  for (const s of gridStages(graph)) {
    const prev = out[out.length - 1];
    if (prev && prev.grid[0] === s.grid[0] && prev.grid[1] === s.grid[1]) prev.last = s.node;
    else out.push({ grid: s.grid, area: s.area, first: s.node, last: s.node });
  }
  return out;
}
