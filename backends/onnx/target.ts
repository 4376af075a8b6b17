/**
 * `incc compile --target onnx`: loaded by compile.ts only when this target is chosen (it loads onnx-proto).
 */
import type pkg from 'onnx-proto';
import { packageVersion } from '../../compiler/program/program.js';
import { CheckpointError } from '../tfjs/checkpoint.js';
import { encodeModel, lowerToOnnx, type Layout } from './lower.js';
import { WeightsMismatchError } from '../common/weights-match.js';
import { isSafetensors, readWeightsFile, SafetensorsError } from '../common/weights-file.js';
import { checkFileReplaceable, OutputError, writeFileAtomic, type FileOutputOptions } from '../common/output.js';
import { printDiagnostics, UsageError } from '../../cli/io.js';
import type { CompileTarget } from '../../cli/commands/compile.js';

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
  async compile({ graph, program, out, seed, values }) {
    const layout = (values['layout'] as string | undefined) ?? 'nchw';
    if (layout !== 'nchw' && layout !== 'nhwc') throw new UsageError(`--layout takes nchw or nhwc, not '${layout}'`);
    const weightsPath = values['weights'] as string | undefined;
    const policy: FileOutputOptions = { isOwn: isOnnxFromIncc, force: values['force'] === true };
    try {
      checkFileReplaceable(out, policy); // before the (slow) lowering
    } catch (e) {
      if (e instanceof OutputError) {
        process.stderr.write(`incc compile: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    if (weightsPath !== undefined && values['seed'] !== undefined) throw new UsageError('--seed and --weights exclude each other');
    let weights: Map<string, Float32Array> | undefined;
    if (weightsPath !== undefined) {
      try {
        weights = readWeightsFile(graph, weightsPath);
      } catch (e) {
        if (e instanceof CheckpointError || e instanceof SafetensorsError) {
          process.stderr.write(`incc compile: ${e.message}\n`);
          return 2;
        }
        if (e instanceof WeightsMismatchError) {
          process.stderr.write(`incc compile: error: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
    }
    const foldBn = values['no-fold-bn'] !== true;
    const result = lowerToOnnx(graph, {
      seed,
      weights,
      foldBn,
      layout: layout as Layout,
      sourceOf: program.sourceOf,
      weightsSource: weightsPath !== undefined ? `${isSafetensors(weightsPath) ? 'safetensors' : 'checkpoint'} ${weightsPath}` : `initial, seed ${seed}`,
      producerVersion: packageVersion(),
    });
    if (!result.model) {
      printDiagnostics(result.diagnostics, program.sourceOf);
      return 1;
    }
    const bytes = encodeModel(result.model);
    try {
      writeFileAtomic(out, bytes, policy);
    } catch (e) {
      if (e instanceof OutputError) {
        process.stderr.write(`incc compile: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const g = result.model.graph!;
    const params = (g.initializer ?? []).reduce((sum, t) => sum + (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1), 0);
    const dims = (v: pkg.onnx.IValueInfoProto): string => `[${v.type!.tensorType!.shape!.dim!.map((d: pkg.onnx.TensorShapeProto.IDimension) => d.dimParam ?? String(d.dimValue)).join(', ')}]`;
    process.stdout.write(
      `wrote ${out} (${megabytes(bytes.length)}): ${graph.network}, ONNX opset 13, ${g.node!.length} nodes, ${params.toLocaleString('en-US')} weights; ` +
        `input ${g.input![0]!.name} ${dims(g.input![0]!)} ${layout.toUpperCase()}, output ${g.output!.map((o) => `${o.name} ${dims(o)}`).join(', ')}; ` +
        `batch norm ${foldBn ? 'folded' : 'kept'}; weights ${weightsPath !== undefined ? `from ${weightsPath}` : `initial (seed ${seed})`}\n`,
    );
    return 0;
  },
};
