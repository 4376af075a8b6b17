/**
 * The tfjs lowering of an IR graph, as data: one entry per tf.layers layer, with the factory that makes it
 * (`tf.layers.conv2d`, ...), its config and its inputs. buildModel (model.ts) runs the plan with tfjs and
 * emitTypeScript (emit-ts.ts) prints it, so the compiled model and the generated model.ts are made from the
 * same configs. This module does not load tfjs.
 *
 * One IR node becomes:
 * - `input`: tf.input (an InputLayer) named after the node;
 * - `conv` with batch norm: Conv2D `<name>` (linear, the bias only when the node has one), then
 *   BatchNormalization `<name>/bn` (the node's epsilon, momentum and scale; center always), then, unless the
 *   activation is linear, Activation `<name>/<activation>` (as Keras's InceptionV3 builds conv2d_bn). Its
 *   variables are `<name>/kernel`, `<name>/bias`, `<name>/bn/gamma`, ... as backends/common/weights.ts names them;
 * - `conv` without batch norm, `dense`: one layer with the activation inside;
 * - `sepconv`: as `conv`, with SeparableConv2D (depth multiplier 1) in place of Conv2D: its variables are
 *   `<name>/depthwise_kernel`, `<name>/pointwise_kernel`, `<name>/bias`;
 * - kernels say `glorotUniform` (Keras's default and backends/common/weights.ts's; tfjs's own default is glorotNormal);
 * - `maxpool`, `avgpool`: MaxPooling2D, AveragePooling2D (tfjs, like TF, leaves the SAME padding out of the
 *   average: checked in test/tfjs-compile.test.ts). An `avgpool` with `count_include_pad` and SAME padding
 *   that pads is ZeroPadding2D `<name>/pad` (the IR's pads, compiler/ir/kinds/spatial.ts) then
 *   AveragePooling2D `<name>` with VALID padding: every window then holds kh x kw values, the zeros counted;
 * - `gap`, `dropout`, `batchnorm`, `activation`, `softmax`, `flatten`: the layer of that name;
 * - `concat`: Concatenate on the channel axis; a concat of one branch (tfjs's Concatenate needs two
 *   inputs) is a linear Activation, the identity.
 * Layer names: see names.ts (`options.names`: tfjs's style, or Keras 3's without `/`).
 *
 * The rule for which layer holds which variable of backends/common/weights.ts is here, once
 * (variableLayerNames): model.ts sets the variables by it and checkpoint.ts reads checkpoints by it.
 */
import type { Activation, BatchNormAttrs, IRGraph, IRNode } from '../../compiler/ir/ir.js';
import { countsPadding, windowPads } from '../../compiler/ir/kinds/spatial.js';
import { weightSpecs, type WeightSpec } from '../common/weights.js';
import { isLayerName, layerName, LayerNames, nameSeparator, safeLayerName, type NameStyle } from './names.js';

export type LayerFactory =
  | 'input'
  | 'conv2d'
  | 'separableConv2d'
  | 'batchNormalization'
  | 'activation'
  | 'zeroPadding2d'
  | 'maxPooling2d'
  | 'averagePooling2d'
  | 'globalAveragePooling2d'
  | 'dropout'
  | 'dense'
  | 'softmax'
  | 'flatten'
  | 'concatenate';

/** A config value: what model.ts can print as a literal. */
export type ConfigValue = number | string | boolean | number[] | number[][];

/** How a layer relates to its IR node: its own layer, or one incc adds before or after it. */
export type LayerRole = 'layer' | 'bn' | 'activation' | 'pad';

export interface PlannedLayer {
  /** The tfjs layer name (unique in the model). */
  name: string;
  /** `tf.input` for the input, else the `tf.layers` function that makes it. */
  factory: LayerFactory;
  /** The config passed to the factory, `name` included. */
  config: Record<string, ConfigValue>;
  /** Names of the layers whose outputs it takes, in order. */
  inputs: string[];
  /** The IR node it implements. */
  node: number;
  role: LayerRole;
}

export interface LayerPlan {
  /** The model's name (tf.model({ name })): the network's. */
  modelName: string;
  layers: PlannedLayer[];
  /** The layer giving the input. */
  input: string;
  /** Output layers: the main output, then each aux head in graph.aux order. */
  outputs: string[];
  /** For each IR node (by id), the layer whose output is the node's output. */
  nodeOutput: string[];
  /** How the layers are named (names.ts). */
  names: NameStyle;
}

export interface PlanOptions {
  /** The layer names' style (names.ts): `tfjs` (default) or `keras`. */
  names?: NameStyle;
}

function batchNormConfig(name: string, bn: BatchNormAttrs): Record<string, ConfigValue> {
  return { name, axis: -1, momentum: bn.momentum, epsilon: bn.epsilon, center: true, scale: bn.scale };
}

