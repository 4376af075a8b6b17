/**
 * `incc compile --target pytorch --out DIR`: loaded by cli/commands/compile.ts only when this target is
 * chosen. Writes DIR/model.py, train.py, weights.safetensors, requirements.txt and README.md atomically.
 */
import { packageVersion } from '../../compiler/program/program.js';
import { DiagnosticError } from '../../compiler/diagnostics/diagnostics.js';
import { printDiagnostics, UsageError } from '../../cli/io.js';
import type { CompileTarget } from '../../cli/commands/compile.js';
import { CheckpointError } from '../tfjs/checkpoint.js';
import { checkFolderReplaceable, OutputError, writeFolderAtomic } from '../common/output.js';
import { checkWeightSize, PYTORCH_LIMIT } from '../common/weight-size.js';
import { WeightsMismatchError } from '../common/weights-match.js';
import { readWeightsFile, SafetensorsError } from '../common/weights-file.js';
import { isPytorchOutputFile, pytorchFiles } from './index.js';

export const pytorchTarget: CompileTarget = {
  async compile({ graph, program, out, seed, values }) {
    const weightsPath = values['weights'] as string | undefined;
    if (weightsPath !== undefined && values['seed'] !== undefined) throw new UsageError('--seed and --weights exclude each other');
    const tooLarge = checkWeightSize(graph, PYTORCH_LIMIT);
    if (tooLarge) {
      printDiagnostics([tooLarge], program.sourceOf);
      return 1;
    }
    try {
      const policy = { force: values['force'] === true };
      checkFolderReplaceable(out, isPytorchOutputFile, policy); // before the compile
      const weights = weightsPath !== undefined ? readWeightsFile(graph, weightsPath) : undefined;
      const { files, summary } = pytorchFiles(graph, { seed, weights, weightsSource: weightsPath, version: packageVersion() });
      writeFolderAtomic(out, files, isPytorchOutputFile, policy);
      const bytes = [...files.values()].reduce((n, d) => n + (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength), 0);
      process.stdout.write(`wrote ${out}: ${summary}; ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB\n`);
      return 0;
    } catch (e) {
      if (e instanceof DiagnosticError) {
        printDiagnostics([e.diagnostic], program.sourceOf);
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
