/**
 * The training-mode forward pass of a planned model, with each convolution -> batch norm (training mode) ->
 * ReLU run as one op whose gradient is written out (tf.customGrad), instead of tfjs-layers' decomposition.
 * Same layers, same variables, same values: only how the training step executes differs; the model exported,
 * its topology and checkpoints are untouched.
 *
 * Why: tfjs's gradient tape keeps every intermediate that a kernel's gradient needs until the backward pass
 * ends (engine.gradients disposes them all at its end), and every intermediate's gradient as well (the backward
 * pass runs in one tidy). A conv -> BN -> ReLU made of tfjs ops keeps its conv output, the squared deviations
 * of the moments, the BN output and the ReLU output, and makes about six full-size gradients; Inception-v3 is
 * almost only such units, so a training step held about 14 full-size tensors per unit at its peak.
 *
 * The fused unit keeps its conv output y (and shares its input x and output z with its neighbours), and its
 * gradient frees what it used as soon as it is done: y, its clones of x and z, and the incoming gradient dz,
 * which nothing reads again (the tape is walked in reverse order, so every consumer of z has added its part
 * to dz before this unit's turn, and tfjs's own dispose at the end of the pass is a no-op on them).
 *
 * Forward (as tfjs-layers computes it, op for op, so outputs and moving statistics are the same numbers):
 *   y = conv2d(x, W); mean, var = moments(y over N, H, W); z = relu(batchNorm(y, mean, var, beta, gamma, eps));
 *   moving <- moving - (moving - stat) * (1 - momentum) for the mean and the (biased) variance.
 * Backward, with xhat = (y - mean) / sqrt(var + eps), n = N*H*W, g = dz * [z > 0]:
 *   dbeta = sum(g); dgamma = sum(g * xhat);
 *   dy = gamma / sqrt(var + eps) * (g - dbeta / n - xhat * dgamma / n)   (the batch-norm gradient through
 *   the batch statistics, in closed form);
 *   dx = conv2dBackpropInput(dy, W); dW = conv2dBackpropFilter(x, dy).
 * Units not fused (run through their tf.layers layers): a conv with a bias, dilation or a channels-first
 * layout, a conv whose output feeds anything besides one batch norm, a frozen node's (its batch norm runs in
 * inference mode, index.ts's freeze).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerPlan, PlannedLayer } from '../plan.js';

/** The parts of tfjs-layers' Conv2D read here. */
interface ConvParts {
  kernel: tf.LayerVariable;
  strides: number[];
  padding: 'same' | 'valid';
  dilationRate: number | number[];
  dataFormat: string;
  useBias: boolean;
  activation: { getClassName(): string };
}

/** The parts of tfjs-layers' BatchNormalization read here. */
interface BatchNormParts {
  gamma: tf.LayerVariable | null;
  beta: tf.LayerVariable | null;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  momentum: number;
  epsilon: number;
  scale: boolean;
  center: boolean;
  axis: number;
}

interface FusedUnit {
  kind: 'fused';
  /** The name of the unit's last layer (its output's name in the plan). */
  name: string;
  input: string;
  conv: ConvParts;
  bn: BatchNormParts;
  relu: boolean;
}

interface LayerStep {
  kind: 'layer';
  name: string;
  inputs: string[];
  layer: tf.layers.Layer;
}

type Step = FusedUnit | LayerStep;

const ALL_BUT_CHANNELS = [0, 1, 2];

/** x -> conv -> batch norm (training) -> [relu], with the gradient of the header. */
export function fusedConvBatchNorm(x: tf.Tensor4D, conv: ConvParts, bn: BatchNormParts, relu: boolean): tf.Tensor4D {
  const strides = conv.strides as [number, number];
  const pad = conv.padding;
  const eps = bn.epsilon;
  const gamma = bn.scale ? bn.gamma : null;
  const beta = bn.center ? bn.beta : null;
  const W = conv.kernel.read() as tf.Tensor4D;
  const inputs: tf.Tensor[] = [x, W];
  if (beta) inputs.push(beta.read());
  if (gamma) inputs.push(gamma.read());
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [xIn, w, ...rest] = args as tf.Tensor[];
    const b = beta ? rest.shift()! : undefined;
    const s = gamma ? rest.shift()! : undefined;
    const y = tf.conv2d(xIn as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
    const { mean, variance } = tf.moments(y, ALL_BUT_CHANNELS);
    const normed = tf.batchNorm(y, mean, variance, b as tf.Tensor1D | undefined, s as tf.Tensor1D | undefined, eps);
    const z = relu ? tf.relu(normed) : normed;
    for (const [variable, value] of [
      [bn.movingMean, mean],
      [bn.movingVariance, variance],
    ] as const) {
      // tfjs-layers' doMovingAverage, op for op.
      tf.tidy(() => {
        const orig = variable.read();
        variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - bn.momentum)));
      });
    }
    save([xIn!, w!, y, mean, variance, z, ...(s ? [s] : [])]);
    return {
      value: z,
      gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy, sMean, sVar, sz, sGamma] = saved as [
          tf.Tensor4D,
          tf.Tensor4D,
          tf.Tensor4D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor4D,
          tf.Tensor1D | undefined,
        ];
        const grads = tf.tidy(() => {
          const n = sy.size / sy.shape[3];
          const inv = tf.rsqrt(tf.add(sVar, eps));
          const xhat = tf.mul(tf.sub(sy, sMean), inv);
          sy.dispose();
          const g = relu ? tf.mul(dz, tf.step(sz)) : dz;
          sz.dispose();
          const dBeta = tf.sum(g, ALL_BUT_CHANNELS);
          const dGamma = tf.sum(tf.mul(g, xhat), ALL_BUT_CHANNELS);
          const factor = sGamma ? tf.mul(sGamma, inv) : inv;
          const dy = tf.mul(
            tf.sub(tf.sub(g, tf.div(dBeta, n)), tf.mul(xhat, tf.div(dGamma, n))),
            factor,
          ) as tf.Tensor4D;
          dz.dispose();
          const dx = tf.conv2dTranspose(dy, sw, sx.shape, strides, pad);
          const dW = tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x: sx, dy },
              { strides, pad, dataFormat: 'NHWC', filterShape: sw.shape },
            ) as tf.Tensor4D;
          return [dx, dW, ...(beta ? [dBeta] : []), ...(gamma ? [dGamma] : [])];
        });
        sx.dispose();
        return grads;
      },
    };
  });
  return op(...inputs) as tf.Tensor4D;
}

