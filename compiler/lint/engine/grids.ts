/**
 * The stages of a network's main path, for the lint rules that reason about grids (auxiliary-classifier,
 * coarse-grid-expansion): the trunk (trunk.ts: the nodes every path from the input to the main output
 * passes through, a module's concat, a stem layer, a grid reduction's concat) with their H x W grids.
 * trunk.ts's `stagesOf` groups all main-path nodes by resolution level instead, with depth and width.
 */
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { trunkOf } from './trunk.js';

/** H x W of a feature map, or undefined for a vector. */
export function gridOf(n: IRNode): [number, number] | undefined {
  return n.shape.length === 3 ? [n.shape[0]!, n.shape[1]!] : undefined;
}

/**
 * The stages on a spatial grid, global pooling left out: stages whose output is a map larger than 1x1.
 * Grids are compared by H x W; they shrink along the main path of every Inception network.
 */
export function gridStages(graph: IRGraph): { node: IRNode; grid: [number, number]; area: number }[] {
  const out: { node: IRNode; grid: [number, number]; area: number }[] = [];
  for (const node of trunkOf(graph)) {
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
