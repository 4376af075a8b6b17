/**
 * `concat`: a Concat that only feeds another Concat on the same axis is merged into it, so the branches
 * are copied once into the final buffer instead of twice (Inception-v3's mixed9 and mixed10 concatenate
 * the 1x3 and 3x1 outputs of two branches, then the four branches).
 *
 * That is as far as the format goes towards "writing the branches into one buffer": ONNX has no views
 * or aliasing of tensors, so every Concat is a copy, and onnxruntime's CPU Concat copies its inputs (its
 * NCHWc layout copies blocks of channels). A runtime that places a concat's inputs in its output buffer
 * (TensorRT does) does so by itself.
 *
 * Removing the inner Concat keeps the node list in topological order: its inputs were written before it,
 * so before the outer one.
 */
import { intOf, note, type GraphView, type INodeProto } from './graph.js';

function isConcat(n: INodeProto | undefined): n is INodeProto {
  return n !== undefined && n.opType === 'Concat' && (n.domain ?? '') === '';
}

/** Merges nested concatenations; returns how many inner Concats were removed. */
export function flattenConcat(view: GraphView): number {
  let merged = 0;
  const removed = new Set<INodeProto>();
  for (const outer of view.nodes) {
    if (!isConcat(outer) || removed.has(outer)) continue;
    const axis = intOf(outer, 'axis', 1);
    const inputs: string[] = [];
    for (const t of outer.input ?? []) {
      const inner = view.producer(t);
      if (isConcat(inner) && intOf(inner, 'axis', 1) === axis && view.onlyReader(t) === outer) {
        inputs.push(...(inner.input ?? []));
        removed.add(inner);
        note(outer, `optimized (concat): took in the inputs of ${inner.name}`);
        merged++;
      } else inputs.push(t);
    }
    outer.input = inputs;
  }
  if (merged > 0) {
    view.graph.node = view.nodes.filter((n) => !removed.has(n));
    view.reindex();
  }
  return merged;
}
