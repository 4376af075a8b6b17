/**
 * The ONNX backend's library API (`import { exportOnnx } from "incc/onnx"`).
 *
 *   const graph = graphOf(loadProgram('net.incp'));                   // from 'incc'
 *   const bytes = exportOnnx(graph, { seed: 1 });                     // fresh deterministic weights
 *   const weights = readTfjsWeights('out/model.json', graph);         // from 'incc/tfjs-checkpoint'
 *   const bytes2 = exportOnnx(graph, { weights });                    // the weights of a tfjs checkpoint
 *   writeFileAtomic('model.onnx', bytes);
 *
 * The model: opset 13, IR version 8, NCHW input [N, C, H, W] with a dynamic batch (or NHWC with
 * `layout: 'nhwc'`), the inference form (dropout and aux heads dropped, batch norm folded unless
 * `foldBn: false`), then the graph optimizations of backends/onnx/optimize/ (`optimize`, default
 * DEFAULT_OPTIMIZATIONS; `[]` for none). See backends/onnx/lower.ts for the mapping of each IR op.
 * `quantizeInt8` makes the int8 (QDQ) form of a lowered model (backends/onnx/quantize/; it runs
 * onnxruntime-node to calibrate).
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { packageVersion } from '../../compiler/package.js';
import { matchWeights } from '../common/weights-match.js';
import { encodeModel, lowerToOnnx, type LowerOptions } from './lower.js';

export { writeFileAtomic, OutputError } from '../common/output.js';
export { matchWeights, WeightsMismatchError } from '../common/weights-match.js';
export {
  lowerToOnnx,
  encodeModel,
  OPSET,
  IR_VERSION,
  MAX_MODEL_BYTES,
  type LowerOptions,
  type LowerResult,
  type Layout,
} from './lower.js';
export { axisPads, onnxPads } from './pads.js';
export {
  OPTIMIZATIONS,
  DEFAULT_OPTIMIZATIONS,
  parseOptimize,
  optimizeGraph,
  type Optimization,
  type OptimizeReport,
} from './optimize/index.js';
export {
  calibrationInputs,
  quantizeInt8,
  toQdq,
  tensorsToCalibrate,
  QuantizeError,
  type ActivationType,
  type CalibrationInputs,
  type CalibrationRequest,
  type QuantizeOptions,
} from './quantize/index.js';

export interface OnnxExportOptions extends Omit<LowerOptions, 'weights'> {
  /**
   * Weight values by the names of backends/common/weights.ts (Keras layouts); checked against the graph's variables.
   */
  weights?: ReadonlyMap<string, Float32Array>;
}

/** The network cannot be expressed in ONNX: `diagnostics` say where. */
export class OnnxExportError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

/**
 * Exports a graph (after rules) as a serialized ONNX ModelProto. Throws OnnxExportError (with
 * diagnostics) for a network ONNX cannot express, WeightsMismatchError when `weights` do not match the
 * network.
 */
export function exportOnnx(graph: IRGraph, options: OnnxExportOptions = {}): Uint8Array {
  const { weights, ...rest } = options;
  const values =
    weights === undefined
      ? undefined
      : matchWeights(
          graph,
          [...weights].map(([name, v]) => ({ name, values: v })),
        );
  const weightsSource = rest.weightsSource;
  const result = lowerToOnnx(graph, { producerVersion: packageVersion(), ...rest, weightsSource, weights: values });
  if (!result.model) throw new OnnxExportError(result.diagnostics);
  return encodeModel(result.model);
}
