/**
 * int8 export (`incc compile --target onnx --quantize int8`): the float model (lower.ts, batch norm folded)
 * calibrated on images (calibrate.ts: onnxruntime runs it) and rewritten in the QDQ format (qdq.ts) as
 * onnxruntime's quantize_static makes it: per-channel symmetric int8 weights, per-tensor uint8 (or int8)
 * activations, int32 biases. onnxruntime fuses each DequantizeLinear -> Conv -> QuantizeLinear into an integer
 * convolution when it loads the model.
 */
import pkg from 'onnx-proto';
import { calibrate, type CalibrationInputs } from './calibrate.js';
import type { ActivationType } from './params.js';
import { tensorsToCalibrate, toQdq, type Ranges } from './qdq.js';

export { calibrate, withRangeOutputs, type CalibrationInputs } from './calibrate.js';
export {
  calibrationFiles,
  calibrationInputs,
  type CalibrationRequest,
  type CalibrationSource,
} from './calibration-data.js';
export { activationParams, roundHalfEven, weightScale, type ActivationType } from './params.js';
export { QUANTIZABLE_OPS, QuantizeError, tensorsToCalibrate, toQdq, type Ranges } from './qdq.js';

type IModelProto = pkg.onnx.IModelProto;

export interface QuantizeOptions {
  /** uint8 (default, onnxruntime's default and its fastest kernels on x86) or int8. */
  activationType?: ActivationType;
  /** Where the calibration images came from, for the metadata. */
  calibrationSource?: string;
}

/** The int8 (QDQ) model and the calibrated ranges it was made from. */
export async function quantizeInt8(
  model: IModelProto,
  inputs: CalibrationInputs,
  options: QuantizeOptions = {},
): Promise<{ model: IModelProto; ranges: Ranges }> {
  const activationType = options.activationType ?? 'uint8';
  const encode = (m: IModelProto): Uint8Array => pkg.onnx.ModelProto.encode(m).finish();
  const ranges = await calibrate(model, tensorsToCalibrate(model), inputs, encode);
  const q = toQdq(model, ranges, { activationType });
  const description =
    `int8 QDQ: per-channel symmetric int8 weights, per-tensor ${activationType} activations, int32 biases; ` +
    `MinMax calibration on ${options.calibrationSource ?? `${inputs.count} images`}`;
  return {
    model: {
      ...q,
      docString: `${q.docString ?? ''}; ${description}`,
      metadataProps: [...(q.metadataProps ?? []), { key: 'quantization', value: description }],
    },
    ranges,
  };
}
