// One side of bench/train-v3.mjs: Inception-v3 (10 classes, no aux head) training steps on the tensorflow
// backend as `incc train` runs them (the compiled model with logits out, the paper's RMSProp, label
// smoothing 0.1, clipping by global norm 2.0). `node bench/train-v3-incc.mjs BATCH STEPS`: one warm-up step,
// then STEPS timed ones; prints JSON {imagesPerSecond, peakRssKb}.
import * as tf from '@tensorflow/tfjs';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
await import('@tensorflow/tfjs-node');
const { loadProgram } = await import('../dist/compiler/program/node-host.js');
const { buildNetwork } = await import('../dist/compiler/program/pipeline.js');
const { planLayers } = await import('../dist/backends/tfjs/plan.js');
const { modelOfPlan, setInitialWeights } = await import('../dist/backends/tfjs/model.js');
const { logitsPlan, patchBatchNormWithoutScale } = await import('../dist/backends/tfjs/train/index.js');
const { trainingLoss, clipGradients } = await import('../dist/backends/tfjs/train/loss.js');
const { trainingForward } = await import('../dist/backends/tfjs/train/fused.js');

const [batch, steps] = process.argv.slice(2).map(Number);
await tf.setBackend('tensorflow');
const path = new URL('../stdlib/inception_v3.incp', import.meta.url).pathname;
const graph = buildNetwork(loadProgram(path), { args: { classes: 10 } }).graph;
const plan = logitsPlan(planLayers(graph));
const model = modelOfPlan(plan);
setInitialWeights(model, graph, plan, 1);
patchBatchNormWithoutScale(model);
// As `incc train` runs it (conv -> batch norm -> ReLU fused, backends/tfjs/train/fused.ts); BENCH_UNFUSED=1:
// tfjs-layers' own training forward, for comparison.
const fused = trainingForward(model, plan);
const forward = process.env.BENCH_UNFUSED === '1' ? (t) => model.apply(t, { training: true }) : (t) => fused(t)[0];
const vars = model.trainableWeights.map((w) => w.read());
const opt = tf.train.rmsprop(0.045, 0.9, 0.9, 1.0);
const x = tf.randomUniform([batch, 299, 299, 3], -1, 1, 'float32', 7);
const y = tf.tensor1d(
  Array.from({ length: batch }, (_, i) => i % 10),
  'int32',
);
const step = () =>
  tf.tidy(() => {
    const { value, grads } = opt.computeGradients(() => trainingLoss(y, forward(x), [], 0.1, []).total, vars);
    const c = clipGradients(grads, { mode: 'global_norm', value: 2 });
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: c.grads[v.name] })));
    return value.dataSync()[0];
  });
step();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(
  `${JSON.stringify({ imagesPerSecond: (batch * steps) / seconds, peakRssKb: process.resourceUsage().maxRSS })}\n`,
);
