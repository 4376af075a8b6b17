// `npm run bench:train` (after `npm run build`): training speed of `incc train` on the pure-JS backends.
//
// 1. The train-step time of examples/train/mini.incp as incc compiles it against the same network written by
//    hand with tf.layers (one run, interleaved steps, the same loss / clipping / optimizer): the ratio should
//    be about 1, the compiled model adds nothing.
// 2. The filter gradient (Conv2DBackpropFilter): incc's flat-array cpu kernel against tfjs's stock cpu kernel
//    (ratio), and the composed wasm kernel (tfjs's wasm backend has none).
// 3. One train step of the mini network on cpu (fast kernel) and on wasm: why the pure-JS default is wasm.
//
// Timings are medians; the machine may be shared and noisy.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadProgram } from '../dist/compiler/program/node-host.js';
import { buildNetwork } from '../dist/compiler/program/pipeline.js';
import { planLayers } from '../dist/backends/tfjs/plan.js';
import { modelOfPlan, setInitialWeights } from '../dist/backends/tfjs/model.js';
import { logitsPlan, patchBatchNormWithoutScale } from '../dist/backends/tfjs/train/index.js';
import { trainingLoss, clipGradients } from '../dist/backends/tfjs/train/loss.js';
import { registerFastKernels, restoreStockKernels } from '../dist/backends/tfjs/train/kernels.js';

tf.enableProdMode();
const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

const graph = buildNetwork(loadProgram(new URL('../examples/train/mini.incp', import.meta.url).pathname)).graph;
const plan = logitsPlan(planLayers(graph));

function compiledModel() {
  const m = modelOfPlan(plan);
  setInitialWeights(m, graph, plan, 1);
  patchBatchNormWithoutScale(m);
  return m;
}

/** examples/train/mini.incp written by hand with tf.layers (logits out, as incc train trains it). */
function handModel() {
  const bn = () => tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3, scale: false, center: true });
  const conv = (x, filters, k, strides = 1, padding = 'same') => {
    const y = tf.layers.conv2d({ filters, kernelSize: k, strides, padding, useBias: false }).apply(x);
    return tf.layers.activation({ activation: 'relu' }).apply(bn().apply(y));
  };
  const input = tf.input({ shape: [32, 32, 3] });
  const stem = conv(input, 16, 3, 2, 'valid');
  const m0 = tf.layers
    .concatenate()
    .apply([
      conv(stem, 16, 1),
      conv(conv(conv(stem, 8, 1), 16, 3), 16, 3),
      conv(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(stem), 16, 1),
    ]);
  const m1 = tf.layers
    .concatenate()
    .apply([
      conv(m0, 32, 3, 2, 'valid'),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(m0),
    ]);
  const m2 = tf.layers.concatenate().apply([conv(m1, 32, 1), conv(conv(conv(m1, 16, 1), 16, [1, 3]), 32, [3, 1])]);
  const main = tf.layers.dense({ units: 4 }).apply(tf.layers.globalAveragePooling2d({}).apply(m2));
  const aux = tf.layers.dense({ units: 4 }).apply(tf.layers.globalAveragePooling2d({}).apply(m0));
  const model = tf.model({ inputs: input, outputs: [main, aux] });
  patchBatchNormWithoutScale(model);
  return model;
}

function stepper(model) {
  const vars = model.trainableWeights.map((w) => w.read());
  const opt = tf.train.rmsprop(0.045, 0.9, 0.9, 1.0);
  const x = tf.randomNormal([32, 32, 32, 3], 0, 1, 'float32', 7);
  const y = tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 4),
    'int32',
  );
  return () => {
    const t = performance.now();
    tf.tidy(() => {
      const { value, grads } = opt.computeGradients(() => {
        const [main, aux] = model.apply(x, { training: true });
        return trainingLoss(y, main, [aux], 0.1, [0.4]).total;
      }, vars);
      const c = clipGradients(grads, { mode: 'global_norm', value: 2 });
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: c.grads[v.name] })));
      value.dataSync();
    });
    return performance.now() - t;
  };
}

function stepTimes(backendName) {
  const a = stepper(compiledModel());
  const b = stepper(handModel());
  a();
  b(); // warm-up
  const ta = [];
  const tb = [];
  for (let i = 0; i < STEPS; i++) {
    ta.push(a());
    tb.push(b());
  }
  return { backendName, compiled: median(ta), hand: median(tb) };
}

function filterGradientTime(xShape, dyShape, fShape, reps = 3) {
  const x = tf.relu(tf.randomNormal(xShape, 0, 1, 'float32', 1));
  const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 2);
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const g = tf
      .engine()
      .runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: fShape },
      );
    g.dataSync();
    g.dispose();
    times.push(performance.now() - t);
  }
  tf.dispose([x, dy]);
  return median(times);
}

const results = {};
console.log(`bench/train.mjs: examples/train/mini.incp, batch 32 of 32x32x3, median of ${STEPS} steps`);

// 1 + 3: the compiled network against the hand-written one, on wasm and on cpu.
for (const be of ['wasm', 'cpu']) {
  await tf.setBackend(be);
  registerFastKernels(be);
  const r = stepTimes(be);
  results[be] = r;
  console.log(
    `${be.padEnd(4)} train step: incc-compiled ${ms(r.compiled)}, hand-written tf.layers ${ms(r.hand)}, ` +
      `ratio ${(r.compiled / r.hand).toFixed(2)}`,
  );
}
console.log(
  `pure-JS backends: a wasm step takes ${(results.wasm.compiled / results.cpu.compiled).toFixed(2)} of a cpu ` +
    `step (incc-compiled network)`,
);

// 2: the filter gradient.
const shapes = [
  ['x [32,32,32,3], dy [32,32,32,32], 3x3', [32, 32, 32, 3], [32, 32, 32, 32], [3, 3, 3, 32]],
  ['x [32,15,15,16], dy [32,15,15,16], 3x3', [32, 15, 15, 16], [32, 15, 15, 16], [3, 3, 16, 16]],
];
await tf.setBackend('cpu');
for (const [name, xs, dys, fs] of shapes) {
  registerFastKernels('cpu');
  const fast = filterGradientTime(xs, dys, fs);
  restoreStockKernels('cpu');
  const stock = filterGradientTime(xs, dys, fs, 1);
  registerFastKernels('cpu');
  await tf.setBackend('wasm');
  registerFastKernels('wasm');
  const wasm = filterGradientTime(xs, dys, fs);
  await tf.setBackend('cpu');
  console.log(
    `filter gradient ${name}: cpu stock ${ms(stock)}, cpu incc ${ms(fast)} (${(stock / fast).toFixed(1)}x ` +
      `faster), wasm incc ${ms(wasm)}`,
  );
}
