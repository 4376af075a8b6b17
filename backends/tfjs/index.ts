/**
 * The tfjs backend (`import { ... } from 'incc/tfjs'`): an IR graph lowered to a tf.LayersModel with the
 * functional API, written in the tfjs layers format, or printed as TypeScript. Loads @tensorflow/tfjs, so
 * the main `incc` entry point never imports this module (the CLI imports it only for `compile`).
 *
 *   buildModel(graph, { seed })        the tf.LayersModel: outputs main, then the aux heads in graph.aux order
 *   compile(graph, { seed })           the same (a graph from the compiler: graphOf(loadProgram(path)))
 *   compileTfjs(graph, { seed, emitTs }) every file of `incc compile --target tfjs`, in memory (no tf.LayersModel)
 *   writeTfjsModel(model, dir)         model.json + weight shards for any LayersModel, written atomically
 *   loadTfjsModel(dir)                 reads such a folder back with stock tfjs (tf.io.fromMemory)
 *   emitTypeScript(graph, plan)        model.ts
 */
import type * as tf from '@tensorflow/tfjs';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { packageVersion } from '../../compiler/package.js';
import type { FileData } from '../common/output.js';
import { checkWeightSize, TFJS_LIMIT } from '../common/weight-size.js';
import { filesOfArtifacts } from './artifacts.js';
import { emitTypeScript } from './emit-ts.js';
import { buildModel } from './model.js';
import type { NameStyle } from './names.js';
import { planLayers, type LayerPlan } from './plan.js';
import { initialArtifacts } from './topology.js';

export {
  buildModel,
  modelOfPlan,
  setInitialWeights,
  tfjsWeightNames,
  makeLayer,
  type BuildModelOptions,
} from './model.js';
export {
  planLayers,
  variableLayerNames,
  type LayerPlan,
  type PlanOptions,
  type PlannedLayer,
  type LayerFactory,
  type LayerRole,
  type ConfigValue,
} from './plan.js';
export { safeLayerName, layerName, TFJS_NAME, NAME_STYLES, type NameStyle } from './names.js';
export { containerOrder, modelTopology, initialArtifacts } from './topology.js';
export {
  tfjsFiles,
  filesOfArtifacts,
  writeTfjsModel,
  loadTfjsModel,
  readTfjsArtifacts,
  modelArtifacts,
  isTfjsOutputFile,
  SHARD_BYTES,
  type ModelJson,
  type TfjsFilesOptions,
} from './artifacts.js';
export { emitTypeScript, typeScriptSource, stringLiteral, commentText, type EmitOptions } from './emit-ts.js';
export { writeFolderAtomic, writeFileAtomic, OutputError, type FileData } from '../common/output.js';

/** What model.json's userDefinedMetadata.incc holds (model.getUserDefinedMetadata() after loading). */
export interface InccMetadata {
  generator: string;
  network: string;
  args: Record<string, unknown>;
  seed: number;
  /** IR names of the outputs: the main output, then the aux heads. */
  outputs: string[];
  /** Aux heads: name and loss weight, in output order after the main output. */
  aux: { name: string; weight: number }[];
  /** For every tfjs layer, the IR node it implements. */
  layers: Record<string, string>;
  /** The layer names' style (names.ts): `tfjs`, or `keras` (no `/`). */
  names: NameStyle;
}

export function inccMetadata(graph: IRGraph, plan: LayerPlan, seed: number): InccMetadata {
  const layers: Record<string, string> = {};
  for (const l of plan.layers) layers[l.name] = graph.nodes[l.node]!.name;
  return {
    generator: `incc ${packageVersion()}`,
    network: graph.network,
    args: graph.args,
    seed,
    outputs: [graph.nodes[graph.output]!.name, ...graph.aux.map((h) => graph.nodes[h.output]!.name)],
    aux: graph.aux.map((h) => ({ name: h.name, weight: h.weight })),
    layers,
    names: plan.names,
  };
}

export interface CompileOptions {
  /** Seed of the initial weights (backends/common/weights.ts); 0 when left out. */
  seed?: number;
}

/** The tf.LayersModel of a network, in memory, with the initial weights of `seed`. */
export function compile(graph: IRGraph, options: CompileOptions = {}): tf.LayersModel {
  refuseTooLarge(graph);
  return buildModel(graph, { seed: options.seed ?? 0 });
}

/** The network cannot be lowered to tfjs: `diagnostics` say why (`weights-too-large`). */
export class CompileError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n') || 'compile failed');
  }
}

/** A CompileError (`weights-too-large`) for a network whose weights a tfjs model cannot hold, before any is made. */
function refuseTooLarge(graph: IRGraph): void {
  const tooLarge = checkWeightSize(graph, TFJS_LIMIT);
  if (tooLarge) throw new CompileError([tooLarge]);
}

export interface CompileTfjsOptions {
  seed?: number;
  /** Add model.ts (emitTypeScript). */
  emitTs?: boolean;
  /** Weights by weights.ts names (checked against the graph), instead of the initial ones of `seed`. */
  weights?: ReadonlyMap<string, Float32Array>;
  /** The layer names' style (names.ts): `tfjs` (default), or `keras` for names Keras 3 accepts. */
  names?: NameStyle;
}

/**
 * Every file `incc compile --target tfjs` writes, by name: model.json, the weight shards, model.ts; and the
 * number of tfjs layers. Written from the plan without a tf.LayersModel (topology.ts): linear in the layers.
 */
export async function compileTfjs(
  graph: IRGraph,
  options: CompileTfjsOptions = {},
): Promise<{ files: Map<string, FileData>; layers: number }> {
  refuseTooLarge(graph);
  const seed = options.seed ?? 0;
  const plan = planLayers(graph, { names: options.names ?? 'tfjs' });
  const metadata = { incc: inccMetadata(graph, plan, seed) };
  const files = filesOfArtifacts(initialArtifacts(graph, plan, seed, options.weights), { metadata });
  if (options.emitTs) files.set('model.ts', await emitTypeScript(graph, plan, { version: packageVersion() }));
  return { files, layers: plan.layers.length };
}
