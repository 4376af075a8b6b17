// The fused conv -> batch norm -> ReLU training forward (backends/tfjs/train/fused.ts) against tfjs-layers'
// own (model.apply(x, { training: true }), tfjs's autodiff through its batch-norm ops), on one backend:
// `node test/helpers/fused-gradients.mjs BACKEND NETWORK.incp`. Two models with the same initial weights,
// the same batch, the training loss of `incc train` (smoothed cross-entropy, aux heads weighted), then one
// RMSProp step with clipping. Prints JSON: the units fused, and for each comparison the largest absolute
// difference next to the largest magnitude of the reference (loss, every gradient, the moving statistics
// after the forward pass, every weight after the step), and the peak tensor bytes of each gradient
// computation (tf.profile). For test/train-fused.test.ts.
import * as tf from '@tensorflow/tfjs';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const [backend, file] = process.argv.slice(2);
if (backend === 'tensorflow') await import('@tensorflow/tfjs-node');
if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
tf.enableProdMode();
const { graphOf, loadProgram } = await import('../../dist/index.js');
const { planLayers } = await import('../../dist/backends/tfjs/plan.js');
const { modelOfPlan, setInitialWeights } = await import('../../dist/backends/tfjs/model.js');
const { logitsPlan, patchBatchNormWithoutScale } = await import('../../dist/backends/tfjs/train/index.js');
const { trainingForward, fusedUnitCount } = await import('../../dist/backends/tfjs/train/fused.js');
const { registerFastKernels } = await import('../../dist/backends/tfjs/train/kernels.js');
const { trainingLoss, clipGradients } = await import('../../dist/backends/tfjs/train/loss.js');
const { mulberry32 } = await import('../../dist/backends/common/random.js');
registerFastKernels(backend);

const graph = graphOf(loadProgram(file));
const plan = logitsPlan(planLayers(graph));
const [h, w, c] = graph.nodes[graph.input].shape;
const classes = graph.nodes[graph.output].shape[0];
const batch = 6;
const r = mulberry32(5);
const x = tf.tensor4d(
  Float32Array.from({ length: batch * h * w * c }, () => r() * 2 - 1),
  [batch, h, w, c],
);
const y = tf.tensor1d(
  Array.from({ length: batch }, (_, i) => i % classes),
  'int32',
);

async function side(fused) {
  const model = modelOfPlan(plan);
  setInitialWeights(model, graph, plan, 3);
  patchBatchNormWithoutScale(model);
  const forward = fused ? trainingForward(model, plan) : (t) => [model.apply(t, { training: true })].flat();
  const variables = model.trainableWeights.map((v) => v.read());
  const loss = () => {
    const [main, ...aux] = forward(x);
    return trainingLoss(
      y,
      main,
      aux,
      0.1,
      graph.aux.map((a) => a.weight),
    ).total;
  };
  let result;
  // tf.profile returns the same object every time: read its peak now.
  const { peakBytes } = await tf.profile(() => {
    result = tf.variableGrads(loss, variables);
  });
  return { model, variables, peakBytes, ...result };
}

const fusedSide = await side(true);
const plainSide = await side(false);
const compare = (a, b) => {
  const p = a.dataSync();
  const q = b.dataSync();
  let diff = 0;
  let max = 0;
  for (let i = 0; i < q.length; i++) {
    diff = Math.max(diff, Math.abs(p[i] - q[i]));
    max = Math.max(max, Math.abs(q[i]));
  }
  return { diff, max };
};
const byName = (model) => new Map(model.weights.map((v) => [v.originalName, v.read()]));
const gradients = {};
plainSide.model.trainableWeights.forEach((v, i) => {
  const fusedName = fusedSide.variables[i].name;
  gradients[v.originalName] = compare(fusedSide.grads[fusedName], plainSide.grads[plainSide.variables[i].name]);
});
const moving = {};
const plainWeights = byName(plainSide.model);
for (const [name, value] of byName(fusedSide.model))
  if (/moving_(mean|variance)$/.test(name)) moving[name] = compare(value, plainWeights.get(name));

for (const s of [fusedSide, plainSide]) {
  const optimizer = tf.train.rmsprop(0.045, 0.9, 0.9, 1.0);
  const clipped = clipGradients(s.grads, { mode: 'global_norm', value: 2 });
  optimizer.applyGradients(s.variables.map((v) => ({ name: v.name, tensor: clipped.grads[v.name] })));
}
const weights = {};
const plainAfter = byName(plainSide.model);
for (const [name, value] of byName(fusedSide.model)) weights[name] = compare(value, plainAfter.get(name));

const frozen = new Set(
  graph.nodes
    .filter((n) => n.attrs.op === 'conv')
    .slice(0, 1)
    .map((n) => n.id),
);
process.stdout.write(
  `${JSON.stringify({
    backend: tf.getBackend(),
    fusedUnits: fusedUnitCount(fusedSide.model, plan),
    fusedUnitsFirstConvFrozen: fusedUnitCount(fusedSide.model, plan, frozen),
    loss: compare(fusedSide.value, plainSide.value),
    gradients,
    moving,
    weights,
    peakBytes: { fused: fusedSide.peakBytes, plain: plainSide.peakBytes },
  })}\n`,
);
