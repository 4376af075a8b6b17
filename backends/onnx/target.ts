/**
 * `incc compile --target onnx` (backends/common/target.ts): loaded by compile.ts only when this target is
 * chosen (it loads onnx-proto). Takes trained weights (`--weights`, read by the CLI) or writes initial ones.
 */
import type pkg from 'onnx-proto';
import { packageVersion } from '../../compiler/package.js';
import { checkFileReplaceable, OutputError, writeFileAtomic, type FileOutputOptions } from '../common/output.js';
import type { CompileTarget } from '../common/target.js';
import { encodeModel, lowerToOnnx, type Layout } from './lower.js';
import { parseOptimize } from './optimize/index.js';

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

export const onnxTarget: CompileTarget = {
  takesWeights: true,
  async compile({ graph, out, seed, options, weights, weightsFrom, weightsSource, sourceOf }) {
    const layout = (options['layout'] as string | undefined) ?? 'nchw';
    if (layout !== 'nchw' && layout !== 'nhwc')
      return { ok: false, usage: `--layout takes nchw or nhwc, not '${layout}'` };
    const optimize = parseOptimize((options['optimize'] as string | undefined) ?? 'default');
    if (typeof optimize === 'string') return { ok: false, usage: optimize };
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
    const bytes = encodeModel(result.model);
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
    const summary =
      `wrote ${out} (${megabytes(bytes.length)}): ${graph.network}, ONNX opset 13, ${g.node!.length} nodes, ` +
      `${params.toLocaleString('en-US')} weights; input ${input}, output ${outputs}; ` +
      `batch norm ${foldBn ? 'folded' : 'kept'}; optimizations ${optimize.length > 0 ? optimize.join(', ') : 'none'}; ` +
      `weights ${from}`;
    return { ok: true, summary };
  },
};
