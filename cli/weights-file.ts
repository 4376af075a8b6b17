/**
 * `--weights PATH` for `incc compile`, read here and handed to the target (backends/common/target.ts) by
 * variable name: a safetensors file with model.py's state_dict keys (what the
 * PyTorch backend writes and its train.py saves: backends/common/torch-state.ts), or an incc tfjs checkpoint
 * (model.json, read without tfjs by backends/tfjs/checkpoint.ts). Returns the values by weights.ts names.
 */
import { readFileSync } from 'node:fs';
import type { IRGraph } from '../compiler/ir/ir.js';
import { readCheckpoint, readTfjsWeights, tfjsCheckpointNames } from '../backends/tfjs/checkpoint.js';
import { decodeSafetensors, type ReadTensor, SafetensorsError } from '../backends/common/safetensors.js';
import { fromTorchTensors, torchWeightsFound } from '../backends/common/torch-state.js';
import type { FoundWeight } from '../backends/common/init-weights.js';

export { SafetensorsError };

export const isSafetensors = (path: string): boolean => path.toLowerCase().endsWith('.safetensors');

/** The tensors of the safetensors file at `path`; SafetensorsError when it cannot be read or decoded. */
function readSafetensorsTensors(path: string): ReadTensor[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SafetensorsError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  return decodeSafetensors(bytes, path).tensors;
}

/**
 * Throws CheckpointError or SafetensorsError (the file cannot be read), or WeightsMismatchError (it does
 * not fit the network).
 */
export function readWeightsFile(graph: IRGraph, path: string): Map<string, Float32Array> {
  if (!isSafetensors(path)) return readTfjsWeights(path, graph);
  return fromTorchTensors(graph, readSafetensorsTensors(path), path);
}

/**
 * `--init PATH` for `incc train`: what the file (a tfjs checkpoint or a safetensors file with model.py's keys) has
 * for each variable of the graph, by weights.ts name, whatever its shape (backends/common/init-weights.ts decides
 * what is kept). Throws CheckpointError or SafetensorsError (the file cannot be read).
 */
export function readWeightsFound(graph: IRGraph, path: string): Map<string, FoundWeight> {
  if (!isSafetensors(path)) {
    const names = tfjsCheckpointNames(graph);
    const out = new Map<string, FoundWeight>();
    for (const w of readCheckpoint(path)) {
      const name = names.get(w.name);
      if (name !== undefined) out.set(name, { shape: w.shape, values: w.values });
    }
    return out;
  }
  return torchWeightsFound(graph, readSafetensorsTensors(path));
}
