/**
 * The numbers of int8 quantization, as onnxruntime's quantization tooling computes them
 * (onnxruntime/quantization/quant_utils.py 1.30: compute_scale_zp, quantize_nparray; base_quantizer.py:
 * quantize_bias_static_impl; qdq_quantizer.py: _adjust_weight_scale_for_int32_bias), down to the float32 steps
 * and numpy's rounding (half to even), so that the same ranges give the same bytes.
 *
 * - Activations, per tensor, asymmetric: the range [min(rmin, 0), max(rmax, 0)] over qmin..qmax (uint8 0..255
 *   or int8 -128..127), scale = (rmax - rmin) / (qmax - qmin), zero point = round(qmin - rmin / scale).
 * - Weights, per output channel, symmetric int8 in -127..127: scale = max|w| / 127, zero point 0,
 *   q = round(w / scale) (in float32).
 * - Biases, int32, zero point 0, scale = input scale x weight scale (float32), q = round(b / scale) (float64).
 */

export type ActivationType = 'uint8' | 'int8';

/** The smallest normal float32 (numpy.finfo(float32).tiny): a smaller scale is replaced by 1. */
const FLOAT32_TINY = 1.1754943508222875e-38;
const fround = Math.fround;

/** Rounds half to even (numpy.round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up: step back to the even neighbour on an exact tie.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function activationRange(type: ActivationType): [number, number] {
  return type === 'uint8' ? [0, 255] : [-128, 127];
}

/** Per-tensor activation scale and zero point from a calibrated range (float32 values). */
export function activationParams(
  rmin: number,
  rmax: number,
  type: ActivationType,
): { scale: number; zeroPoint: number } {
  const [qmin, qmax] = activationRange(type);
  const lo = Math.min(rmin, 0);
  const hi = Math.max(rmax, 0);
  // numpy: rmax - rmin in float32, the division in float64.
  const scale = fround(hi - lo) / (qmax - qmin);
  if (scale < FLOAT32_TINY) return { scale: 1, zeroPoint: 0 };
  return { scale: fround(scale), zeroPoint: roundHalfEven(qmin - lo / scale) };
}

/** The symmetric int8 weight scale of one channel's values (max |w| / 127, in float32); 1 for an all-zero channel. */
export function weightScale(min: number, max: number): number {
  const absmax = Math.max(Math.abs(Math.min(min, 0)), Math.abs(Math.max(max, 0)));
  const scale = fround(2 * absmax) / 254;
  return scale < FLOAT32_TINY ? 1 : fround(scale);
}

/**
 * Per-channel symmetric int8 parameters of a weight: one scale per index of `axis` (zero points all 0).
 * `dims` is the weight's shape, `data` its values in row-major order.
 */
export function perChannelScales(data: Float32Array, dims: number[], axis: number): Float32Array {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const mins = new Float64Array(channels).fill(Infinity);
  const maxs = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const v = data[i]!;
    if (v < mins[c]!) mins[c] = v;
    if (v > maxs[c]!) maxs[c] = v;
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = weightScale(mins[c]!, maxs[c]!);
  return scales;
}

/** A weight as int8, per channel along `axis`: clip(round(w / scale), -128, 127) with the division in float32. */
export function quantizeWeight(data: Float32Array, dims: number[], axis: number, scales: Float32Array): Int8Array {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const q = roundHalfEven(fround(data[i]! / scales[c]!));
    out[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
  return out;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * onnxruntime's guard for int32 biases: when input scale x weight scale is too small for a bias value to fit
 * in int32, that channel's weight scale grows by the ratio needed. Returns the (possibly adjusted) scales.
 */
export function adjustWeightScalesForBias(inputScale: number, scales: Float32Array, bias: Float32Array): Float32Array {
  const qrange = INT32_MAX - (INT32_MIN + 1);
  const epsilon = fround(1.0001);
  const out = Float32Array.from(scales);
  for (let c = 0; c < out.length; c++) {
    const smallest = fround(epsilon * fround(2 * Math.abs(bias[c]!))) / qrange;
    const candidate = inputScale * out[c]!;
    if (candidate < smallest && candidate > 0) out[c] = fround(out[c]! * (smallest / candidate));
  }
  return out;
}

/** A bias as int32 with scale input scale x weight scale per channel (float32); returns the values and scales. */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): { values: Int32Array; scales: Float32Array } {
  const scales = new Float32Array(bias.length);
  const values = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    scales[c] = fround(inputScale * weightScales[c]!);
    const q = roundHalfEven(bias[c]! / scales[c]!);
    values[c] = q < INT32_MIN ? INT32_MIN : q > INT32_MAX ? INT32_MAX : q;
  }
  return { values, scales };
}