function fusable(conv: ConvParts, bn: BatchNormParts): boolean {
  const dilations = Array.isArray(conv.dilationRate) ? conv.dilationRate : [conv.dilationRate];
  return (
    !conv.useBias &&
    conv.activation.getClassName().toLowerCase() === 'linear' &&
    conv.dataFormat === 'channelsLast' &&
    dilations.every((d) => d === 1) &&
    (bn.axis === -1 || bn.axis === 3)
  );
}

/** The steps of a plan: fused units where the header's conditions hold, else one layer each. */
function stepsOf(model: tf.LayersModel, plan: LayerPlan, frozen: ReadonlySet<number>): Step[] {
  const consumers = new Map<string, PlannedLayer[]>();
  for (const l of plan.layers) for (const i of l.inputs) consumers.set(i, [...(consumers.get(i) ?? []), l]);
  const outputs = new Set(plan.outputs);
  const only = (l: PlannedLayer): PlannedLayer | undefined => {
    const c = consumers.get(l.name) ?? [];
    return c.length === 1 && !outputs.has(l.name) ? c[0] : undefined;
  };
  const inUnit = new Set<string>();
  const steps: Step[] = [];
  for (const l of plan.layers) {
    if (l.factory === 'input' || inUnit.has(l.name)) continue;
    const bnLayer = l.factory === 'conv2d' && !frozen.has(l.node) ? only(l) : undefined;
    if (bnLayer?.factory === 'batchNormalization' && !frozen.has(bnLayer.node)) {
      const conv = model.getLayer(l.name) as unknown as ConvParts;
      const bn = model.getLayer(bnLayer.name) as unknown as BatchNormParts;
      if (fusable(conv, bn)) {
        const act = only(bnLayer);
        const relu = act?.factory === 'activation' && act.config['activation'] === 'relu';
        const last = relu ? act! : bnLayer;
        inUnit.add(bnLayer.name).add(last.name);
        steps.push({ kind: 'fused', name: last.name, input: l.inputs[0]!, conv, bn, relu });
        continue;
      }
    }
    steps.push({ kind: 'layer', name: l.name, inputs: l.inputs, layer: model.getLayer(l.name) });
  }
  return steps;
}

/** How many conv -> batch norm units the training forward of a plan fuses (tests, the bench). */
export function fusedUnitCount(
  model: tf.LayersModel,
  plan: LayerPlan,
  frozen: ReadonlySet<number> = new Set(),
): number {
  return stepsOf(model, plan, frozen).filter((s) => s.kind === 'fused').length;
}

/**
 * The forward pass in training mode of `model` (made from `plan`): the plan's outputs, in order. Nodes in
 * `frozen` are not fused (their layers run as patched by the caller). Same results as
 * model.apply(x, { training: true }), with the memory of the header.
 */
export function trainingForward(
  model: tf.LayersModel,
  plan: LayerPlan,
  frozen: ReadonlySet<number> = new Set(),
): (x: tf.Tensor) => tf.Tensor[] {
  const steps = stepsOf(model, plan, frozen);
  return (x) => {
    const values = new Map<string, tf.Tensor>([[plan.input, x]]);
    for (const s of steps) {
      if (s.kind === 'fused') {
        values.set(s.name, fusedConvBatchNorm(values.get(s.input) as tf.Tensor4D, s.conv, s.bn, s.relu));
      } else {
        const ins = s.inputs.map((i) => values.get(i)!);
        values.set(s.name, s.layer.apply(ins.length === 1 ? ins[0]! : ins, { training: true }) as tf.Tensor);
      }
    }
    return plan.outputs.map((o) => values.get(o)!);
  };
}
