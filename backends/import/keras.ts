/**
 * Keras model and weights files as a weights source (backends/import/source.ts; spec/weights-import.md,
 * "Keras"):
 *
 * - `.keras` (Keras 3's model archive): a zip (fflate) of config.json, metadata.json and model.weights.h5;
 *   config.json gives the layers' names and the batch norms' `center`/`scale`;
 * - `.weights.h5` (Keras 3's `save_weights`): HDF5 `/layers/<class>[_N]/vars/<i>`, each layer named by its
 *   class and its place among that class's layers in `model.layers` (`conv2d`, `conv2d_1`, ...), not by its
 *   own name;
 * - `.h5` (Keras's legacy format, the keras.applications downloads and `model.save("x.h5")`): the
 *   `layer_names` attribute lists the layers in `model.layers` order, each layer's `weight_names` its weights.
 *
 * Keras lists `model.layers` in its functional order (by depth, not creation order: within an Inception
 * module the longest branch first), and loads a weights file by position in it. So does this source: the
 * k-th Conv2D of the file is proposed as the network's k-th convolution in that order (keras-order.ts), the
 * k-th BatchNormalization as its k-th batch norm, the k-th Dense as its k-th dense layer; the matcher
 * (match.ts) then checks every shape. The layers are handed over in the network's order; a file with more
 * layers of a class than the network has its extra ones unproposed, at the end. Keras's layouts are incc's.
 */
import { unzipSync } from 'fflate';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { Hdf5File } from './hdf5.js';
import { kerasLayerOrder } from './keras-order.js';
import { SourceError, type SourceLayer, type SourceLayerKind, type SourceTensor, type WeightSource } from './source.js';

/** A layer as the file has it, before any proposal. */
interface FileLayer {
  /** What messages call it: `conv2d_36 (layers/conv2d_33)`, `layers/conv2d_33`, `conv2d_36`. */
  name: string;
  kind: SourceLayerKind;
  tensors: SourceTensor[];
}

/** Keras's class names as its saving code spells them in paths (keras.src.utils.naming.to_snake_case). */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const KIND_OF_CLASS: Record<string, SourceLayerKind> = {
  conv2d: 'conv',
  dense: 'dense',
  batch_normalization: 'batchnorm',
};

/** The roles of a layer's variables in Keras 3's order (`vars/0`, `vars/1`, ...). */
function rolesOf(
  kind: SourceLayerKind,
  count: number,
  bn?: { center: boolean; scale: boolean },
): SourceTensor['role'][] {
  if (kind !== 'batchnorm') return (['kernel', 'bias'] as const).slice(0, count);
  // Without config.json: Keras's default center=True; 3 variables are scale=False (keras.applications' own).
  const scale = bn?.scale ?? count === 4;
  const center = bn?.center ?? count !== 2;
  return [
    ...(scale ? (['gamma'] as const) : []),
    ...(center ? (['beta'] as const) : []),
    ...(['moving_mean', 'moving_variance'] as const),
  ];
}

/** The layers named in a .keras archive's config.json, by snake-case class, in `model.layers` order. */
interface ConfigLayer {
  name: string;
  className: string;
  center?: boolean;
  scale?: boolean;
}

function configLayers(json: unknown): ConfigLayer[] {
  const config = (json as { config?: { layers?: unknown } } | null)?.config;
  const layers = config?.layers;
  if (!Array.isArray(layers)) return [];
  return layers.map((l: { class_name?: unknown; config?: { name?: unknown; center?: unknown; scale?: unknown } }) => ({
    name: typeof l?.config?.name === 'string' ? l.config.name : '?',
    className: typeof l?.class_name === 'string' ? l.class_name : '?',
    center: typeof l?.config?.center === 'boolean' ? l.config.center : undefined,
    scale: typeof l?.config?.scale === 'boolean' ? l.config.scale : undefined,
  }));
}

const numeric = (a: string, b: string): number => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

/** `conv2d_12` -> [`conv2d`, 12]; `conv2d` -> [`conv2d`, 0]. */
function classAndIndex(pathName: string): [string, number] {
  const m = /^(.*?)(?:_(\d+))?$/.exec(pathName)!;
  return [m[1]!, m[2] === undefined ? 0 : Number(m[2])];
}

