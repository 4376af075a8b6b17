// Inception-v3 (10 classes) compiled with seed 7 predicts two seeded random images on the tensorflow
// backend (tfjs-node) and on wasm, in one process with the same weights; prints JSON: the backends used,
// for the class probabilities and for the pooled features (avg_pool, 2048 a image, far from uniform at
// initialization) their shape, the largest absolute difference and the features' largest magnitude.
// For test/train-tensorflow.test.ts.
import * as tf from '@tensorflow/tfjs';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
await import('@tensorflow/tfjs-node');
await import('@tensorflow/tfjs-backend-wasm');
const { compile } = await import('../../dist/backends/tfjs/index.js');
const { graphOf, loadProgram } = await import('../../dist/index.js');
const { mulberry32 } = await import('../../dist/backends/common/random.js');

const r = mulberry32(11);
const pixels = Float32Array.from({ length: 2 * 299 * 299 * 3 }, () => r() * 2 - 1);
const outputs = {};
const used = [];
for (const backend of ['tensorflow', 'wasm']) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  used.push(tf.getBackend());
  const model = compile(graphOf(loadProgram('stdlib/inception_v3.incp'), { args: { classes: 10 } }), { seed: 7 });
  const x = tf.tensor4d(pixels, [2, 299, 299, 3]);
  const features = tf.model({ inputs: model.inputs, outputs: [model.getLayer('avg_pool').output, model.outputs[0]] });
  const [f, y] = features.predict(x);
  outputs[backend] = { shape: y.shape, values: Array.from(await y.data()), features: Array.from(await f.data()) };
  tf.dispose([x, y, f]);
  model.dispose();
}
const a = outputs.tensorflow.values;
const b = outputs.wasm.values;
const diff = (p, q) => p.reduce((m, v, i) => Math.max(m, Math.abs(v - q[i])), 0);
const fa = outputs.tensorflow.features;
process.stdout.write(
  `${JSON.stringify({
    used,
    shape: outputs.tensorflow.shape,
    maxDiff: diff(a, b),
    featureCount: fa.length,
    featureMaxDiff: diff(fa, outputs.wasm.features),
    featureMax: fa.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  })}\n`,
);
