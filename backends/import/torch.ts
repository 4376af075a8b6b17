/**
 * A PyTorch state dict saved as safetensors, as a weights source (backends/import/source.ts).
 *
 * - Layers: the keys grouped by module (the key less its last part: `Mixed_5b.branch1x1.conv`), in the order
 *   of the file; a module with `running_mean` and `running_var` is a batch norm (`weight` -> gamma, `bias` ->
 *   beta, `num_batches_tracked` read past), one with a 4-D `weight` a convolution (OIHW -> HWIO), one with a
 *   2-D `weight` a linear layer ([units, in] -> [in, units]).
 * - Order: the safetensors library writes its header's keys sorted by name, which loses the model's creation
 *   order. A header whose keys are sorted is therefore read in natural order (`layer.10` after `layer.9`:
 *   nn.Sequential's numbering is creation order); any other header in the order it has.
 * - Names (spec/weights-import.md has the tables): incc's own model.py keys (`mixed0_branch1x1.conv.weight`,
 *   what `compile --target pytorch` and its train.py write), or torchvision's Inception-v3 keys
 *   (`Mixed_5b.branch1x1.conv.weight`), whichever names every layer of the file as a layer of the network.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { decodeSafetensors, SafetensorsError, type ReadTensor } from '../common/safetensors.js';
import { SourceError, type SourceLayer, type SourceTensor, type WeightSource } from './source.js';
import { namedSource, TORCHVISION_INCEPTION_V3 } from './naming.js';

/** Compares strings with runs of digits as numbers (`layer.9` < `layer.10`). */
function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** [o, i, kh, kw] -> [kh, kw, i, o]. */
export function oihwToHwio(v: Float32Array, shape: readonly number[]): { shape: number[]; values: Float32Array } {
  const [co, ci, kh, kw] = shape as [number, number, number, number];
  const out = new Float32Array(v.length);
  for (let o = 0; o < co; o++)
    for (let i = 0; i < ci; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ci + i) * co + o] = v[((o * ci + i) * kh + y) * kw + x]!;
  return { shape: [kh, kw, ci, co], values: out };
}

/** [rows, cols] -> [cols, rows]. */
export function transpose2(v: Float32Array, shape: readonly number[]): { shape: number[]; values: Float32Array } {
  const [rows, cols] = shape as [number, number];
  const out = new Float32Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c]!;
  return { shape: [cols, rows], values: out };
}

const BN_ROLE: Record<string, SourceTensor['role']> = {
  weight: 'gamma',
  bias: 'beta',
  running_mean: 'moving_mean',
  running_var: 'moving_variance',
};

/** One module's tensors as a layer, or a SourceError saying why it is none incc knows. */
function layerOf(module: string, tensors: Map<string, ReadTensor>, where: string, readPast: string[]): SourceLayer {
  const float = (part: string): ReadTensor => {
    const t = tensors.get(part)!;
    if (!t.values) throw new SourceError(`tensor ${t.name} is ${t.dtype}, not a float tensor`);
    return t;
  };
  if (tensors.has('running_mean') || tensors.has('running_var')) {
    const out: SourceTensor[] = [];
    for (const [part, t] of tensors) {
      if (part === 'num_batches_tracked') {
        readPast.push(`${t.name}: a counter, not a weight`);
        continue;
      }
      const role = Object.hasOwn(BN_ROLE, part) ? BN_ROLE[part] : undefined;
      if (!role) throw new SourceError(`${where}: tensor ${t.name} is not a batch norm's`);
      const f = float(part);
      out.push({ name: f.name, role, shape: f.shape, values: f.values! });
    }
    return { name: module, kind: 'batchnorm', tensors: out };
  }
  const weight = tensors.get('weight');
  const rank = weight?.shape.length;
  if (!weight || (rank !== 4 && rank !== 2) || [...tensors.keys()].some((p) => p !== 'weight' && p !== 'bias')) {
    const names = [...tensors.values()].map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ');
    throw new SourceError(
      `${where}: module ${module === '' ? '(top level)' : module} (${names}) is not a convolution, a linear ` +
        'layer or a batch norm',
    );
  }
  const w = float('weight');
  const kernel = rank === 4 ? oihwToHwio(w.values!, w.shape) : transpose2(w.values!, w.shape);
  const out: SourceTensor[] = [{ name: w.name, role: 'kernel', ...kernel }];
  if (tensors.has('bias')) {
    const b = float('bias');
    out.push({ name: b.name, role: 'bias', shape: b.shape, values: b.values! });
  }
  return { name: module, kind: rank === 4 ? 'conv' : 'dense', tensors: out };
}

/** The layers of a safetensors state dict; `graph` only proposes names (see the header). */
export function torchSource(bytes: Uint8Array, path: string, graph: IRGraph): WeightSource {
  let tensors: ReadTensor[];
  try {
    tensors = decodeSafetensors(bytes, path).tensors;
  } catch (e) {
    if (e instanceof SafetensorsError) throw new SourceError(e.message.replace(`${path}: `, ''));
    throw e;
  }
  const names = tensors.map((t) => t.name);
  const sorted = names.every((n, i) => i === 0 || names[i - 1]! <= n);
  if (sorted) tensors = [...tensors].sort((a, b) => naturalCompare(a.name, b.name));

  const modules = new Map<string, Map<string, ReadTensor>>();
  for (const t of tensors) {
    const dot = t.name.lastIndexOf('.');
    const module = dot < 0 ? '' : t.name.slice(0, dot);
    const part = t.name.slice(dot + 1);
    if (!modules.has(module)) modules.set(module, new Map());
    modules.get(module)!.set(part, t);
  }
  const readPast: string[] = [];
  const layers = [...modules].map(([module, parts]) => layerOf(module, parts, path, readPast));

  // torchvision's InceptionA, C and E pool their branch_pool with F.avg_pool2d(x, 3, stride=1, padding=1),
  // whose count_include_pad is True.
  return namedSource({ format: 'safetensors', path, layers, readPast }, graph, (naming) =>
    naming === TORCHVISION_INCEPTION_V3 ? { countIncludePad: true, by: "torchvision's Inception-v3" } : undefined,
  );
}
