/**
 * The layout of views too big for ELK (more than ELK_MAX_BOXES boxes: a network of thousands of layers
 * drawn whole). ELK's layered algorithm is superlinear and recurses once per box along a chain (a chain
 * of about 4,000 boxes exhausts the stack), so such a view is laid out here, in time linear in its boxes
 * and arrows: each box goes to the row of its longest path from a box with no inputs (the same layering
 * as ELK's LONGEST_PATH_SOURCE), the boxes of a row stand side by side in view order (the model order),
 * each row centered on the widest; an arrow leaves its source's top (or bottom, drawn downwards), turns
 * once in the gap under its target's row, and enters the target at its input's position, in branch
 * order. Arrows that skip rows may cross boxes: the drawing is for finding a layer, not for reading a
 * module. Deterministic, like ELK's.
 */
import type { Box, Direction, Laid, Route } from './placement.js';
import type { View } from './scope.js';

/** Views with more boxes than this are laid out here rather than by ELK. */
export const ELK_MAX_BOXES = 1000;

const NODE_GAP = 18;
const ROW_GAP = 26;
const PADDING = 8;

type Sizes = Map<string, { width: number; height: number }>;

export function plainLayout(view: View, sizes: Sizes, direction: Direction): Laid {
  const rank = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of view.edges) {
    let list = incoming.get(e.to);
    if (!list) incoming.set(e.to, (list = []));
    list.push(e.from);
  }
  // view.nodes is in topological order: every source is ranked before its targets.
  const rows: string[][] = [];
  for (const v of view.nodes) {
    let r = 0;
    for (const from of incoming.get(v.key) ?? []) r = Math.max(r, (rank.get(from) ?? 0) + 1);
    rank.set(v.key, r);
    (rows[r] ??= []).push(v.key);
  }
  const rowWidth = rows.map((keys) => keys.reduce((w, k) => w + sizes.get(k)!.width, 0) + NODE_GAP * (keys.length - 1));
  const rowHeight = rows.map((keys) => keys.reduce((h, k) => Math.max(h, sizes.get(k)!.height), 0));
  const width = rowWidth.reduce((a, b) => Math.max(a, b), 0) + 2 * PADDING;
  const height = rowHeight.reduce((a, b) => a + b, 0) + ROW_GAP * Math.max(0, rows.length - 1) + 2 * PADDING;

  // Row tops, from the first row: at the bottom when the flow goes up.
  const rowTop: number[] = [];
  let offset = PADDING;
  for (let r = 0; r < rows.length; r++) {
    rowTop[r] = direction === 'up' ? height - offset - rowHeight[r]! : offset;
    offset += rowHeight[r]! + ROW_GAP;
  }
  const boxes = new Map<string, Box>();
  rows.forEach((keys, r) => {
    let x = (width - rowWidth[r]!) / 2;
    for (const k of keys) {
      const s = sizes.get(k)!;
      const y = rowTop[r]! + (rowHeight[r]! - s.height) / 2;
      boxes.set(k, { x: round(x), y: round(y), width: s.width, height: s.height });
      x += s.width + NODE_GAP;
    }
  });

  const arity = new Map<string, number>();
  for (const e of view.edges) arity.set(e.to, Math.max(arity.get(e.to) ?? 0, e.index + 1));
  const routes: Route[] = view.edges.map((e) => {
    const a = boxes.get(e.from)!;
    const b = boxes.get(e.to)!;
    const n = arity.get(e.to)!;
    const sx = a.x + a.width / 2;
    const tx = b.x + (b.width * (e.index + 0.5)) / n;
    const sy = direction === 'up' ? a.y : a.y + a.height;
    const ty = direction === 'up' ? b.y + b.height : b.y;
    const turn = direction === 'up' ? ty + ROW_GAP / 2 : ty - ROW_GAP / 2;
    const points: [number, number][] =
      Math.abs(sx - tx) < 0.05
        ? [
            [sx, sy],
            [tx, ty],
          ]
        : [
            [sx, sy],
            [sx, turn],
            [tx, turn],
            [tx, ty],
          ];
    return { from: e.from, to: e.to, index: e.index, points: points.map(([x, y]) => [round(x), round(y)]) };
  });
  return { view, width: round(width), height: round(height), boxes, routes };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
