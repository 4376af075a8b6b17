/**
 * What a weights source hands to the importer (`incc weights import`, spec/weights-import.md): the layers of a
 * file from another framework, each with its tensors already in incc's (Keras's) layouts, in the order the
 * framework created them. A source knows its file format and its framework's names; it knows nothing of the
 * network: backends/import/match.ts maps its layers onto the network's.
 *
 * To add a source: a module with a function `(bytes, path, graph) => WeightSource` (the graph only to propose
 * names, never to decide what fits), a line in backends/import/index.ts's `sources`, a section in the spec.
 */
import type { WeightRole } from '../common/weights.js';

/** What a layer of the source is, as far as weights go. */
export type SourceLayerKind = 'conv' | 'dense' | 'batchnorm';

export interface SourceTensor {
  /** Its name in the file (`Mixed_5b.branch1x1.conv.weight`), for messages. */
  name: string;
  role: WeightRole;
  /**
   * Keras layout, converted by the source: conv kernel [kh, kw, C_in, C_out] (HWIO), dense kernel [in, units],
   * vectors [C].
   */
  shape: number[];
  values: Float32Array;
}

export interface SourceLayer {
  /** Its name in the file (`Mixed_5b.branch1x1.conv`, `conv2d_3`). */
  name: string;
  kind: SourceLayerKind;
  /**
   * The incc layer it is, when a documented name mapping says so: a node's qualified name for a conv or dense
   * layer (`mixed0/branch5x5/conv1`), `NODE/bn` for the batch norm of a conv. The matcher uses these names only
   * when every layer of the source has one that the network has (spec/weights-import.md, "Matching").
   */
  incc?: string;
  tensors: SourceTensor[];
}

export interface WeightSource {
  /** What the file is, for messages and the summary: `safetensors`, `ONNX`, `Keras .keras`. */
  format: string;
  path: string;
  /** In the framework's creation order. */
  layers: SourceLayer[];
  /** Tensors read past, with why (`num_batches_tracked: a counter, not a weight`), for the summary. */
  readPast: string[];
  /** Which name mapping proposed the `incc` names (`torchvision inception_v3`), if one did. */
  naming?: string;
  /**
   * Whether the source's average pools count their zero padding in the divisor, where the file or its
   * framework says (an ONNX AveragePool's count_include_pad; torchvision's Inception-v3; Keras never does).
   * Pools hold no weights, so this never decides a match: pool-padding.ts warns when the network's differ.
   */
  averagePools?: AveragePoolPadding;
}

export interface AveragePoolPadding {
  countIncludePad: boolean;
  /** Who says so, for the warning: `torchvision's Inception-v3`, `ONNX AveragePool /Mixed_5b/AveragePool`. */
  by: string;
}

/**
 * The file cannot be read as its format says (truncated, malformed, an unsupported dtype): the message names the
 * byte offset or the tensor where it went wrong. The importer reports it as `weights-source-unreadable`.
 */
export class SourceError extends Error {}

/** `[3, 3, 192, 64]` -> `3x3x192x64`. */
export const shapeText = (shape: readonly number[]): string => (shape.length === 0 ? 'scalar' : shape.join('x'));
