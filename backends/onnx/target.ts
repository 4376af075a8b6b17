/**
 * `incc compile --target onnx` (backends/common/target.ts): loaded by compile.ts only when this target is
 * chosen (it loads onnx-proto). Takes trained weights (`--weights`, read by the CLI) or writes initial ones.
 * `--quantize int8` (backends/onnx/quantize/) loads the quantizer, and onnxruntime-node with it, on use.
 */
import type pkg from 'onnx-proto';
import { packageVersion } from '../../compiler/package.js';
import { checkFileReplaceable, OutputError, writeFileAtomic, type FileOutputOptions } from '../common/output.js';
import type { CompileTarget, TargetRequest, TargetResult } from '../common/target.js';
import { encodeModel, lowerToOnnx, type Layout } from './lower.js';
import { parseOptimize } from './optimize/index.js';
import type { ActivationType } from './quantize/params.js';

/**
 * Whether a file's first bytes are an ONNX model incc wrote: ModelProto's ir_version (field 1, a varint)
 * then producer_name (field 2) "incc", the order in which lower.ts's encoder writes them.
 */
export function isOnnxFromIncc(head: Buffer): boolean {
  if (head[0] !== 0x08) return false;
  let i = 1;
  while (i < head.length && head[i]! & 0x80) i++;
  return head.subarray(i + 1, i + 7).equals(Buffer.from([0x12, 0x04, ...Buffer.from('incc')]));
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

interface Int8Request {
  calibrate?: string;
  count: number;
  activations: ActivationType;
}

/** --quantize and its companions, checked before anything is computed. */
function quantizeOptions(options: TargetRequest['options']): { int8?: Int8Request } | { usage: string } {
  const quantize = options['quantize'] as string | undefined;
  const calibrate = options['calibrate'] as string | undefined;
  const size = options['calibration-size'] as string | undefined;
  const activations = (options['activations'] as string | undefined) ?? 'uint8';
  if (quantize === undefined) {
    const stray = ['calibrate', 'calibration-size', 'activations'].find((o) => options[o] !== undefined);
    return stray ? { usage: `--${stray} goes with --quantize int8` } : {};
  }
  if (quantize !== 'int8') return { usage: `--quantize takes int8, not '${quantize}'` };
  if (options['no-fold-bn'] === true) return { usage: '--quantize int8 folds batch norm: leave out --no-fold-bn' };
  if (calibrate === '') return { usage: '--calibrate takes a folder of images' };
  if (size !== undefined && (!/^\d+$/.test(size) || Number(size) < 1 || Number(size) > 100000))
    return { usage: `--calibration-size takes a number of images from 1 to 100000, got '${size}'` };
  if (activations !== 'uint8' && activations !== 'int8')
    return { usage: `--activations takes uint8 or int8, not '${activations}'` };
  return { int8: { calibrate, count: size === undefined ? 64 : Number(size), activations } };
}

/**
 * The int8 form of the float model. The quantizer (and with it onnxruntime-node, which runs the calibration) is
 * imported only here.
 */
async function quantizeModel(
  model: pkg.onnx.IModelProto,
  request: Int8Request & { seed: number; shape: [number, number, number]; layout: Layout },
): Promise<{ ok: true; model: pkg.onnx.IModelProto; from: string } | { ok: false; error: TargetResult }> {
  const q = await import('./quantize/index.js');
  const { DataError } = await import('../common/data.js');
  try {
    const inputs = await q.calibrationInputs({
      source: request.calibrate === undefined ? { generated: true } : { folder: request.calibrate },
      count: request.count,
      seed: request.seed,
      shape: request.shape,
      layout: request.layout,
    });
    const result = await q.quantizeInt8(model, inputs, {
      activationType: request.activations,
      calibrationSource: inputs.from,
    });
    return { ok: true, model: result.model, from: inputs.from };
  } catch (e) {
    if (e instanceof DataError)
      return { ok: false, error: { ok: false, cannotRead: `calibration images: ${e.message}` } };
    const code = (e as { code?: unknown } | null)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /onnxruntime-node/.test(String(e)))
      return {
        ok: false,
        error: {
          ok: false,
          usage:
            '--quantize int8 runs the float model in onnxruntime-node to calibrate it, and this installation ' +
            'has no onnxruntime-node: npm install onnxruntime-node',
        },
      };
    throw e;
  }
}

