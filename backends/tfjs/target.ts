/**
 * `incc compile --target tfjs` (backends/common/target.ts): loaded by cli/commands/compile.ts only when this
 * target is chosen (it loads @tensorflow/tfjs and, with --emit-ts, prettier).
 */
import * as tf from '@tensorflow/tfjs';
import { checkFolderReplaceable, OutputError, writeFolderAtomic } from '../common/output.js';
import type { CompileTarget } from '../common/target.js';
import { totalParams } from '../../compiler/ir/ir.js';
import { isTfjsOutputFile } from './artifacts.js';
import { CompileError, compileTfjs } from './index.js';
import { NAME_STYLES, type NameStyle } from './names.js';

export const tfjsTarget: CompileTarget = {
  takesWeights: true,
  async compile({ graph, out, seed, options, weights, weightsFrom }) {
    // Production mode: no "install tfjs-node" banner from the cpu backend on a compile (nothing runs here).
    tf.enableProdMode();
    const names = (options['names'] ?? 'tfjs') as NameStyle;
    if (!NAME_STYLES.includes(names))
      return { ok: false, usage: `--names takes ${NAME_STYLES.join(' or ')}, got '${String(options['names'])}'` };
    try {
      const policy = { force: options['force'] === true };
      checkFolderReplaceable(out, isTfjsOutputFile, policy);
      const { files, layers } = await compileTfjs(graph, {
        seed,
        emitTs: options['emit-ts'] === true,
        weights,
        names,
      });
      const outputIds = [graph.output, ...graph.aux.map((h) => h.output)];
      const outputs = outputIds.map((id) => `[null, ${graph.nodes[id]!.shape.join(', ')}]`).join(', ');
      const params = totalParams(graph.nodes).total.toLocaleString('en-US');
      const what = `${graph.network}, ${layers} tfjs layers, ${params} parameters, outputs ${outputs}`;
      const bytes = [...files.values()].reduce(
        (n, d) => n + (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength),
        0,
      );
      writeFolderAtomic(out, files, isTfjsOutputFile, policy);
      const from = weights !== undefined ? `weights from ${weightsFrom}` : `seed ${seed}`;
      return {
        ok: true,
        summary: `wrote ${out}: ${what}; ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB; ${from}`,
      };
    } catch (e) {
      if (e instanceof CompileError) return { ok: false, diagnostics: e.diagnostics };
      if (e instanceof OutputError) return { ok: false, cannotWrite: e.message };
      throw e;
    }
  },
};
