/**
 * Fast filter-gradient kernels (Conv2DBackpropFilter) for the pure-JS tfjs backends.
 *
 * - cpu: the shipped kernel reads every element through TensorBuffer.get() in the innermost loop and is
 *   about 50x slower than the forward convolution (shared/notes/TOOLCHAIN.md). This one works on the flat
 *   arrays: for every output pixel and every filter tap it adds the outer product x[pixel, :] (x) dy[pixel, :]
 *   into the tap's [C_in, C_out] slab, skipping zero inputs (half of them after a ReLU).
 * - wasm: the shipped backend has no Conv2DBackpropFilter at all. This one is composed from the backend's own
 *   kernels: one dilated convolution of the transposed input by the transposed dy (see composedKernel).
 *
 * Both handle strides, SAME / VALID / explicit padding, NHWC and NCHW (dilation is always 1 for this kernel).
 */
import * as tf from '@tensorflow/tfjs';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

interface FilterAttrs {
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function convInfoOf(xShape: number[], attrs: FilterAttrs): ConvInfo {
  const format = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    format,
  );
}

/** NCHW -> NHWC on a flat array. */
function toChannelsLast(v: ArrayLike<number>, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(n! * c! * h! * w!);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let i = 0; i < h! * w!; i++) out[(b * h! * w! + i) * c! + ch] = v[(b * c! + ch) * h! * w! + i]!;
  return out;
}

/**
 * The filter gradient on flat NHWC arrays: dW[kh, kw, ci, co] = sum over b, oh, ow of
 * x[b, oh*sh + kh - top, ow*sw + kw - left, ci] * dy[b, oh, ow, co]. Accumulates in float64.
 */
export function conv2dBackpropFilterFlat(x: ArrayLike<number>, dy: ArrayLike<number>, info: ConvInfo): Float32Array {
  const { batchSize, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const acc = new Float64Array(KH * KW * Ci * Co);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh - top;
        if (ih < 0 || ih >= H) continue;
        const xRow = (b * H + ih) * W;
        for (let ow = 0; ow < OW; ow++) {
          const dyOff = ((b * OH + oh) * OW + ow) * Co;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw - left;
            if (iw < 0 || iw >= W) continue;
            const xOff = (xRow + iw) * Ci;
            const tap = (kh * KW + kw) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xOff + ci]!;
              if (xv === 0) continue;
              const o = tap + ci * Co;
              for (let co = 0; co < Co; co++) acc[o + co] += xv * dy[dyOff + co]!;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

/** What tfjs passes a kernel function. */
interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

interface CpuBackendLike {
  data: { get(id: unknown): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
}

function cpuKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as CpuBackendLike;
  const a = attrs as unknown as FilterAttrs;
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  const info = convInfoOf(x.shape, a);
  let xv = be.data.get(x.dataId).values;
  let dyv = be.data.get(dy.dataId).values;
  if (info.dataFormat === 'channelsFirst') {
    xv = toChannelsLast(xv, x.shape);
    dyv = toChannelsLast(dyv, dy.shape);
  }
  return be.makeTensorInfo(info.filterShape, 'float32', conv2dBackpropFilterFlat(xv, dyv, info));
}

/** Calls another kernel of the same backend (as the backends' own composed kernels do). */
function call(
  name: string,
  backend: unknown,
  inputs: tf.NamedTensorInfoMap,
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const k = tf.getKernel(name, tf.getBackend());
  if (!k) throw new Error(`the ${tf.getBackend()} backend has no ${name} kernel`);
  return k.kernelFunc({
    inputs,
    backend: backend as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
}

/**
 * Composed from the backend's own kernels: the filter gradient is itself a convolution, of the input with
 * the batch as channels, by dy as the filter, dilated by the forward stride:
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} xpad[n, kh + oh*sh, kw + ow*sw, ci] * dy[n, oh, ow, co]
 *                      = conv2d(xpad^T [Ci, Hp, Wp, N], dy^T [OH, OW, N, Co], dilation (sh, sw), VALID)[ci, kh, kw, co]
 * Transpose, PadV2, Conv2D (XNNPACK on wasm) and Slice; one convolution instead of KH x KW matMuls.
 */
function composedKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as unknown as FilterAttrs;
  const info = convInfoOf(inputs['x']!.shape, a);
  const be = backend as tf.KernelBackend;
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => (temps.push(t), t);
  let x = inputs['x']!;
  let dy = inputs['dy']!;
  if (info.dataFormat === 'channelsFirst') {
    x = keep(call('Transpose', backend, { x }, { perm: [0, 2, 3, 1] }));
    dy = keep(call('Transpose', backend, { x: dy }, { perm: [0, 2, 3, 1] }));
  }
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  // Pad so that every tap's window lies inside: rows up to (OH - 1) * sh + KH - 1 - top.
  const bottom = Math.max(0, (OH - 1) * sh + KH - top - H);
  const right = Math.max(0, (OW - 1) * sw + KW - left - W);
  if (top || left || bottom || right) {
    x = keep(
      call(
        'PadV2',
        backend,
        { x },
        {
          paddings: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          constantValue: 0,
        },
      ),
    );
  }
  const xt = keep(call('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
  const dyt = keep(call('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
  let g = keep(
    call(
      'Conv2D',
      backend,
      { x: xt, filter: dyt },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
    ),
  );
  if (g.shape[1] !== KH || g.shape[2] !== KW)
    g = keep(call('Slice', backend, { x: g }, { begin: [0, 0, 0, 0], size: [Ci, KH, KW, Co] }));
  const out = call('Transpose', backend, { x: g }, { perm: [1, 2, 0, 3] });
  for (const t of temps)
    if (t.dataId !== out.dataId && t !== inputs['x'] && t !== inputs['dy']) be.disposeData(t.dataId);
  return out;
}

/** The stock kernel of a backend, kept so tests and the bench can compare against it. */
const stock = new Map<string, tf.KernelConfig>();

export function stockFilterKernel(backendName: string): tf.KernelConfig | undefined {
  return stock.get(backendName);
}

/**
 * Registers the fast Conv2DBackpropFilter for `backendName` ('cpu' or 'wasm'); other backends (tfjs-node,
 * webgl) have a good one already. Returns whether it registered one. Idempotent.
 */
export function registerFastKernels(backendName: string): boolean {
  if (backendName !== 'cpu' && backendName !== 'wasm') return false;
  const existing = tf.getKernel('Conv2DBackpropFilter', backendName);
  if (existing && (existing.kernelFunc === cpuKernel || existing.kernelFunc === composedKernel)) return true;
  if (existing) {
    stock.set(backendName, existing);
    tf.unregisterKernel('Conv2DBackpropFilter', backendName);
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: (backendName === 'cpu' ? cpuKernel : composedKernel) as unknown as tf.KernelFunc,
  });
  return true;
}

/** Puts the stock kernel back (the bench compares the two). */
export function restoreStockKernels(backendName: string): void {
  const s = stock.get(backendName);
  if (!s) return;
  tf.unregisterKernel('Conv2DBackpropFilter', backendName);
  tf.registerKernel(s);
}
