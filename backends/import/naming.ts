/**
 * The documented name mappings a source may apply to its layers (spec/weights-import.md, "Names"): module names
 * (`Mixed_5b.branch1x1.conv`) -> incc layers (`mixed0/branch1x1`, `NODE/bn` for a conv's batch norm). The first
 * mapping under which every layer of the source names a layer of the network is used; match.ts then checks
 * kinds and shapes, and falls back to structure when none applies.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { pythonIdentifiers } from '../common/torch-state.js';
import type { AveragePoolPadding, SourceLayer, WeightSource } from './source.js';
import { torchvisionInceptionV3Name } from './torchvision-names.js';

/** The name of the torchvision Inception-v3 mapping, as the summary prints it. */
export const TORCHVISION_INCEPTION_V3 = 'torchvision inception_v3';

/** incc's model.py module names (torch-state.ts): `ID.conv` -> node, `ID.bn` -> `node/bn`, `ID` -> node. */
function inccName(module: string, nodeOf: ReadonlyMap<string, string>): string | undefined {
  const m = /^(.*)\.(conv|bn)$/.exec(module);
  if (m && nodeOf.has(m[1]!)) return m[2] === 'bn' ? `${nodeOf.get(m[1]!)!}/bn` : nodeOf.get(m[1]!);
  return nodeOf.get(module);
}

/**
 * Sets `incc` on every layer by the first mapping that names them all (layer names as modules, `a.b.c`);
 * returns that mapping's name, or undefined (no layer is named then).
 */
export function proposeNames(layers: SourceLayer[], graph: IRGraph): string | undefined {
  const ids = pythonIdentifiers(graph);
  const nodeOf = new Map([...ids].map(([id, name]) => [name, graph.nodes[id]!.name]));
  const known = new Set(graph.nodes.flatMap((n) => [n.name, `${n.name}/bn`]));
  const aux = graph.aux.length === 1 ? graph.aux[0]!.name : undefined;
  const mappings: [string, (module: string) => string | undefined][] = [
    ["incc's model.py", (m) => inccName(m, nodeOf)],
    [TORCHVISION_INCEPTION_V3, (m) => torchvisionInceptionV3Name(m, aux)],
  ];
  for (const [naming, map] of mappings) {
    const proposed = layers.map((l) => map(l.name));
    if (layers.length > 0 && proposed.every((n) => n !== undefined && known.has(n))) {
      layers.forEach((l, i) => (l.incc = proposed[i]));
      return naming;
    }
  }
  return undefined;
}

/**
 * A source's weights, its layers named by the first mapping that names them all (proposeNames); `averagePools`
 * says what the source states of its average pools, given the mapping that applied (torchvision's counts the
 * padding), if any.
 */
export function namedSource(
  source: Pick<WeightSource, 'format' | 'path' | 'layers' | 'readPast'>,
  graph: IRGraph,
  averagePools: (naming: string | undefined) => AveragePoolPadding | undefined,
): WeightSource {
  const naming = proposeNames(source.layers, graph);
  const pools = averagePools(naming);
  return { ...source, ...(naming ? { naming } : {}), ...(pools ? { averagePools: pools } : {}) };
}
