/**
 * model.json's topology and weights for a plan, written without a tf.LayersModel. tfjs-layers' Container
 * (what tf.model makes, and what model.save serializes) sorts its layers with a recursive walk that takes
 * time quadratic in the layers (a chain of 10,000 takes 9 s; of 50,000, minutes) and overflows Node's stack
 * near 5,000: so `incc compile --target tfjs` builds model.json from the plan here, in linear time, with
 * tfjs's own layer objects for each layer's config and tfjs's own serializer for the keys. The result is
 * what model.save would write for the same model (test/tfjs-compile.test.ts compares it with the topology of
 * the model that model.ts builds with tf.model): the layers in the Container's order, the weights in
 * model.getNamedWeights() order (trainable ones first). Loading a model of many thousands of layers in
 * stock tfjs goes through the same Container, so it needs a larger stack (README, "Loading a compiled model").
 */
import * as tf from '@tensorflow/tfjs';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { functionalOrder } from '../common/layer-order.js';
import { initialValue, type WeightSpec } from '../common/weights.js';
import { makeLayer, tfjsWeightNames } from './model.js';
import type { LayerPlan, PlannedLayer } from './plan.js';

/**
 * The plan's layers in the order tfjs's Container gives them (backends/common/layer-order.ts, Keras's order):
 * by decreasing depth (the longest path to an output), ties in the order a depth-first walk from the outputs
 * first reaches them. Iterative.
 */
export function containerOrder(plan: LayerPlan): PlannedLayer[] {
  return functionalOrder(plan.layers, plan.outputs);
}

function layerObject(l: PlannedLayer): tf.layers.Layer {
  if (l.factory !== 'input') return makeLayer(l, true);
  const shape = l.config['shape'] as number[];
  return tf.layers.inputLayer({ batchInputShape: [null, ...shape], name: l.name });
}

/** What model.toJSON(null, false) gives for the model of the plan. */
export function modelTopology(plan: LayerPlan): object {
  const layers = containerOrder(plan).map((l) => {
    const layer = layerObject(l);
    const inbound = l.inputs.length > 0 ? [l.inputs.map((name) => [name, 0, 0, {}])] : [];
    const entry = { name: l.name, className: layer.getClassName(), config: layer.getConfig(), inboundNodes: inbound };
    return entry;
  });
  const config = {
    name: plan.modelName,
    layers,
    inputLayers: [[plan.input, 0, 0]],
    outputLayers: plan.outputs.map((name) => [name, 0, 0]),
  };
  const kerasVersion = `tfjs-layers ${tf.version_layers}`;
  const modelConfig = { className: 'Model', config, kerasVersion, backend: 'TensorFlow.js' };
  // tfjs's own conversion of keys and values to the Python spelling (Container.toJSON on this config).
  const toJSON = tf.LayersModel.prototype.toJSON as (this: unknown, unused: unknown, returnString: boolean) => object;
  return toJSON.call({ updatedConfig: () => modelConfig }, null, false);
}

interface WeightEntry {
  name: string;
  spec: WeightSpec;
  values: () => Float32Array;
}

/**
 * The weights of the plan's model, in model.getNamedWeights() order, with their values: from `weights`
 * (by backends/common/weights.ts names, every one present) or else the initial ones of `seed`.
 */
export function initialWeightEntries(
  graph: IRGraph,
  plan: LayerPlan,
  seed: number,
  weights?: ReadonlyMap<string, Float32Array>,
): WeightEntry[] {
  const position = new Map(containerOrder(plan).map((l, i) => [l.name, i]));
  const layerOf = (name: string) => position.get(name.slice(0, name.lastIndexOf('/')))!;
  const entries = [...tfjsWeightNames(graph, plan)].map(([spec, name], k) => ({ name, spec, k, layer: layerOf(name) }));
  entries.sort((a, b) => Number(b.spec.trainable) - Number(a.spec.trainable) || a.layer - b.layer || a.k - b.k);
  const valuesOf = (spec: WeightSpec) => {
    if (!weights) return initialValue(spec, seed);
    const values = weights.get(spec.name);
    if (!values) throw new Error(`tfjs backend: no value for ${spec.name}`);
    return values;
  };
  return entries.map(({ name, spec }) => ({ name, spec, values: () => valuesOf(spec) }));
}

/**
 * The artifacts model.save would hand over for the plan's model with the initial weights of `seed`, or
 * the values of `given` (see initialWeightEntries).
 */
export function initialArtifacts(
  graph: IRGraph,
  plan: LayerPlan,
  seed: number,
  given?: ReadonlyMap<string, Float32Array>,
): tf.io.ModelArtifacts {
  const weights = initialWeightEntries(graph, plan, seed, given);
  const total = weights.reduce((n, w) => n + w.spec.shape.reduce((a, b) => a * b, 1), 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    const values = w.values();
    const size = w.spec.shape.reduce((a, b) => a * b, 1);
    if (values.length !== size)
      throw new Error(`tfjs backend: ${w.spec.name} has ${values.length} values, its shape [${w.spec.shape}] ${size}`);
    data.set(values, offset);
    offset += size;
  }
  return {
    modelTopology: modelTopology(plan),
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightSpecs: weights.map((w) => ({ name: w.name, shape: w.spec.shape, dtype: 'float32' })),
    weightData: data.buffer,
  };
}