export const onnxTarget: CompileTarget = {
  takesWeights: true,
  async compile({ graph, out, seed, options, weights, weightsFrom, weightsSource, sourceOf }) {
    const layout = (options['layout'] as string | undefined) ?? 'nchw';
    if (layout !== 'nchw' && layout !== 'nhwc')
      return { ok: false, usage: `--layout takes nchw or nhwc, not '${layout}'` };
    const optimize = parseOptimize((options['optimize'] as string | undefined) ?? 'default');
    if (typeof optimize === 'string') return { ok: false, usage: optimize };
    const quantize = quantizeOptions(options);
    if ('usage' in quantize) return { ok: false, usage: quantize.usage };
    const policy: FileOutputOptions = { isOwn: isOnnxFromIncc, force: options['force'] === true };
    try {
      checkFileReplaceable(out, policy); // before the (slow) lowering
    } catch (e) {
      if (e instanceof OutputError) return { ok: false, cannotWrite: e.message };
      throw e;
    }
    const foldBn = options['no-fold-bn'] !== true;
    const result = lowerToOnnx(graph, {
      seed,
      weights,
      foldBn,
      layout: layout as Layout,
      sourceOf,
      weightsSource: weights !== undefined ? (weightsSource ?? `${weightsFrom}`) : `initial, seed ${seed}`,
      producerVersion: packageVersion(),
      optimize,
    });
    if (!result.model) return { ok: false, diagnostics: result.diagnostics };
    let model = result.model;
    let quantized = '';
    if (quantize.int8) {
      const [h, w, c] = graph.nodes[graph.input]!.shape as [number, number, number];
      const q = await quantizeModel(model, { ...quantize.int8, seed, shape: [h, w, c], layout: layout as Layout });
      if (!q.ok) return q.error;
      model = q.model;
      quantized = `; int8 (QDQ, ${quantize.int8.activations} activations) calibrated on ${q.from}`;
    }
    const bytes = encodeModel(model);
    try {
      writeFileAtomic(out, bytes, policy);
    } catch (e) {
      if (e instanceof OutputError) return { ok: false, cannotWrite: e.message };
      throw e;
    }
    const g = result.model.graph!;
    const params = (g.initializer ?? []).reduce(
      (sum, t) => sum + (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1),
      0,
    );
    const dims = (v: pkg.onnx.IValueInfoProto): string => {
      const shape = v.type!.tensorType!.shape!.dim!.map(
        (d: pkg.onnx.TensorShapeProto.IDimension) => d.dimParam ?? String(d.dimValue),
      );
      return `[${shape.join(', ')}]`;
    };
    const input = `${g.input![0]!.name} ${dims(g.input![0]!)} ${layout.toUpperCase()}`;
    const outputs = g.output!.map((o) => `${o.name} ${dims(o)}`).join(', ');
    const from = weights !== undefined ? `from ${weightsFrom}` : `initial (seed ${seed})`;
    const nodes = model.graph!.node!.length;
    const passes = optimize.length > 0 ? optimize.join(', ') : 'none';
    const summary =
      `wrote ${out} (${megabytes(bytes.length)}): ${graph.network}, ONNX opset 13, ${nodes} nodes, ` +
      `${params.toLocaleString('en-US')} weights; input ${input}, output ${outputs}; ` +
      `batch norm ${foldBn ? 'folded' : 'kept'}; optimizations ${passes}; weights ${from}${quantized}`;
    return { ok: true, summary };
  },
};
