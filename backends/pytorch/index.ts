/**
 * The PyTorch backend (spec/pytorch.md): an IR graph as a folder a user trains with torchrun.
 *
 *   model.py              the network as a torch.nn.Module (emit-model.ts)
 *   train.py              its recipe, DistributedDataParallel, checkpoints, ONNX export (emit-train.ts)
 *   weights.safetensors   the weights model.py loads with strict keys (incc's initial weights for the
 *                         seed, or those given with --weights)
 *   requirements.txt, README.md
 *
 * Nothing here runs Python: the files are text and bytes, a pure function of the graph, seed and weights.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { totalParams } from '../../compiler/ir/ir.js';
import { resolveRecipe } from '../../compiler/ir/recipe.js';
import type { FileData } from '../common/output.js';
import { encodeSafetensors } from '../common/safetensors.js';
import { toTorchTensors } from '../common/torch-state.js';
import { initialValue, weightSpecs } from '../common/weights.js';
import { emitModel } from './emit-model.js';
import { emitTrain } from './emit-train.js';
import { emitReadme, REQUIREMENTS } from './readme.js';

export { emitModel, torchMomentum, className } from './emit-model.js';
export { emitTrain, recipeLiteral } from './emit-train.js';

export const PYTORCH_FILES = ['model.py', 'train.py', 'weights.safetensors', 'requirements.txt', 'README.md'];

/** What an earlier compile wrote (and Python's bytecode cache beside it): replaceable by a new compile. */
export function isPytorchOutputFile(name: string): boolean {
  return PYTORCH_FILES.includes(name) || name === '__pycache__';
}

export interface PytorchOptions {
  /** Seed of incc's initial weights (backends/common/weights.ts) when `weights` is not given. */
  seed?: number;
  /** Weight values by weights.ts names (Keras layouts). */
  weights?: ReadonlyMap<string, Float32Array>;
  /** Where `weights` came from, for the file's metadata. */
  weightsSource?: string;
  version?: string;
}

/** The weights.safetensors bytes of a graph. */
export function pytorchWeights(graph: IRGraph, options: PytorchOptions = {}): Uint8Array {
  const seed = options.seed ?? 0;
  const weights = options.weights ?? new Map(weightSpecs(graph).map((s) => [s.name, initialValue(s, seed)]));
  const metadata = {
    format: 'pt',
    network: graph.network,
    source: graph.file,
    weights: options.weights ? (options.weightsSource ?? 'given') : `incc initial weights, seed ${seed}`,
  };
  return encodeSafetensors(toTorchTensors(graph, weights), metadata);
}

/** Every file of the output folder, and a one-line summary. Throws DiagnosticError for a bad train section. */
export function pytorchFiles(
  graph: IRGraph,
  options: PytorchOptions = {},
): { files: Map<string, FileData>; summary: string } {
  const version = options.version ?? '0.0.0';
  const recipe = resolveRecipe(graph);
  const model = emitModel(graph, version);
  const files = new Map<string, FileData>([
    ['model.py', model.text],
    ['train.py', emitTrain(graph.network, recipe, version)],
    ['weights.safetensors', pytorchWeights(graph, options)],
    ['requirements.txt', REQUIREMENTS],
    ['README.md', emitReadme(graph, model.className, recipe)],
  ]);
  const p = totalParams(graph.nodes);
  const summary =
    `${graph.network} as ${model.className} (model.py), ${p.trainable.toLocaleString('en-US')} trainable parameters; ` +
    (options.weights
      ? `weights from ${options.weightsSource ?? 'the weights given'}`
      : `weights initial (seed ${options.seed ?? 0})`);
  return { files, summary };
}
