/**
 * `incc compile --target pytorch --out DIR` (backends/common/target.ts): loaded by cli/commands/compile.ts
 * only when this target is chosen. Writes DIR/model.py, train.py, weights.safetensors, requirements.txt and
 * README.md atomically.
 */
import { packageVersion } from '../../compiler/package.js';
import { DiagnosticError } from '../../compiler/diagnostics/diagnostics.js';
import { checkFolderReplaceable, OutputError, writeFolderAtomic } from '../common/output.js';
import { checkWeightSize, PYTORCH_LIMIT } from '../common/weight-size.js';
import type { CompileTarget } from '../common/target.js';
import { isPytorchOutputFile, pytorchFiles } from './index.js';

export const pytorchTarget: CompileTarget = {
  takesWeights: true,
  async compile({ graph, out, seed, options, weights, weightsFrom }) {
    const tooLarge = checkWeightSize(graph, PYTORCH_LIMIT);
    if (tooLarge) return { ok: false, diagnostics: [tooLarge] };
    try {
      const policy = { force: options['force'] === true };
      checkFolderReplaceable(out, isPytorchOutputFile, policy); // before the compile
      const { files, summary } = pytorchFiles(graph, {
        seed,
        weights,
        weightsSource: weightsFrom,
        version: packageVersion(),
      });
      writeFolderAtomic(out, files, isPytorchOutputFile, policy);
      const bytes = [...files.values()].reduce(
        (n, d) => n + (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength),
        0,
      );
      return { ok: true, summary: `wrote ${out}: ${summary}; ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB` };
    } catch (e) {
      if (e instanceof DiagnosticError) return { ok: false, diagnostics: [e.diagnostic] };
      if (e instanceof OutputError) return { ok: false, cannotWrite: e.message };
      throw e;
    }
  },
};
