/**
 * Placing the boxes and routing the arrows of a view, with elkjs (the Eclipse Layout Kernel, pure
 * JavaScript: no system Graphviz, nothing downloaded). This is the only module that loads elkjs, and
 * only the `incc graph` command loads this module (dynamically): check, lint and summary never do.
 *
 * The drawing conventions (spec/graph.md): data flows from the bottom (the input, or the layer feeding a
 * block: the paper's "Base") to the top (the concat); layers are layered from the input, so each branch
 * starts right above what it reads and the branches stand side by side as columns; a concat's inputs
 * enter it in branch order, left to right (ports in a fixed order); nodes keep their order in the graph
 * (ELK's model order), so the branches appear in source order. ELK is deterministic: the same view gives
 * the same coordinates. A view of more than ELK_MAX_BOXES boxes is laid out by plain-layout.ts instead.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { boxSize } from './labels.js';
import { ELK_MAX_BOXES, plainLayout } from './plain-layout.js';
import type { View } from './scope.js';
import type { Box, Direction, Laid, Route } from './placement.js';

export type { Box, Direction, Laid, Route } from './placement.js';

/** The smallest width of a box with several inputs: room for each arrow. */
const PORT_SPACING = 26;

type ElkConstructor = new (args?: ELKConstructorArguments) => ELK;
/** The package is CommonJS: its `module.exports` is the constructor (and so is its `default`). */
const ElkClass = ((elkModule as unknown as { default?: ElkConstructor }).default ??
  elkModule) as unknown as ElkConstructor;
let elk: ELK | undefined;

/**
 * Lays a view out. Twice: a concat, and the input or outside layer that several branches read (the
 * paper's "Filter Concat" and "Base"), is then widened to span the branches it joins or feeds, as the
 * paper draws them.
 */
export async function layoutView(view: View, direction: Direction = 'up'): Promise<Laid> {
  const sizes = new Map<string, { width: number; height: number }>();
  const inbound = new Map<string, number>();
  const outbound = new Map<string, number>();
  for (const e of view.edges) {
    inbound.set(e.to, (inbound.get(e.to) ?? 0) + 1);
    outbound.set(e.from, (outbound.get(e.from) ?? 0) + 1);
  }
  let blockWidth = 0;
  for (const v of view.nodes) {
    if (v.kind === 'block') blockWidth = Math.max(blockWidth, boxSize(v.short, v.lines).width);
  }
  for (const v of view.nodes) {
    const n = inbound.get(v.key) ?? 0;
    sizes.set(
      v.key,
      boxSize(v.short, v.lines, Math.max(n > 1 ? n * PORT_SPACING : 0, v.kind === 'block' ? blockWidth - 20 : 0)),
    );
  }
  if (view.nodes.length > ELK_MAX_BOXES) return plainLayout(view, sizes, direction);
  const first = await runElk(view, sizes, inbound, direction);
  const sources = new Map<string, string[]>();
  const targets = new Map<string, string[]>();
  const append = (m: Map<string, string[]>, key: string, value: string) => {
    const list = m.get(key);
    if (list) list.push(value);
    else m.set(key, [value]);
  };
  for (const e of view.edges) {
    append(sources, e.to, e.from);
    append(targets, e.from, e.to);
  }
  let widened = false;
  for (const v of view.nodes) {
    if (v.op !== 'concat' && v.kind !== 'external' && v.op !== 'input') continue;
    const ends = [
      ...((inbound.get(v.key) ?? 0) > 1 ? sources.get(v.key)! : []),
      ...((outbound.get(v.key) ?? 0) > 1 ? targets.get(v.key)! : []),
    ];
    if (ends.length === 0) continue;
    const boxes = ends.map((k) => first.boxes.get(k)!);
    const span = Math.max(...boxes.map((b) => b.x + b.width)) - Math.min(...boxes.map((b) => b.x));
    const size = sizes.get(v.key)!;
    if (span > size.width) {
      sizes.set(v.key, { width: Math.round(span), height: size.height });
      widened = true;
    }
  }
  return widened ? runElk(view, sizes, inbound, direction) : first;
}

async function runElk(
  view: View,
  sizes: Map<string, { width: number; height: number }>,
  inbound: Map<string, number>,
  direction: Direction,
): Promise<Laid> {
  elk ??= new ElkClass();
  const ids = new Map<string, string>();
  view.nodes.forEach((v, i) => ids.set(v.key, `n${i}`));
  const withPorts = (key: string) => (inbound.get(key) ?? 0) > 1;
  const children: ElkNode[] = view.nodes.map((v) => {
    const size = sizes.get(v.key)!;
    const node: ElkNode = { id: ids.get(v.key)!, width: size.width, height: size.height };
    if (withPorts(v.key)) {
      const n = inbound.get(v.key)!;
      // ELK orders the ports of a side clockwise: right to left on the south side, left to right on the north.
      node.layoutOptions = { 'elk.portConstraints': 'FIXED_ORDER' };
      node.ports = Array.from({ length: n }, (_, i) => ({
        id: `${ids.get(v.key)}p${i}`,
        width: 0,
        height: 0,
        layoutOptions: {
          'elk.port.side': direction === 'up' ? 'SOUTH' : 'NORTH',
          'elk.port.index': String(direction === 'up' ? n - 1 - i : i),
        },
      }));
    }
    return node;
  });
  const edges: ElkExtendedEdge[] = view.edges.map((e, i) => ({
    id: `e${i}`,
    sources: [ids.get(e.from)!],
    targets: [withPorts(e.to) ? `${ids.get(e.to)}p${e.index}` : ids.get(e.to)!],
  }));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'up' ? 'UP' : 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.layering.strategy': 'LONGEST_PATH_SOURCE',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
      'elk.spacing.nodeNode': '18',
      'elk.spacing.edgeNode': '12',
      'elk.spacing.edgeEdge': '8',
      'elk.layered.spacing.nodeNodeBetweenLayers': '26',
      'elk.layered.spacing.edgeNodeBetweenLayers': '12',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
      'elk.randomSeed': '1',
    },
    children,
    edges,
  };
  const laid = await elk.layout(graph);
  const boxes = new Map<string, Box>();
  const byId = new Map((laid.children ?? []).map((c) => [c.id, c]));
  for (const v of view.nodes) {
    const c = byId.get(ids.get(v.key)!)!;
    boxes.set(v.key, { x: round(c.x!), y: round(c.y!), width: round(c.width!), height: round(c.height!) });
  }
  const routes: Route[] = (laid.edges ?? []).map((e, i) => {
    const s = (e as ElkExtendedEdge).sections?.[0];
    const points: [number, number][] = s
      ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => [round(p.x), round(p.y)])
      : [];
    const ve = view.edges[i]!;
    return { from: ve.from, to: ve.to, index: ve.index, points };
  });
  return { view, width: round(laid.width ?? 0), height: round(laid.height ?? 0), boxes, routes };
}

/** Coordinates to a tenth of a pixel: the SVG text stays short and the same on every machine. */
function round(x: number): number {
  return Math.round(x * 10) / 10;
}
