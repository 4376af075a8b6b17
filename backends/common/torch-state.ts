/**
 * The PyTorch side of a graph's weights, shared by the PyTorch backend (which writes model.py and
 * weights.safetensors) and by the targets that read a safetensors file back (ONNX, tfjs):
 *
 * - each IR node's Python identifier: its qualified name with every character other than a letter, digit
 *   or `_` replaced by `_` (`mixed4/branch7x7dbl/conv2` -> `mixed4_branch7x7dbl_conv2`), `n` put before a
 *   leading digit or `_`, `_` after a Python keyword or an nn.Module attribute (`train` -> `train_`), and
 *   `_2`, `_3`, ... after a name already taken, in IR order: deterministic and collision-free. The input is
 *   `x`. The identifier names both the module attribute and the local variable in `forward`.
 * - the state_dict keys of model.py (registration order), and the conversion of each from the weights of
 *   backends/common/weights.ts (Keras layouts): conv kernels HWIO -> OIHW (`<id>.conv.weight`; a sepconv's
 *   `<id>.depthwise.weight` [C, 1, kh, kw] from [kh, kw, C, 1] and `<id>.pointwise.weight`), dense
 *   kernels [in, units] -> [units, in] (`<id>.weight`), batch norm gamma/beta/moving mean/moving variance
 *   -> `weight`/`bias`/`running_mean`/`running_var` (`<id>.bn.*` inside a conv), plus the int64
 *   `num_batches_tracked` buffer that PyTorch's strict loading asks for. Without Keras's `scale` (no
 *   gamma) the BatchNorm's weight is a frozen tensor of ones.
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { type ReadTensor, type TensorToWrite } from './safetensors.js';
import { transpose4 } from './transpose.js';
import { matchWeights, WeightsMismatchError } from './weights-match.js';
import { weightSpecs } from './weights.js';

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield match case'
  ).split(' '),
);

/** Attributes of torch.nn.Module (torch 2.13) and the names model.py's forward uses itself. */
const RESERVED = new Set(
  (
    'T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double ' +
    'dump_patches eval ' +
    ('extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu ' +
      'load_state_dict modules mtia ') +
    'named_buffers named_children named_modules named_parameters parameters register_backward_hook register_buffer ' +
    'register_forward_hook register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook ' +
    'register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module register_parameter ' +
    ('register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule ' +
      'share_memory ') +
    'state_dict to to_empty train training type xpu zero_grad ' +
    'x logits self torch nn F math'
  ).split(' '),
);

/** Node id -> its Python identifier (see the header). */
export function pythonIdentifiers(graph: IRGraph): Map<number, string> {
  const out = new Map<number, string>();
  const used = new Set<string>(['x']);
  for (const n of graph.nodes) {
    if (n.id === graph.input) {
      out.set(n.id, 'x');
      continue;
    }
    let base = n.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || /^[0-9_]/.test(base)) base = `n${base}`;
    if (PYTHON_KEYWORDS.has(base) || RESERVED.has(base)) base = `${base}_`;
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
    used.add(id);
    out.set(n.id, id);
  }
  return out;
}

export type TorchLayout = 'oihw' | 'depthwise' | 'linear' | 'vector' | 'ones' | 'count';

/** One entry of model.py's state_dict. */
export interface TorchTensor {
  key: string;
  /** PyTorch's shape. */
  shape: number[];
  /** The weights.ts variable it holds (none for a frozen gamma of ones and for num_batches_tracked). */
  weight?: string;
  /**
   * oihw: a conv kernel (from HWIO); depthwise: a depthwise kernel [C, 1, kh, kw] (from [kh, kw, C, 1]); linear:
   * a dense kernel (from [in, units]); vector: as it is.
   */
  layout: TorchLayout;
}

function batchNormEntries(prefix: string, weightPrefix: string, channels: number, scale: boolean): TorchTensor[] {
  return [
    scale
      ? { key: `${prefix}.weight`, shape: [channels], weight: `${weightPrefix}/gamma`, layout: 'vector' }
      : { key: `${prefix}.weight`, shape: [channels], layout: 'ones' },
    { key: `${prefix}.bias`, shape: [channels], weight: `${weightPrefix}/beta`, layout: 'vector' },
    { key: `${prefix}.running_mean`, shape: [channels], weight: `${weightPrefix}/moving_mean`, layout: 'vector' },
    { key: `${prefix}.running_var`, shape: [channels], weight: `${weightPrefix}/moving_variance`, layout: 'vector' },
    { key: `${prefix}.num_batches_tracked`, shape: [], layout: 'count' },
  ];
}

