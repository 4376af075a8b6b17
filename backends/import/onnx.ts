/**
 * An ONNX model's weights, as a weights source (backends/import/source.ts): its initializers, matched through
 * the graph, in node order (the exporter's, which is the forward order):
 *
 * - `Conv` (group 1): W [O, I, kh, kw] -> a conv kernel (HWIO), B its bias;
 * - `BatchNormalization`: scale, B, mean, var -> gamma, beta, moving mean, moving variance;
 * - `Gemm` (alpha = beta = 1): B (transB 1: [units, in]; 0: [in, units]) and C -> a dense kernel and bias;
 *   `MatMul` by an initializer [in, units], with an `Add` of an initializer [units] after it (tf2onnx) -> the same.
 *
 * An exporter in eval mode folds each batch norm into its conv (torch.onnx: a conv with a bias and no
 * BatchNormalization); the matcher sets the network's batch norm to the identity plus that bias. Initializers
 * that no such node reads as a weight (a Pad's amounts, shape constants) are read past and listed. Names: a
 * node's module path (`/Mixed_5b/branch1x1/conv/Conv` -> `Mixed_5b.branch1x1.conv`, torch.onnx's node names) or
 * the weight's initializer name (`fc.weight` -> `fc`) go through the documented mappings (naming.ts).
 *
 * Average pools hold no weights, but the file says how they average a padded window (pool-padding.ts warns when
 * the network's differ): the first AveragePool that pads gives it by its count_include_pad, or one reading a Pad
 * of zeros (torch.onnx 1.13's form of F.avg_pool2d(..., padding=1)) counts them.
 */
import pkg from 'onnx-proto';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { namedSource } from './naming.js';
import {
  SourceError,
  type AveragePoolPadding,
  type SourceLayer,
  type SourceTensor,
  type WeightSource,
} from './source.js';
import { oihwToHwio, transpose2 } from './torch.js';
import { halfToFloat } from '../common/little-endian.js';

const { onnx } = pkg;
const DataType = onnx.TensorProto.DataType;

interface Initializer {
  name: string;
  dims: number[];
  /** undefined for a tensor that is not float. */
  values?: Float32Array;
}

const num = (x: number | { toNumber(): number }): number => (typeof x === 'number' ? x : x.toNumber());

interface Node {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: pkg.onnx.IAttributeProto[];
}