/** Keras 3's layout (`.weights.h5`, a .keras archive's model.weights.h5). */
function readKeras3(h5: Hdf5File, config: ConfigLayer[] | undefined, readPast: string[]): FileLayer[] {
  const names = h5.children('layers') ?? [];
  for (const top of h5.children('/') ?? [])
    if (top !== 'layers' && top !== 'vars')
      readPast.push(`${top}/: ${top === 'optimizer' ? "the optimizer's state" : 'not a layer'}`);
  // Each class's layers in their model.layers order.
  const byClass = new Map<string, [number, string][]>();
  for (const n of names) {
    const [cls, index] = classAndIndex(n);
    byClass.set(cls, [...(byClass.get(cls) ?? []), [index, n]]);
  }
  const configByClass = new Map<string, ConfigLayer[]>();
  for (const c of config ?? []) {
    const cls = snakeCase(c.className);
    configByClass.set(cls, [...(configByClass.get(cls) ?? []), c]);
  }
  const out: FileLayer[] = [];
  for (const [cls, entries] of byClass) {
    entries.sort((a, b) => a[0] - b[0]);
    const named = configByClass.get(cls);
    const useConfig = named !== undefined && named.length === entries.length;
    entries.forEach(([, pathName], k) => {
      const path = `layers/${pathName}`;
      const inner = (h5.children(path) ?? []).filter((c) => c !== 'vars');
      for (const c of inner) {
        if (c === 'seed_generator') readPast.push(`${path}/${c}: a random seed's state, not a weight`);
        else if (hasDatasets(h5, `${path}/${c}`))
          throw new SourceError(
            `${path} holds a whole model (${path}/${c}): incc imports the weights of a flat model; save the inner ` +
              'model on its own (inner_model.save_weights(...))',
          );
      }
      const vars = (h5.children(`${path}/vars`) ?? []).sort(numeric);
      if (vars.length === 0) return;
      const kind = KIND_OF_CLASS[cls];
      const conf = useConfig ? named[k] : undefined;
      const name = conf ? `${conf.name} (${path})` : path;
      if (!kind)
        throw new SourceError(
          `${name} is a ${conf?.className ?? cls} layer with weights, which incc does not import ` +
            '(it imports Conv2D, BatchNormalization and Dense)',
        );
      const bn =
        conf?.center !== undefined && conf.scale !== undefined ? { center: conf.center, scale: conf.scale } : undefined;
      const roles = rolesOf(kind, vars.length, bn);
      if (roles.length !== vars.length)
        throw new SourceError(`${name} has ${vars.length} variables; a ${cls} layer has ${roles.length}`);
      out.push({
        name,
        kind,
        tensors: vars.map((v, i) => ({
          name: `${path}/vars/${v}`,
          role: roles[i]!,
          ...h5.floats(`${path}/vars/${v}`),
        })),
      });
    });
  }
  return out;
}

function hasDatasets(h5: Hdf5File, path: string): boolean {
  if (h5.isDataset(path)) return true;
  return (h5.children(path) ?? []).some((c) => hasDatasets(h5, `${path}/${c}`));
}

const stringList = (x: unknown): string[] | undefined =>
  Array.isArray(x) && x.every((s) => typeof s === 'string') ? x : typeof x === 'string' ? [x] : undefined;

const LEGACY_ROLES: ReadonlySet<string> = new Set([
  'kernel',
  'bias',
  'gamma',
  'beta',
  'moving_mean',
  'moving_variance',
]);

/** The legacy layout: `layer_names` on `group`, `weight_names` on each layer's group. */
function readLegacy(h5: Hdf5File, group: string, readPast: string[]): FileLayer[] {
  const layerNames = stringList(h5.attribute(group, 'layer_names'));
  if (!layerNames) throw new SourceError(`${group}'s layer_names attribute is not a list of names`);
  const out: FileLayer[] = [];
  for (const layer of layerNames) {
    const path = group === '/' ? layer : `${group}/${layer}`;
    const weightNames = stringList(h5.attribute(path, 'weight_names') ?? []);
    if (!weightNames) throw new SourceError(`${path}'s weight_names attribute is not a list of names`);
    if (weightNames.length === 0) continue;
    const tensors: SourceTensor[] = [];
    for (const w of weightNames) {
      const role = w.split('/').at(-1)!.replace(/:\d+$/, '');
      if (!LEGACY_ROLES.has(role))
        throw new SourceError(`${layer} has a weight ${w}, which incc does not import (a layer incc has no kind for)`);
      tensors.push({ name: `${path}/${w}`, role: role as SourceTensor['role'], ...h5.floats(`${path}/${w}`) });
    }
    const kernel = tensors.find((t) => t.role === 'kernel');
    const kind: SourceLayerKind | undefined = tensors.some((t) => t.role === 'moving_mean')
      ? 'batchnorm'
      : kernel?.shape.length === 4
        ? 'conv'
        : kernel?.shape.length === 2
          ? 'dense'
          : undefined;
    if (!kind)
      throw new SourceError(`${layer} holds ${weightNames.join(', ')}: not a Conv2D, Dense or BatchNormalization`);
    out.push({ name: layer, kind, tensors });
  }
  if (h5.children('/')?.includes('optimizer_weights')) readPast.push("optimizer_weights/: the optimizer's state");
  return out;
}

