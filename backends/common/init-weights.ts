/**
 * `incc train --init WEIGHTS` and `--freeze`, on the IR (spec/weights-import.md, "Fine-tuning"):
 *
 * - which layers start from the file and which are re-initialised: a layer (a node with variables) is kept when
 *   the file has every variable of it with the network's shape. Only the head may be re-initialised: the last
 *   layer with weights of each head (the classifier: `predictions`, `aux_logits/logits`) when its shape differs
 *   (`--set classes=4`) or it is absent, and an auxiliary head the file has none of. Any other layer missing or
 *   of another shape is an error naming it: the file is of another network.
 * - which nodes `--freeze` freezes: `--freeze NODE` every node up to and including NODE in IR order (NODE a
 *   layer or a block instance such as `mixed7`: all of its layers), the auxiliary heads excepted (they come
 *   after what they read); a pattern with `*` or `?` the nodes whose names match it.
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { weightSpecs, type WeightSpec } from './weights.js';

export class InitError extends Error {}

/** A value the file has for a variable, with its shape there (Keras layout where it could be converted). */
export interface FoundWeight {
  shape: number[];
  values?: Float32Array;
}

export interface InitPlan {
  /** Values by weights.ts name, for the kept layers only. */
  values: Map<string, Float32Array>;
  kept: IRNode[];
  reinitialised: { node: IRNode; why: string }[];
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

function layersOf(graph: IRGraph): Map<IRNode, WeightSpec[]> {
  const out = new Map<IRNode, WeightSpec[]>();
  for (const s of weightSpecs(graph)) {
    const node = graph.nodes[s.node]!;
    out.set(node, [...(out.get(node) ?? []), s]);
  }
  return out;
}

/** Which layers of `graph` start from `found` (by weights.ts name) and which are re-initialised; see the header. */
export function planInit(graph: IRGraph, found: ReadonlyMap<string, FoundWeight>, source: string): InitPlan {
  const layers = layersOf(graph);
  const lastOfHead = new Map<string, IRNode>();
  for (const node of layers.keys()) lastOfHead.set(node.head, node);
  const headAbsent = new Set<string>();
  for (const h of graph.aux) {
    const specs = [...layers].filter(([n]) => n.head === h.name).flatMap(([, s]) => s);
    if (specs.every((s) => !found.has(s.name))) headAbsent.add(h.name);
  }
  const plan: InitPlan = { values: new Map(), kept: [], reinitialised: [] };
  for (const [node, specs] of layers) {
    const problems = specs.flatMap((s) => {
      const f = found.get(s.name);
      if (!f) return [`${s.name} is missing`];
      if (!sameShape(f.shape, s.shape) || !f.values)
        return [`${s.name} is [${f.shape.join(', ')}], the network's [${s.shape.join(', ')}]`];
      return [];
    });
    if (problems.length === 0) {
      for (const s of specs) plan.values.set(s.name, found.get(s.name)!.values!);
      plan.kept.push(node);
    } else if (headAbsent.has(node.head)) {
      plan.reinitialised.push({ node, why: `${source} has no aux head ${node.head}` });
    } else if (lastOfHead.get(node.head) === node) {
      plan.reinitialised.push({ node, why: problems[0]! });
    } else {
      throw new InitError(
        `${source} does not fit ${graph.network} at layer ${node.name}: ${problems[0]}` +
          ' (only the classifier of each head may differ: is the file of another network?)',
      );
    }
  }
  if (plan.kept.length === 0) throw new InitError(`${source} has no layer of ${graph.network}`);
  return plan;
}

/** The nodes `--freeze` names (see the header), or an InitError saying what it matches nothing of. */
export function frozenNodes(graph: IRGraph, what: string): Set<number> {
  if (/[*?]/.test(what)) {
    const escaped = what
      .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    const re = new RegExp(`^${escaped}$`);
    const out = new Set(graph.nodes.filter((n) => re.test(n.name)).map((n) => n.id));
    if (out.size === 0) throw new InitError(`--freeze ${what} matches no node of ${graph.network}`);
    return out;
  }
  const inside = (n: IRNode) => n.name === what || n.name.startsWith(`${what}/`);
  let last = -1;
  for (const n of graph.nodes) if (inside(n)) last = n.id;
  if (last < 0) throw new InitError(`--freeze ${what}: ${graph.network} has no node or block instance ${what}`);
  const index = graph.nodes.findIndex((n) => n.id === last);
  return new Set(
    graph.nodes
      .slice(0, index + 1)
      .filter((n) => n.head === 'main')
      .map((n) => n.id),
  );
}

/** `conv1, conv2, ... mixed7/branch_pool/conv1 (86)`: a list of layer names, shortened. */
export function layerList(nodes: readonly IRNode[]): string {
  const names = nodes.map((n) => n.name);
  if (names.length <= 6) return names.join(', ');
  return `${names.slice(0, 3).join(', ')}, ..., ${names.slice(-2).join(', ')} (${names.length})`;
}
