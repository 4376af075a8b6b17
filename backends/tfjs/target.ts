/**
 * `incc compile --target tfjs`: loaded by cli/commands/compile.ts only when this target is chosen (it
 * loads @tensorflow/tfjs and, with --emit-ts, prettier).
 */
import * as tf from '@tensorflow/tfjs';
import type { CompileTarget } from '../../cli/commands/compile.js';
import { checkFolderReplaceable, OutputError, writeFolderAtomic } from '../common/output.js';
import { isTfjsOutputFile } from './artifacts.js';
import { compileTfjs } from './index.js';

export const tfjsTarget: CompileTarget = {
  async compile({ graph, out, seed, values }) {
    // Production mode: no "install tfjs-node" banner from the cpu backend on a compile (nothing runs here).
    tf.enableProdMode();
    try {
      checkFolderReplaceable(out, isTfjsOutputFile);
      const { model, files } = await compileTfjs(graph, { seed, emitTs: values['emit-ts'] === true });
      const what =
        `${graph.network}, ${model.layers.length} tfjs layers, ${model.countParams().toLocaleString('en-US')} parameters, ` +
        `outputs ${model.outputs.map((o) => `[${o.shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`).join(', ')}`;
      model.dispose();
      const bytes = [...files.values()].reduce((n, d) => n + (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength), 0);
      writeFolderAtomic(out, files, isTfjsOutputFile);
      process.stdout.write(`wrote ${out}: ${what}; ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB; seed ${seed}\n`);
      return 0;
    } catch (e) {
      if (e instanceof OutputError) {
        process.stderr.write(`incc compile: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  },
};