/** Where a zip archive's end record should be; a truncated archive has none. */
function zipEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--)
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) return i;
  return -1;
}

function unzipKeras(bytes: Uint8Array): { weights: Uint8Array; config: unknown } {
  if (zipEnd(bytes) < 0)
    throw new SourceError(
      `it ends at byte ${bytes.length} without a zip archive's end record: the file is truncated, or not a ` +
        `.keras archive`,
    );
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'model.weights.h5' || f.name === 'config.json' });
  } catch (e) {
    throw new SourceError(`the zip archive is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  const weights = files['model.weights.h5'];
  if (!weights) throw new SourceError('the archive has no model.weights.h5 (is it a Keras 3 .keras file?)');
  let config: unknown;
  try {
    config = files['config.json'] ? JSON.parse(new TextDecoder().decode(files['config.json'])) : undefined;
  } catch {
    throw new SourceError("the archive's config.json is not JSON");
  }
  return { weights, config };
}

const isZip = (b: Uint8Array): boolean => b[0] === 0x50 && b[1] === 0x4b;

/** The file's layers, proposed onto `graph` by Keras's layer order (the module comment). */
export async function kerasSource(bytes: Uint8Array, path: string, graph: IRGraph): Promise<WeightSource> {
  const readPast: string[] = [];
  let format: string;
  let layers: FileLayer[];
  if (isZip(bytes) || path.toLowerCase().endsWith('.keras')) {
    if (!isZip(bytes)) throw new SourceError('it is not a zip archive (a .keras file is one)');
    const { weights, config } = unzipKeras(bytes);
    const h5 = await Hdf5File.open(weights).catch((e: unknown) => {
      throw e instanceof SourceError ? new SourceError(`its model.weights.h5: ${e.message}`) : e;
    });
    try {
      format = 'Keras .keras';
      layers = readKeras3(h5, configLayers(config), readPast);
    } finally {
      h5.close();
    }
  } else {
    const h5 = await Hdf5File.open(bytes);
    try {
      const top = h5.children('/') ?? [];
      if (h5.attribute('/', 'layer_names') !== undefined) {
        format = 'Keras legacy .h5';
        layers = readLegacy(h5, '/', readPast);
      } else if (top.includes('model_weights') && h5.attribute('model_weights', 'layer_names') !== undefined) {
        format = 'Keras legacy .h5';
        layers = readLegacy(h5, 'model_weights', readPast);
      } else if (top.includes('layers')) {
        format = 'Keras .weights.h5';
        layers = readKeras3(h5, undefined, readPast);
      } else
        throw new SourceError(
          'it is neither a Keras 3 weights file (no /layers group) nor a legacy Keras one (no layer_names attribute)',
        );
    } finally {
      h5.close();
    }
  }
  // Keras's AveragePooling2D (TensorFlow's) leaves the padding out of the average, and has no option to count it.
  const averagePools = { countIncludePad: false, by: 'Keras' };
  return { format, path, layers: propose(layers, graph), readPast, naming: 'Keras layer-order', averagePools };
}

/**
 * The k-th layer of each kind proposed as the network's k-th layer of that kind in Keras's order; then all in
 * the network's order (IR order), unproposed ones after, in the file's order.
 */
function propose(layers: FileLayer[], graph: IRGraph): SourceLayer[] {
  const order = kerasLayerOrder(graph);
  const seen = new Map<SourceLayerKind, number>();
  const proposed: SourceLayer[] = layers.map((l) => {
    const k = seen.get(l.kind) ?? 0;
    seen.set(l.kind, k + 1);
    return { ...l, incc: order.get(l.kind)?.[k] };
  });
  const irIndex = new Map<string, number>();
  for (const n of graph.nodes) {
    irIndex.set(n.name, irIndex.size);
    irIndex.set(`${n.name}/bn`, irIndex.size);
  }
  const at = (l: SourceLayer) => (l.incc === undefined ? Infinity : (irIndex.get(l.incc) ?? Infinity));
  return proposed
    .map((l, i) => ({ l, i }))
    .sort((a, b) => at(a.l) - at(b.l) || a.i - b.i)
    .map(({ l }) => l);
}
