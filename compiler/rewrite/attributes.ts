/**
 * What a rule can say about a layer it matched (spec/rewrite.md, "Attributes"): the layer's options, the
 * grid and channels of its input, its name, the block that made it and the head it belongs to.
 */
import type { IRNode } from '../ir/ir.js';
import { optionsOf } from '../ir/layers.js';
import type { Value } from '../ir/values.js';

function int(v: number): Value {
  return { t: 'int', v };
}

/** A layer option's value (as optionsOf gives it) as an .incp value. */
export function fromOption(v: unknown): Value {
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : { t: 'float', v };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'string') return { t: 'symbol', name: v };
  return { t: 'size', dims: v as number[] };
}

/** Every attribute name a rule may use (those a given layer lacks are unknown names when evaluated). */
export const attributeNames: readonly string[] = [
  'kind',
  'name',
  'block',
  'blocks',
  'head',
  'kernel',
  'kh',
  'kw',
  'stride',
  'sh',
  'sw',
  'padding',
  'count_include_pad',
  'filters',
  'act',
  'bias',
  'bn',
  'bn_scale',
  'bn_epsilon',
  'bn_momentum',
  'units',
  'rate',
  'scale',
  'epsilon',
  'momentum',
  'shape',
  'in_channels',
  'grid',
  'grid_h',
  'grid_w',
  'out_channels',
  'out_grid',
  'out_grid_h',
  'out_grid_w',
];

/** The attributes of one matched node. */
export function nodeAttributes(node: IRNode, graph: { nodes: IRNode[] }): Record<string, Value> {
  const { kind, options } = optionsOf(node.attrs);
  const fields: Record<string, Value> = {
    kind: { t: 'symbol', name: kind },
    name: { t: 'string', v: node.name },
    block: { t: 'string', v: node.origin.length > 0 ? node.origin[node.origin.length - 1]!.block : '' },
    blocks: { t: 'list', items: node.origin.map((f) => ({ t: 'string', v: f.block }) as Value) },
    head: { t: 'string', v: node.head },
  };
  for (const [k, v] of Object.entries(options)) fields[k] = fromOption(v);
  const kernel = options['kernel'] as number[] | undefined;
  const stride = options['stride'] as number[] | undefined;
  if (kernel) Object.assign(fields, { kh: int(kernel[0]!), kw: int(kernel[1]!) });
  if (stride) Object.assign(fields, { sh: int(stride[0]!), sw: int(stride[1]!) });
  const input = node.inputs.length > 0 ? graph.nodes[node.inputs[0]!]!.shape : [];
  Object.assign(fields, shapeAttributes('in', input), shapeAttributes('out', node.shape));
  return fields;
}

/**
 * `in_channels`, `grid`, `grid_h`, `grid_w` for the input; `out_channels`, `out_grid`, ... for the output.
 * `grid` is the side of a square grid, or the smaller side of an oblong one.
 */
function shapeAttributes(prefix: 'in' | 'out', shape: number[]): Record<string, Value> {
  const grid = prefix === 'in' ? 'grid' : 'out_grid';
  const out: Record<string, Value> = { [`${prefix}_channels`]: int(shape[shape.length - 1] ?? 0) };
  if (shape.length === 3) {
    out[grid] = int(Math.min(shape[0]!, shape[1]!));
    out[`${grid}_h`] = int(shape[0]!);
    out[`${grid}_w`] = int(shape[1]!);
  }
  return out;
}
