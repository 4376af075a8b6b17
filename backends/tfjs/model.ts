/**
 * Building the tf.LayersModel of an IR graph with the tfjs functional API, and setting its weights to the
 * deterministic initial values of backends/common/weights.ts (the ONNX backend gives the same for the same seed).
 */
import * as tf from '@tensorflow/tfjs';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { initialValue, type WeightSpec } from '../common/weights.js';
import { planLayers, variableLayerNames, type LayerPlan, type PlannedLayer } from './plan.js';

export interface BuildModelOptions {
  /** Seed of the initial weights (backends/common/weights.ts); 0 when left out. */
  seed?: number;
  /** A plan made before (planLayers(graph)); made here when left out. */
  plan?: LayerPlan;
}

/**
 * tfjs's glorot-uniform initializer, serialized as itself, that fills with zeros: for layers whose weights
 * are set right after (tfjs's seeded uniform generator takes about 3 s for Inception-v3's 24M weights).
 */
function placeholderGlorotUniform(): ReturnType<typeof tf.initializers.glorotUniform> {
  const init = tf.initializers.glorotUniform({});
  init.apply = (shape: tf.Shape, dtype?: tf.DataType) => tf.zeros(shape as number[], dtype);
  return init;
}

/**
 * Makes one planned layer (not applied). With `placeholderInit`, kernels start at zero instead of tfjs's
 * random values (the config still says glorotUniform): for a caller that sets the weights next.
 */
export function makeLayer(l: PlannedLayer, placeholderInit = false): tf.layers.Layer {
  const placeholders =
    l.factory === 'separableConv2d'
      ? { depthwiseInitializer: placeholderGlorotUniform(), pointwiseInitializer: placeholderGlorotUniform() }
      : { kernelInitializer: placeholderGlorotUniform() };
  const weighted = l.factory === 'conv2d' || l.factory === 'separableConv2d' || l.factory === 'dense';
  const c = (placeholderInit && weighted ? { ...l.config, ...placeholders } : l.config) as never;
  switch (l.factory) {
    case 'conv2d':
      return tf.layers.conv2d(c);
    case 'separableConv2d':
      return tf.layers.separableConv2d(c);
    case 'batchNormalization':
      return tf.layers.batchNormalization(c);
    case 'activation':
      return tf.layers.activation(c);
    case 'zeroPadding2d':
      return tf.layers.zeroPadding2d(c);
    case 'maxPooling2d':
      return tf.layers.maxPooling2d(c);
    case 'averagePooling2d':
      return tf.layers.averagePooling2d(c);
    case 'globalAveragePooling2d':
      return tf.layers.globalAveragePooling2d(c);
    case 'dropout':
      return tf.layers.dropout(c);
    case 'dense':
      return tf.layers.dense(c);
    case 'softmax':
      return tf.layers.softmax(c);
    case 'flatten':
      return tf.layers.flatten(c);
    case 'concatenate':
      return tf.layers.concatenate(c);
    case 'input':
      throw new Error('the input is made with tf.input');
  }
}

/** The model of a plan, with tfjs's own initial weights (zero kernels with `placeholderInit`: see makeLayer). */
export function modelOfPlan(plan: LayerPlan, placeholderInit = false): tf.LayersModel {
  const tensors = new Map<string, tf.SymbolicTensor>();
  for (const l of plan.layers) {
    if (l.factory === 'input') {
      tensors.set(l.name, tf.input(l.config as unknown as Parameters<typeof tf.input>[0]));
      continue;
    }
    const inputs = l.inputs.map((name) => tensors.get(name)!);
    tensors.set(
      l.name,
      makeLayer(l, placeholderInit).apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor,
    );
  }
  const outputs = plan.outputs.map((name) => tensors.get(name)!);
  return tf.model({
    inputs: tensors.get(plan.input)!,
    outputs: outputs.length === 1 ? outputs[0]! : outputs,
    name: plan.modelName,
  });
}

/** The tfjs layer and weight name of each variable of backends/common/weights.ts (plan.ts's rule). */
export function tfjsWeightNames(graph: IRGraph, plan: LayerPlan): Map<WeightSpec, string> {
  return variableLayerNames(graph, plan);
}

/**
 * Writes given weights (by weights.ts names, Keras layouts) into the model: all of them (matchWeights checked
 * them), or with `partial` those given (`incc train --init` keeps some layers and re-initialises the head).
 */
export function setWeightValues(
  model: tf.LayersModel,
  graph: IRGraph,
  plan: LayerPlan,
  weights: ReadonlyMap<string, Float32Array>,
  partial = false,
): void {
  const byName = new Map<string, tf.LayerVariable>();
  for (const w of model.weights) byName.set(w.originalName, w);
  for (const [spec, name] of tfjsWeightNames(graph, plan)) {
    const values = weights.get(spec.name);
    if (partial && !values) continue;
    const variable = byName.get(name);
    if (!values || !variable) throw new Error(`tfjs backend: no value or variable for ${spec.name}`);
    const value = tf.tensor(values, spec.shape, 'float32');
    variable.write(value);
    value.dispose();
  }
}

/** Sets every variable of the model to its initial value from backends/common/weights.ts. */
export function setInitialWeights(model: tf.LayersModel, graph: IRGraph, plan: LayerPlan, seed: number): void {
  const byName = new Map<string, tf.LayerVariable>();
  for (const w of model.weights) byName.set(w.originalName, w);
  const names = tfjsWeightNames(graph, plan);
  if (names.size !== byName.size)
    throw new Error(
      `tfjs backend: the model has ${byName.size} variables, backends/common/weights.ts lists ${names.size}`,
    );
  for (const [spec, name] of names) {
    const variable = byName.get(name);
    if (!variable) throw new Error(`tfjs backend: the model has no variable ${name}`);
    if (variable.shape.join(',') !== spec.shape.join(','))
      throw new Error(
        `tfjs backend: ${name} is [${variable.shape}] in tfjs, [${spec.shape}] in backends/common/weights.ts`,
      );
    const value = tf.tensor(initialValue(spec, seed), spec.shape, 'float32');
    variable.write(value);
    value.dispose();
  }
}

/**
 * The tf.LayersModel of a graph: outputs the main output, then each aux head in graph.aux order; weights
 * from backends/common/weights.ts with `seed`.
 */
export function buildModel(graph: IRGraph, options: BuildModelOptions = {}): tf.LayersModel {
  const plan = options.plan ?? planLayers(graph);
  const model = modelOfPlan(plan, true);
  setInitialWeights(model, graph, plan, options.seed ?? 0);
  return model;
}