function channelsIn(graph: IRGraph, n: IRNode): number {
  const s = graph.nodes[n.inputs[0]!]!.shape;
  return s[s.length - 1]!;
}

/** model.py's state_dict, in its order. */
export function torchState(graph: IRGraph, ids = pythonIdentifiers(graph)): TorchTensor[] {
  const out: TorchTensor[] = [];
  for (const n of graph.nodes) {
    const a = n.attrs;
    const id = ids.get(n.id)!;
    if (a.op === 'conv') {
      const [kh, kw] = a.kernel;
      out.push({
        key: `${id}.conv.weight`,
        shape: [a.filters, channelsIn(graph, n), kh, kw],
        weight: `${n.name}/kernel`,
        layout: 'oihw',
      });
      if (a.bias) out.push({ key: `${id}.conv.bias`, shape: [a.filters], weight: `${n.name}/bias`, layout: 'vector' });
      if (a.bn) out.push(...batchNormEntries(`${id}.bn`, `${n.name}/bn`, a.filters, a.bn.scale));
    } else if (a.op === 'sepconv') {
      const [kh, kw] = a.kernel;
      const cin = channelsIn(graph, n);
      out.push(
        {
          key: `${id}.depthwise.weight`,
          shape: [cin, 1, kh, kw],
          weight: `${n.name}/depthwise_kernel`,
          layout: 'depthwise',
        },
        {
          key: `${id}.pointwise.weight`,
          shape: [a.filters, cin, 1, 1],
          weight: `${n.name}/pointwise_kernel`,
          layout: 'oihw',
        },
      );
      if (a.bias)
        out.push({ key: `${id}.pointwise.bias`, shape: [a.filters], weight: `${n.name}/bias`, layout: 'vector' });
      if (a.bn) out.push(...batchNormEntries(`${id}.bn`, `${n.name}/bn`, a.filters, a.bn.scale));
    } else if (a.op === 'dense') {
      out.push({
        key: `${id}.weight`,
        shape: [a.units, channelsIn(graph, n)],
        weight: `${n.name}/kernel`,
        layout: 'linear',
      });
      if (a.bias) out.push({ key: `${id}.bias`, shape: [a.units], weight: `${n.name}/bias`, layout: 'vector' });
    } else if (a.op === 'batchnorm') {
      out.push(...batchNormEntries(id, n.name, n.shape[n.shape.length - 1]!, a.bn.scale));
    }
  }
  return out;
}

/** [a, b] row-major -> [b, a]. */
function transpose2(v: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c]!;
  return out;
}

