/**
 * `incc weights import` (spec/weights-import.md): a weights file of another framework -> weight values by incc
 * variable name (backends/common/weights.ts) for a built graph. A source (source.ts) reads the file into layers
 * in its framework's creation order; match.ts maps them onto the graph's. Writing the result (an incc tfjs
 * checkpoint or a safetensors file) is the CLI's, through the backends that own those formats.
 *
 * The sources, by file name: `.safetensors` a PyTorch state dict (torch.ts), `.onnx` an ONNX model's
 * initializers matched through its graph (onnx.ts), `.keras`, `.weights.h5` and `.h5` Keras's files (keras.ts). A
 * source is a line in `sources`.
 */
import { readFileSync } from 'node:fs';
import { diagnostic, type Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { writeFileAtomic } from '../common/output.js';
import { encodeSafetensors } from '../common/safetensors.js';
import { toTorchTensors } from '../common/torch-state.js';
import { matchSource, MatchError, type MatchResult } from './match.js';
import { poolPaddingWarning } from './pool-padding.js';
import { SourceError, type WeightSource } from './source.js';
import { torchSource } from './torch.js';

export { MatchError } from './match.js';
export type { MatchResult } from './match.js';
export type { WeightSource, SourceLayer, SourceTensor } from './source.js';

export interface SourceReader {
  /** What the files are (`safetensors`): the format named in messages. */
  format: string;
  /** File name endings it reads (lower case, with the dot). */
  extensions: string[];
  /**
   * The file's layers. Throws SourceError when the file is not what its format says (truncated, malformed),
   * and lets a file system error (a missing file) through.
   */
  read(path: string, graph: IRGraph): Promise<WeightSource>;
}

export const sources: SourceReader[] = [
  {
    format: 'safetensors',
    extensions: ['.safetensors'],
    read: async (path, graph) => torchSource(readFileSync(path), path, graph),
  },
  {
    format: 'ONNX',
    extensions: ['.onnx'],
    read: async (path, graph) => (await import('./onnx.js')).onnxSource(readFileSync(path), path, graph),
  },
  {
    format: 'Keras',
    extensions: ['.keras', '.h5'],
    read: async (path, graph) => (await import('./keras.js')).kerasSource(readFileSync(path), path, graph),
  },
];

/** The reader for a file name, if incc has one. */
export function readerFor(path: string): SourceReader | undefined {
  const lower = path.toLowerCase();
  return sources.find((s) => s.extensions.some((e) => lower.endsWith(e)));
}

/** The file cannot be read at all (missing, a folder, no permission): the CLI exits 2 with this message. */
export class ImportFileError extends Error {}

/**
 * Reads `path` and matches it onto `graph`, with the warnings of a match that fits (pool-padding.ts). Throws
 * ImportFileError (no such file, an unknown kind of file) or MatchError (a diagnostic: the file is malformed, or a
 * layer does not fit).
 */
export async function importWeights(
  graph: IRGraph,
  path: string,
): Promise<{ source: WeightSource; warnings: Diagnostic[] } & MatchResult> {
  const reader = readerFor(path);
  if (!reader) {
    const known = sources.flatMap((s) => s.extensions).join(', ');
    throw new ImportFileError(`${path}: incc imports weights from files ending in ${known}`);
  }
  let source: WeightSource;
  try {
    source = await reader.read(path, graph);
  } catch (e) {
    if (e instanceof SourceError)
      throw new MatchError(
        diagnostic('weights-source-unreadable', undefined, { path, format: reader.format, why: e.message }),
      );
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string')
      throw new ImportFileError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    throw e;
  }
  const matched = matchSource(graph, source);
  const poolWarning = poolPaddingWarning(graph, source);
  return { source, ...matched, warnings: poolWarning ? [poolWarning] : [] };
}

/** What an imported safetensors file's metadata says, so that a later import may replace it. */
const GENERATOR = 'incc weights import';

/** Whether a file's first bytes are those of a safetensors file `incc weights import` wrote. */
export function isImportedSafetensors(head: Buffer): boolean {
  return head.subarray(8).toString('latin1').includes(`"generator":"${GENERATOR}"`);
}

/**
 * Writes imported weights as a safetensors file with model.py's keys (backends/common/torch-state.ts), which
 * `compile --weights`, `train --init` and model.py read; atomically, replacing only a file it wrote itself
 * unless `force` (backends/common/output.ts). Throws OutputError.
 */
export function writeImportedSafetensors(
  graph: IRGraph,
  weights: ReadonlyMap<string, Float32Array>,
  out: string,
  from: string,
  force: boolean,
): number {
  const metadata = { format: 'pt', generator: GENERATOR, network: graph.network, source: graph.file, weights: from };
  const bytes = encodeSafetensors(toTorchTensors(graph, weights), metadata);
  writeFileAtomic(out, bytes, { isOwn: isImportedSafetensors, force });
  return bytes.byteLength;
}
