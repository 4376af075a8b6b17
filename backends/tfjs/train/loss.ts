/**
 * The training objective and the gradient transforms of the recipe (compiler/ir/recipe.ts):
 * - label-smoothed softmax cross-entropy from logits (paper section 7): q'(k) = (1 - eps) * delta(k, y) + eps / K,
 *   loss = -sum_k q'(k) log softmax(z)_k, averaged over the batch;
 * - the total: main loss + sum of aux weight x aux loss (each head smoothed the same way, as TF-slim does);
 * - gradient clipping by the global norm (tf.clip_by_global_norm: every gradient scaled by
 *   clip / max(global_norm, clip)) or per tensor (Keras clipnorm: each by clip / max(||g||, clip)).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipConfig } from '../../../compiler/ir/recipe.js';

/** One-hot of integer labels, smoothed: (1 - eps) * onehot + eps / K. */
export function smoothedTargets(labels: tf.Tensor1D, classes: number, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), classes).toFloat() as tf.Tensor2D;
    return eps === 0 ? onehot : tf.add(tf.mul(onehot, 1 - eps), eps / classes);
  });
}

/** Mean over the batch of -sum_k q'(k) log softmax(logits)_k. */
export function smoothedCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor2D, eps: number): tf.Scalar {
  return tf.tidy(() => {
    const q = smoothedTargets(labels, logits.shape[1], eps);
    return tf.neg(tf.mean(tf.sum(tf.mul(q, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

export interface LossParts {
  total: tf.Scalar;
  main: tf.Scalar;
  aux: tf.Scalar[];
}

/** main + sum_i auxWeights[i] * aux_i, every term the smoothed cross-entropy of its logits. */
export function trainingLoss(
  labels: tf.Tensor1D,
  mainLogits: tf.Tensor2D,
  auxLogits: tf.Tensor2D[],
  eps: number,
  auxWeights: number[],
): LossParts {
  const main = smoothedCrossEntropy(labels, mainLogits, eps);
  const aux = auxLogits.map((z) => smoothedCrossEntropy(labels, z, eps));
  let total: tf.Scalar = main;
  aux.forEach((a, i) => {
    const w = auxWeights[i] ?? 0;
    if (w !== 0) total = tf.add(total, tf.mul(a, w));
  });
  return { total, main, aux };
}

/** sqrt(sum over tensors of sum(g^2)). */
export function globalNorm(grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * The gradients after clipping (new tensors; the caller disposes the inputs) and the global norm before it.
 */
export function clipGradients(
  grads: tf.NamedTensorMap,
  clip: ClipConfig,
): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = globalNorm(names.map((n) => grads[n]!));
    const out: tf.NamedTensorMap = {};
    if (clip.mode === 'none') {
      for (const n of names) out[n] = tf.clone(grads[n]!);
    } else if (clip.mode === 'global_norm') {
      const scale = tf.div(clip.value, tf.maximum(norm, clip.value));
      for (const n of names) out[n] = tf.mul(grads[n]!, scale);
    } else {
      for (const n of names) {
        const g = grads[n]!;
        const gn = tf.sqrt(tf.sum(tf.square(g)));
        out[n] = tf.mul(g, tf.div(clip.value, tf.maximum(gn, clip.value)));
      }
    }
    return { grads: out, norm };
  });
}