/** The tfjs plan of a graph. Throws on an op it does not know (the IR union is exhaustive). */
export function planLayers(graph: IRGraph, options: PlanOptions = {}): LayerPlan {
  const style = options.names ?? 'tfjs';
  const sep = nameSeparator(style);
  const names = new LayerNames();
  for (const n of graph.nodes) if (isLayerName(n.name, style)) names.reserve(n.name);
  const layers: PlannedLayer[] = [];
  const nodeOutput: string[] = [];

  for (const n of graph.nodes) {
    const primary = isLayerName(n.name, style) ? n.name : names.take(layerName(n.name, style));
    const inputs = n.inputs.map((i) => nodeOutput[i]!);
    let last = primary;
    const add = (
      name: string,
      factory: LayerFactory,
      config: Record<string, ConfigValue>,
      from: string[],
      role: LayerRole = 'layer',
    ): void => {
      layers.push({ name, factory, config: { name, ...config }, inputs: from, node: n.id, role });
      last = name;
    };
    const activationAfter = (activation: Activation): void => {
      if (activation !== 'linear')
        add(names.take(`${primary}${sep}${activation}`), 'activation', { activation }, [last], 'activation');
    };
    const a = n.attrs;
    switch (a.op) {
      case 'input':
        add(primary, 'input', { shape: [...a.shape] }, []);
        break;
      case 'conv':
      case 'sepconv': {
        const conv: Record<string, ConfigValue> = {
          filters: a.filters,
          kernelSize: [...a.kernel],
          strides: [...a.stride],
          padding: a.padding,
          useBias: a.bias,
        };
        const initializers: Record<string, ConfigValue> =
          a.op === 'conv'
            ? { kernelInitializer: 'glorotUniform' }
            : { depthMultiplier: 1, depthwiseInitializer: 'glorotUniform', pointwiseInitializer: 'glorotUniform' };
        const factory = a.op === 'conv' ? 'conv2d' : 'separableConv2d';
        if (a.bn) {
          add(primary, factory, { ...conv, ...initializers, activation: 'linear' }, inputs);
          const bnName = names.take(`${primary}${sep}bn`);
          add(bnName, 'batchNormalization', batchNormConfig(bnName, a.bn), [last], 'bn');
          activationAfter(a.activation);
        } else add(primary, factory, { ...conv, ...initializers, activation: a.activation }, inputs);
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const pool = { poolSize: [...a.kernel], strides: [...a.stride] };
        const input = graph.nodes[n.inputs[0]!]!.shape;
        if (countsPadding(a, input)) {
          const padName = names.take(`${primary}${sep}pad`);
          add(padName, 'zeroPadding2d', { padding: windowPads(a, input) }, inputs, 'pad');
          add(primary, 'averagePooling2d', { ...pool, padding: 'valid' }, [last]);
        } else
          add(
            primary,
            a.op === 'maxpool' ? 'maxPooling2d' : 'averagePooling2d',
            { ...pool, padding: a.padding },
            inputs,
          );
        break;
      }
      case 'gap':
        add(primary, 'globalAveragePooling2d', {}, inputs);
        break;
      case 'dropout':
        add(primary, 'dropout', { rate: a.rate }, inputs);
        break;
      case 'dense':
        add(
          primary,
          'dense',
          { units: a.units, useBias: a.bias, activation: a.activation, kernelInitializer: 'glorotUniform' },
          inputs,
        );
        break;
      case 'batchnorm':
        add(primary, 'batchNormalization', batchNormConfig(primary, a.bn), inputs);
        break;
      case 'activation':
        add(primary, 'activation', { activation: a.activation }, inputs);
        break;
      case 'softmax':
        add(primary, 'softmax', { axis: -1 }, inputs);
        break;
      case 'flatten':
        add(primary, 'flatten', {}, inputs);
        break;
      case 'concat':
        if (inputs.length >= 2) add(primary, 'concatenate', { axis: -1 }, inputs);
        else add(primary, 'activation', { activation: 'linear' }, inputs);
        break;
      default: {
        const never: never = a;
        throw new Error(`tfjs backend: unknown op ${JSON.stringify((never as { op: string }).op)}`);
      }
    }
    nodeOutput[n.id] = last;
  }
  return {
    modelName: safeLayerName(graph.network),
    layers,
    input: nodeOutput[graph.input]!,
    outputs: [nodeOutput[graph.output]!, ...graph.aux.map((h) => nodeOutput[h.output]!)],
    nodeOutput,
    names: style,
  };
}

const BN_ROLES: ReadonlySet<string> = new Set(['gamma', 'beta', 'moving_mean', 'moving_variance']);

/**
 * The tfjs variable name of each variable of backends/common/weights.ts, in weightSpecs order:
 * `<layer>/<role>`, where the layer is the node's conv/dense layer, or its batch-norm layer for gamma, beta
 * and the moving statistics. The one place this rule is written.
 */
export function variableLayerNames(graph: IRGraph, plan: LayerPlan): Map<WeightSpec, string> {
  const byNode = new Map<number, PlannedLayer[]>();
  for (const l of plan.layers) byNode.set(l.node, [...(byNode.get(l.node) ?? []), l]);
  const out = new Map<WeightSpec, string>();
  for (const spec of weightSpecs(graph)) {
    const isBn = BN_ROLES.has(spec.role);
    const layer = (byNode.get(spec.node) ?? []).find((l) =>
      isBn
        ? l.factory === 'batchNormalization'
        : l.factory === 'conv2d' || l.factory === 'separableConv2d' || l.factory === 'dense',
    );
    if (!layer) throw new Error(`tfjs backend: no layer holds ${spec.name}`);
    out.set(spec, `${layer.name}/${spec.role}`);
  }
  return out;
}

/** The layers of one node, in order (for a conv with batch norm: conv, bn, activation). */
export function layersOfNode(plan: LayerPlan, node: IRNode): PlannedLayer[] {
  return plan.layers.filter((l) => l.node === node.id);
}