/** HWIO [kh, kw, i, o] -> OIHW [o, i, kh, kw]. */
const hwioToOihw = (v: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array =>
  transpose4(v, [kh, kw, ci, co], [3, 2, 0, 1]);

/** OIHW -> HWIO. */
const oihwToHwio = (v: Float32Array, co: number, ci: number, kh: number, kw: number): Float32Array =>
  transpose4(v, [co, ci, kh, kw], [2, 3, 1, 0]);

/** The Keras-layout shape of a tensor of `layout` with PyTorch's `shape` (of any rank: a wrong one passes through). */
function kerasShape(layout: TorchLayout, shape: readonly number[]): number[] {
  if (layout === 'oihw' && shape.length === 4) return [shape[2]!, shape[3]!, shape[1]!, shape[0]!];
  if (layout === 'depthwise' && shape.length === 4) return [shape[2]!, shape[3]!, shape[0]!, shape[1]!];
  if (layout === 'linear' && shape.length === 2) return [shape[1]!, shape[0]!];
  return [...shape];
}

/**
 * A weight's values from Keras's layout to PyTorch's (`toTorch`) or back, for a tensor of `t.layout` and shape.
 * A depthwise kernel [kh, kw, C, 1] has the memory order of HWIO [kh, kw, 1, C]: OIHW [C, 1, kh, kw].
 */
function convertLayout(t: TorchTensor, v: Float32Array, toTorch: boolean): Float32Array {
  const s = t.shape;
  if (t.layout === 'oihw' || t.layout === 'depthwise') {
    const [o, i, kh, kw] = t.layout === 'oihw' ? (s as [number, number, number, number]) : [s[0]!, 1, s[2]!, s[3]!];
    return toTorch ? hwioToOihw(v, kh, kw, i, o) : oihwToHwio(v, o, i, kh, kw);
  }
  if (t.layout === 'linear') return toTorch ? transpose2(v, s[1]!, s[0]!) : transpose2(v, s[0]!, s[1]!);
  return v;
}

/** The tensors of weights.safetensors from weights by weights.ts names (Keras layouts), in state_dict order. */
export function toTorchTensors(graph: IRGraph, weights: ReadonlyMap<string, Float32Array>): TensorToWrite[] {
  return torchState(graph).map((t) => {
    if (t.layout === 'count') return { name: t.key, shape: t.shape, values: new BigInt64Array(1) };
    if (t.layout === 'ones') return { name: t.key, shape: t.shape, values: new Float32Array(t.shape[0]!).fill(1) };
    const v = weights.get(t.weight!);
    if (!v) throw new Error(`internal: no value for ${t.weight}`);
    return { name: t.key, shape: t.shape, values: convertLayout(t, v, true) };
  });
}

/**
 * Weights by weights.ts names (Keras layouts) from the tensors of a safetensors file with model.py's keys.
 * num_batches_tracked and the frozen gammas of ones are read past. A missing key, one not in the network, a
 * wrong shape or a non-float tensor is a WeightsMismatchError naming them in PyTorch's terms.
 */
export function fromTorchTensors(
  graph: IRGraph,
  tensors: readonly ReadTensor[],
  source: string,
): Map<string, Float32Array> {
  const state = torchState(graph);
  const byKey = new Map(state.map((t) => [t.key, t]));
  const seen = new Set<string>();
  const extra: string[] = [];
  const wrongShape: { name: string; expected: number[]; actual: number[] }[] = [];
  const values: { name: string; values: Float32Array }[] = [];
  for (const r of tensors) {
    const t = byKey.get(r.name);
    if (!t) {
      extra.push(r.name);
      continue;
    }
    seen.add(r.name);
    if (t.layout === 'count') continue;
    const same = r.shape.length === t.shape.length && r.shape.every((d, i) => d === t.shape[i]);
    if (!same || !r.values) {
      wrongShape.push({ name: r.name, expected: t.shape, actual: r.values ? [...r.shape] : [...r.shape, -1] });
      continue;
    }
    if (t.layout === 'ones') continue;
    values.push({ name: t.weight!, values: convertLayout(t, r.values, false) });
  }
  // num_batches_tracked may be left out (PyTorch's non-strict saves, other tools); everything else is needed.
  const missing = state.filter((t) => !seen.has(t.key) && t.layout !== 'count').map((t) => t.key);
  if (missing.length > 0 || extra.length > 0 || wrongShape.length > 0)
    throw new WeightsMismatchError(missing, extra, wrongShape, source);
  return matchWeights(graph, values, source);
}

/** The number of values of each weight, for the summary line. */
export function countWeights(graph: IRGraph): number {
  return weightSpecs(graph).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * The values a safetensors file with model.py's keys has for each variable, by weights.ts name, in Keras layouts,
 * without requiring all of them or their shapes (`incc train --init`: common/init-weights.ts decides). A tensor
 * of another shape is given with its Keras-layout shape and no values.
 */
export function torchWeightsFound(
  graph: IRGraph,
  tensors: readonly ReadTensor[],
): Map<string, { shape: number[]; values?: Float32Array }> {
  const byKey = new Map(tensors.map((t) => [t.name, t]));
  const out = new Map<string, { shape: number[]; values?: Float32Array }>();
  for (const t of torchState(graph)) {
    const r = byKey.get(t.key);
    if (!r || !t.weight) continue;
    const keras = kerasShape(t.layout, r.shape);
    const same = r.shape.length === t.shape.length && r.shape.every((d, i) => d === t.shape[i]);
    if (!same || !r.values) {
      out.set(t.weight, { shape: keras });
      continue;
    }
    out.set(t.weight, { shape: keras, values: convertLayout(t, r.values, false) });
  }
  return out;
}
