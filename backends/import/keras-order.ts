/**
 * Where each weighted layer of a network would sit in Keras's own list of layers (`model.layers`), had Keras
 * built the network: Keras saves weights in that order (a Keras 3 `.weights.h5` numbers each class's layers
 * by it, `conv2d`, `conv2d_1`, ...; a legacy `.h5` lists its layers in it), which is not the order Keras
 * created them in (within an Inception module, the longest branch comes first). backends/import/keras.ts
 * proposes, for the k-th Conv2D of a file, the network's k-th convolution in this order.
 *
 * A node is the Keras layers keras.applications builds for it (its conv2d_bn: Conv2D, BatchNormalization,
 * Activation), as incc's tfjs lowering has them (backends/tfjs/plan.ts; test/weights-import-keras.test.ts
 * checks that both give the same order): a conv or sepconv with batch norm is the convolution, the batch
 * norm and, unless linear, the activation; an average pool that counts its padding ZeroPadding2D then the
 * pool; every other node one layer. The order itself is
 * backends/common/layer-order.ts.
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { countsPadding } from '../../compiler/ir/kinds/spatial.js';
import { functionalOrder, type OrderedLayer } from '../common/layer-order.js';
import type { SourceLayerKind } from './source.js';

interface KerasLayer extends OrderedLayer {
  /** The matcher's name of the layer (backends/import/match.ts): `NODE`, `NODE/bn`; others unnamed. */
  incc?: string;
  kind?: SourceLayerKind | 'other';
}

/** The network's layers of Keras's model, in the order of the IR (each node's layers in a row). */
function kerasLayers(graph: IRGraph): { layers: KerasLayer[]; outputs: string[] } {
  const layers: KerasLayer[] = [];
  const last: string[] = [];
  for (const n of graph.nodes) {
    const a = n.attrs;
    let from = n.inputs.map((i) => last[i]!);
    const add = (suffix: string, kind?: KerasLayer['kind'], incc?: string): void => {
      const name = `${n.id}${suffix}`;
      layers.push({ name, inputs: from, kind, incc });
      from = [name];
    };
    if (a.op === 'conv' || a.op === 'sepconv') {
      add('', a.op === 'conv' ? 'conv' : 'other', n.name);
      if (a.bn) {
        add('/bn', 'batchnorm', `${n.name}/bn`);
        if (a.activation !== 'linear') add('/act');
      }
    } else if (a.op === 'dense') add('', 'dense', n.name);
    else if (a.op === 'avgpool' && countsPadding(a, graph.nodes[n.inputs[0]!]!.shape)) {
      add('/pad');
      add('');
    } else if (a.op === 'batchnorm') add('', 'batchnorm', n.name);
    else add('');
    last[n.id] = from[0]!;
  }
  const outputs = [graph.output, ...graph.aux.map((h) => h.output)].map((id) => last[id]!);
  return { layers, outputs };
}

/**
 * For each kind of weighted layer, the matcher's names of the network's layers of that kind (a conv's batch
 * norm is `NODE/bn`), in Keras's order of `model.layers`.
 */
export function kerasLayerOrder(graph: IRGraph): Map<SourceLayerKind | 'other', string[]> {
  const { layers, outputs } = kerasLayers(graph);
  const out = new Map<SourceLayerKind | 'other', string[]>();
  for (const l of functionalOrder(layers, outputs))
    if (l.kind && l.incc) out.set(l.kind, [...(out.get(l.kind) ?? []), l.incc]);
  return out;
}
