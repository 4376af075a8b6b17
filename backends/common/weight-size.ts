/**
 * Can a target hold a network's weights? Every target checks here, before it allocates any weight, and
 * refuses a network too large for it with `weights-too-large` (spec/diagnostics.md): the size of the
 * weights (4 bytes each), the target's limit and, in a note, the largest layer. Counting is done on the
 * IR (backends/common/weights.ts's shapes), never by making the weights.
 */
import { diagnostic, type Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { weightSpecs, type WeightSpec } from './weights.js';

export interface WeightLimit {
  /** The largest number of weight bytes the target holds. */
  maxBytes: number;
  /** The limit as the message says it (`2 GiB`). */
  limit: string;
  /** What holds the weights (`one ONNX file`, `a tfjs model`): "more than the {limit} {holder} can hold". */
  holder: string;
}

/** One protobuf message (an .onnx file) is limited to 2 GiB; a margin is kept for names and structure. */
export const ONNX_LIMIT: WeightLimit = { maxBytes: 2 ** 31 - 2 ** 24, limit: '2 GiB', holder: 'one ONNX file' };

/**
 * The tfjs target holds every weight in memory before writing the shards, and tfjs reads them back into
 * one ArrayBuffer: 2 GiB is the largest that every JavaScript engine allocates.
 */
export const TFJS_LIMIT: WeightLimit = { maxBytes: 2 ** 31 - 1, limit: '2 GiB', holder: 'a tfjs model' };

/** The pytorch target writes weights.safetensors from one buffer in memory: the same 2 GiB as tfjs's. */
export const PYTORCH_LIMIT: WeightLimit = {
  maxBytes: 2 ** 31 - 1,
  limit: '2 GiB',
  holder: 'the weights.safetensors incc writes',
};

export function formatBytes(n: number): string {
  if (n >= 2 ** 40) return `${(n / 2 ** 40).toLocaleString('en-US', { maximumFractionDigits: 2 })} TiB`;
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * `weights-too-large` when the weights of the graph's nodes (those `live` says are used; all by default)
 * are more than the target holds; undefined when they fit.
 */
export function checkWeightSize(
  graph: IRGraph,
  target: WeightLimit,
  specs: Iterable<WeightSpec> = weightSpecs(graph),
  live?: (node: number) => boolean,
): Diagnostic | undefined {
  let bytes = 0;
  const perNode = new Map<number, number>();
  for (const s of specs) {
    if (live && !live(s.node)) continue;
    const b = 4 * s.shape.reduce((x, y) => x * y, 1);
    bytes += b;
    perNode.set(s.node, (perNode.get(s.node) ?? 0) + b);
  }
  if (bytes <= target.maxBytes) return undefined;
  let largest: { node: IRNode; bytes: number } | undefined;
  for (const [id, b] of perNode) if (!largest || b > largest.bytes) largest = { node: graph.nodes[id]!, bytes: b };
  const note = largest && `the largest layer, ${largest.node.name}, holds ${formatBytes(largest.bytes)}`;
  const related = largest ? [{ message: note!, span: largest.node.span }] : [];
  const values = { network: graph.network, size: formatBytes(bytes), limit: target.limit, holder: target.holder };
  return diagnostic('weights-too-large', graph.span, values, { related });
}
