/**
 * The ONNX backend's library API (`import { exportOnnx } from "incc/onnx"`).
 *
 *   const { graph } = buildNetwork(loadProgram('net.incp'));
 *   const bytes = exportOnnx(graph, { seed: 1 });                    // fresh deterministic weights
 *   const bytes2 = exportOnnx(graph, { checkpoint: 'out/model.json' }); // weights of a tfjs checkpoint
 *   writeFileAtomic('model.onnx', bytes);
 *
 * The model: opset 13, IR version 8, NCHW input [N, C, H, W] with a dynamic batch (or NHWC with
 * `layout: 'nhwc'`), the inference form (dropout and aux heads dropped, batch norm folded unless
 * `foldBn: false`). See backends/onnx/lower.ts for the mapping of each IR op.
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { packageVersion } from '../../compiler/program/program.js';
import { readCheckpoint } from '../tfjs/checkpoint.js';
import { matchCheckpoint, matchWeights } from '../common/weights-match.js';
import { encodeModel, lowerToOnnx, type LowerOptions } from './lower.js';

export { writeFileAtomic, OutputError } from '../common/output.js';
export { readCheckpoint, CheckpointError, type CheckpointWeight } from '../tfjs/checkpoint.js';
export { matchWeights, matchCheckpoint, tfjsCheckpointNames, WeightsMismatchError } from '../common/weights-match.js';
export { lowerToOnnx, encodeModel, OPSET, IR_VERSION, MAX_MODEL_BYTES, type LowerOptions, type LowerResult, type Layout } from './lower.js';
export { axisPads, onnxPads } from './pads.js';

export interface OnnxExportOptions extends Omit<LowerOptions, 'weights'> {
  /** Weight values by the names of backends/common/weights.ts (Keras layouts); checked against the graph's variables. */
  weights?: ReadonlyMap<string, Float32Array>;
  /** A tfjs layers-model checkpoint (model.json path) to take the weights from. */
  checkpoint?: string;
}

/** The network cannot be expressed in ONNX: `diagnostics` say where. */
export class OnnxExportError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

/**
 * Exports a graph (after rules) as a serialized ONNX ModelProto. Throws OnnxExportError (with
 * diagnostics) for a network ONNX cannot express, WeightsMismatchError when `weights`/`checkpoint` do
 * not match the network, CheckpointError for an unreadable checkpoint.
 */
export function exportOnnx(graph: IRGraph, options: OnnxExportOptions = {}): Uint8Array {
  const { checkpoint, weights, ...rest } = options;
  let values: ReadonlyMap<string, Float32Array> | undefined;
  let weightsSource = rest.weightsSource;
  if (checkpoint !== undefined) {
    values = matchCheckpoint(graph, readCheckpoint(checkpoint), checkpoint);
    weightsSource ??= `checkpoint ${checkpoint}`;
  } else if (weights !== undefined) {
    values = matchWeights(graph, [...weights].map(([name, v]) => ({ name, values: v })));
  }
  const result = lowerToOnnx(graph, { producerVersion: packageVersion(), ...rest, weightsSource, weights: values });
  if (!result.model) throw new OnnxExportError(result.diagnostics);
  return encodeModel(result.model);
}
