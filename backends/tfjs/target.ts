/**
 * `incc compile --target tfjs`: loaded by cli/commands/compile.ts only when this target is chosen (it
 * loads @tensorflow/tfjs and, with --emit-ts, prettier).
 */
import * as tf from '@tensorflow/tfjs';
import type { CompileTarget } from '../../cli/commands/compile.js';
import { checkFolderReplaceable, OutputError, writeFolderAtomic } from '../common/output.js';
import { WeightsMismatchError } from '../common/weights-match.js';
import { readWeightsFile, SafetensorsError } from '../common/weights-file.js';
import { UsageError } from '../../cli/io.js';
import { CheckpointError } from './checkpoint.js';
import { totalParams } from '../../compiler/ir/ir.js';
import { isTfjsOutputFile } from './artifacts.js';
import { CompileError, compileTfjs } from './index.js';
import { printDiagnostics } from '../../cli/io.js';

export const tfjsTarget: CompileTarget = {
  async compile({ graph, program, out, seed, values }) {
    // Production mode: no "install tfjs-node" banner from the cpu backend on a compile (nothing runs here).
    tf.enableProdMode();
    try {
      const policy = { force: values['force'] === true };
      checkFolderReplaceable(out, isTfjsOutputFile, policy);
      const weightsPath = values['weights'] as string | undefined;
      if (weightsPath !== undefined && values['seed'] !== undefined) throw new UsageError('--seed and --weights exclude each other');
      const weights = weightsPath !== undefined ? readWeightsFile(graph, weightsPath) : undefined;
      const { files, layers } = await compileTfjs(graph, { seed, emitTs: values['emit-ts'] === true, weights });
      const outputIds = [graph.output, ...graph.aux.map((h) => h.output)];
      const outputs = outputIds.map((id) => `[null, ${graph.nodes[id]!.shape.join(', ')}]`).join(', ');
      const params = totalParams(graph.nodes).total.toLocaleString('en-US');
      const what = `${graph.network}, ${layers} tfjs layers, ${params} parameters, outputs ${outputs}`;
      const bytes = [...files.values()].reduce((n, d) => n + (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength), 0);
      writeFolderAtomic(out, files, isTfjsOutputFile, policy);
      const from = weightsPath !== undefined ? `weights from ${weightsPath}` : `seed ${seed}`;
      process.stdout.write(`wrote ${out}: ${what}; ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB; ${from}\n`);
      return 0;
    } catch (e) {
      if (e instanceof CompileError) {
        printDiagnostics(e.diagnostics, program.sourceOf);
        return 1;
      }
      if (e instanceof WeightsMismatchError) {
        process.stderr.write(`incc compile: error: ${e.message}\n`);
        return 1;
      }
      if (e instanceof OutputError || e instanceof CheckpointError || e instanceof SafetensorsError) {
        process.stderr.write(`incc compile: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
