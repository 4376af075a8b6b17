/**
 * The order in which a Keras-style functional model lists its layers (Keras 3's `Functional.layers`, tfjs's
 * Container, both from Keras 2's `_map_graph_network`): by decreasing depth (the longest path from the layer
 * to an output), ties in the order a depth-first walk from the outputs (each layer's inputs in order) first
 * reaches them. Keras saves weights in this order (a `.weights.h5` numbers each class's layers by it; the
 * legacy `.h5` lists them in it), and tfjs writes model.json's layers in it. Iterative: no recursion depth.
 */

export interface OrderedLayer {
  name: string;
  /** Names of the layers whose outputs it takes, in order. */
  inputs: readonly string[];
}

/** `layers` in the functional model's order, for the model whose outputs are the layers `outputs`. */
export function functionalOrder<L extends OrderedLayer>(layers: readonly L[], outputs: readonly string[]): L[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const firstSeen = new Map<string, number>();
  const finished = new Set<string>();
  const postOrder: L[] = [];
  for (const output of outputs) {
    // A frame: the layer and the next of its inputs to walk.
    const stack: { layer: L; next: number }[] = [];
    const enter = (name: string) => {
      if (finished.has(name)) return;
      if (!firstSeen.has(name)) firstSeen.set(name, firstSeen.size);
      const layer = byName.get(name);
      if (!layer) throw new Error(`functionalOrder: no layer ${name}`);
      stack.push({ layer, next: 0 });
    };
    enter(output);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.layer.inputs.length) {
        enter(top.layer.inputs[top.next++]!);
        continue;
      }
      stack.pop();
      if (finished.has(top.layer.name)) continue;
      finished.add(top.layer.name);
      postOrder.push(top.layer);
    }
  }
  const depth = new Map<string, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const l = postOrder[i]!;
    const d = depth.get(l.name) ?? 0;
    depth.set(l.name, d);
    for (const input of l.inputs) depth.set(input, Math.max(d + 1, depth.get(input) ?? 0));
  }
  const byDepth = (a: L, b: L) => depth.get(b.name)! - depth.get(a.name)!;
  return [...postOrder].sort((a, b) => byDepth(a, b) || firstSeen.get(a.name)! - firstSeen.get(b.name)!);
}