function readTensor(t: pkg.onnx.ITensorProto): Initializer {
  const name = t.name ?? '';
  const dims = (t.dims ?? []).map(num);
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    throw new SourceError(`initializer ${name} keeps its data in an external file, which incc does not read`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const size = { [DataType.FLOAT]: 4, [DataType.DOUBLE]: 8, [DataType.FLOAT16]: 2 }[t.dataType ?? 0];
  if (size === undefined) return { name, dims };
  const typed: number[] =
    (t.dataType === DataType.FLOAT ? t.floatData : t.dataType === DataType.DOUBLE ? t.doubleData : t.int32Data) ?? [];
  const stored = view ? view.byteLength / size : typed.length;
  if (stored !== count)
    throw new SourceError(`initializer ${name} holds ${stored} values, and [${dims.join(', ')}] needs ${count}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (t.dataType === DataType.FLOAT) out[i] = view ? view.getFloat32(4 * i, true) : typed[i]!;
    else if (t.dataType === DataType.DOUBLE) out[i] = view ? view.getFloat64(8 * i, true) : typed[i]!;
    else out[i] = halfToFloat(view ? view.getUint16(2 * i, true) : typed[i]!);
  }
  return { name, dims, values: out };
}

/** `/Mixed_5b/branch1x1/conv/Conv` -> `Mixed_5b.branch1x1.conv`; `fc.weight` -> `fc`. */
function moduleName(nodeName: string, weight: string): string {
  if (!weight.startsWith('onnx::') && /\.(weight|kernel)$/.test(weight)) return weight.replace(/\.[^.]+$/, '');
  const parts = nodeName.split('/').filter((p) => p !== '');
  if (parts.length > 1) return parts.slice(0, -1).join('.');
  return nodeName !== '' ? nodeName : weight;
}

/** The layers of an ONNX model's bytes; `graph` only proposes names. */
export function onnxSource(bytes: Uint8Array, path: string, graph: IRGraph): WeightSource {
  let model: pkg.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SourceError(`the protobuf of its ${bytes.length} bytes does not decode (${why}; truncated?)`);
  }
  const g = model.graph;
  if (!g) throw new SourceError('it has no graph');
  const inits = new Map<string, Initializer>();
  for (const t of g.initializer ?? []) inits.set(t.name ?? '', readTensor(t));
  const nodes: Node[] = (g.node ?? []).map((n, i) => ({
    name: n.name || `${n.opType ?? '?'} node ${i}`,
    opType: n.opType ?? '',
    input: n.input ?? [],
    output: n.output ?? [],
    attribute: n.attribute ?? [],
  }));
  // Constant nodes and Identity of an initializer are initializers too (exporters use both).
  for (const n of nodes) {
    if (n.opType === 'Constant' && n.output[0]) {
      const t = n.attribute.find((a) => a.name === 'value')?.t;
      if (t) inits.set(n.output[0], { ...readTensor(t), name: n.output[0] });
    }
    if (n.opType === 'Identity' && inits.has(n.input[0] ?? '') && n.output[0])
      inits.set(n.output[0], inits.get(n.input[0]!)!);
  }
  const used = new Set<Initializer>();
  const weight = (input: string | undefined, what: string, node: string): Initializer => {
    const t = input === undefined ? undefined : inits.get(input);
    if (!t) throw new SourceError(`${node}: its ${what} (${input ?? 'none'}) is not an initializer`);
    if (!t.values) throw new SourceError(`${node}: its ${what} ${t.name} is not a float tensor`);
    used.add(t);
    return t;
  };
  const attr = (n: Node, name: string) => n.attribute.find((a) => a.name === name);
  /** Whether a pool pads: explicit pads, or auto_pad SAME_UPPER / SAME_LOWER. */
  const pads = (n: Node): boolean => {
    const auto = attr(n, 'auto_pad')?.s;
    if (auto && Buffer.from(auto).toString('latin1').startsWith('SAME')) return true;
    return (attr(n, 'pads')?.ints ?? []).some((p) => num(p) !== 0);
  };
  const tensor = (t: Initializer, role: SourceTensor['role']): SourceTensor => ({
    name: t.name,
    role,
    shape: t.dims,
    values: t.values!,
  });

  const layers: SourceLayer[] = [];
  let averagePools: AveragePoolPadding | undefined;
  /** Outputs of Pad nodes that pad with zeros (mode constant, no value or 0), by the Pad's name. */
  const zeroPad = new Map<string, string>();
  for (const n of nodes) {
    if (n.opType !== 'Pad' || !n.output[0]) continue;
    const mode = attr(n, 'mode')?.s;
    const value = n.input[2] ? inits.get(n.input[2])?.values : undefined;
    const constant = !mode || Buffer.from(mode).toString('latin1') === 'constant';
    if (constant && (!n.input[2] || (value !== undefined && value.every((v) => v === 0))))
      zeroPad.set(n.output[0], n.name);
  }
  /** MatMul outputs that made a dense layer, for the Add of its bias. */
  const denseOf = new Map<string, SourceLayer>();
  for (const n of nodes) {
    const label = n.name;
    if (n.opType === 'Conv') {
      const group = num(attr(n, 'group')?.i ?? 1);
      if (group !== 1) throw new SourceError(`${label}: a grouped convolution (group ${group}) incc cannot import`);
      const w = weight(n.input[1], 'kernel', label);
      if (w.dims.length !== 4) throw new SourceError(`${label}: its kernel ${w.name} is not 4-D`);
      const tensors: SourceTensor[] = [{ name: w.name, role: 'kernel', ...oihwToHwio(w.values!, w.dims) }];
      if (n.input[2]) tensors.push(tensor(weight(n.input[2], 'bias', label), 'bias'));
      layers.push({ name: moduleName(label, w.name), kind: 'conv', tensors });
    } else if (n.opType === 'BatchNormalization') {
      const roles = ['gamma', 'beta', 'moving_mean', 'moving_variance'] as const;
      const tensors = roles.map((role, i) => tensor(weight(n.input[i + 1], role, label), role));
      layers.push({ name: moduleName(label, tensors[0]!.name), kind: 'batchnorm', tensors });
    } else if (n.opType === 'Gemm' && inits.has(n.input[1] ?? '')) {
      const alpha = attr(n, 'alpha')?.f ?? 1;
      const beta = attr(n, 'beta')?.f ?? 1;
      if (alpha !== 1 || beta !== 1 || num(attr(n, 'transA')?.i ?? 0) !== 0)
        throw new SourceError(`${label}: a Gemm with alpha ${alpha}, beta ${beta} or transA is not a dense layer`);
      const b = weight(n.input[1], 'weight', label);
      const kernel =
        num(attr(n, 'transB')?.i ?? 0) === 1 ? transpose2(b.values!, b.dims) : { shape: b.dims, values: b.values! };
      const tensors: SourceTensor[] = [{ name: b.name, role: 'kernel', ...kernel }];
      if (n.input[2]) tensors.push(tensor(weight(n.input[2], 'bias', label), 'bias'));
      layers.push({ name: moduleName(label, b.name), kind: 'dense', tensors });
    } else if (n.opType === 'MatMul' && inits.get(n.input[1] ?? '')?.dims.length === 2) {
      const b = weight(n.input[1], 'weight', label);
      const layer: SourceLayer = {
        name: moduleName(label, b.name),
        kind: 'dense',
        tensors: [{ name: b.name, role: 'kernel', shape: b.dims, values: b.values! }],
      };
      layers.push(layer);
      if (n.output[0]) denseOf.set(n.output[0], layer);
    } else if (n.opType === 'AveragePool' && averagePools === undefined && pads(n)) {
      // The first pool that pads says how the file averages (an exporter writes every pool alike).
      const countIncludePad = num(attr(n, 'count_include_pad')?.i ?? 0) === 1;
      averagePools = {
        countIncludePad,
        by: `ONNX AveragePool ${label} (count_include_pad = ${countIncludePad ? 1 : 0})`,
      };
    } else if (n.opType === 'AveragePool' && averagePools === undefined && zeroPad.has(n.input[0] ?? '')) {
      // torch.onnx (1.13) writes F.avg_pool2d(..., padding=1) as a Pad of zeros, then a pool without pads: the
      // padded zeros are inputs of the pool, and so counted.
      const pad = zeroPad.get(n.input[0]!)!;
      averagePools = { countIncludePad: true, by: `ONNX AveragePool ${label} (after Pad ${pad}: its zeros counted)` };
    } else if (n.opType === 'Add' && n.input.some((i) => denseOf.has(i))) {
      const layer = denseOf.get(n.input.find((i) => denseOf.has(i))!)!;
      const other = n.input.find((i) => !denseOf.has(i));
      const b = other === undefined ? undefined : inits.get(other);
      if (b?.values && b.dims.length === 1 && !layer.tensors.some((t) => t.role === 'bias')) {
        used.add(b);
        layer.tensors.push(tensor(b, 'bias'));
      }
    }
  }
  const readPast = [...new Set(inits.values())]
    .filter((t) => !used.has(t))
    .map((t) => `${t.name}: ${t.values ? 'a float tensor' : 'a tensor'} no conv, batch norm or dense layer reads`);
  return namedSource({ format: 'ONNX', path, layers, readPast }, graph, () => averagePools);
}
