#!/usr/bin/env node
/**
 * int8 against float: incc's Inception-v3 (stdlib/inception_v3.incp, initial weights of seed 0, batch norm folded)
 * exported as float32 and as int8 (`--quantize int8`: QDQ, per-channel int8 weights, uint8 activations, calibrated
 * on generated images), both run in onnxruntime-node in the same process, interleaved (float, int8, float, ...,
 * the order alternating each round), at batch 1 and 8: the median ms per image of each and their ratio
 * (int8 / float: below 1, int8 is faster). Both sessions: the same threads (2 intra-op, 1 inter-op, sequential)
 * and onnxruntime's graph optimizations at level all (which fuse each DequantizeLinear -> Conv -> QuantizeLinear
 * into an integer convolution). Over the build: `npm run build` first, or `npm run bench:onnx-int8`.
 *
 * The machine's load average is printed: on a busy machine the ratio holds better than the absolute figures,
 * since both models share the same conditions round by round. The figures in README.md and spec/onnx.md were
 * taken with the process at real-time priority once its models were loaded (`chrt -f -a -p 10 PID`, as root,
 * after the line giving the models' sizes), as bench/onnx-infer.mjs's were.
 *
 * Usage: node bench/onnx-int8.mjs [--runs N] [--threads T] [--calibration N]
 */
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('--runs', 12);
const threads = arg('--threads', 2);
const calibrationCount = arg('--calibration', 16);

const { loadProgram } = await import(join(root, 'dist', 'compiler', 'program', 'node-host.js'));
const { buildNetwork } = await import(join(root, 'dist', 'compiler', 'program', 'pipeline.js'));
const { encodeModel, lowerToOnnx } = await import(join(root, 'dist', 'backends', 'onnx', 'index.js'));
const { calibrationInputs, quantizeInt8 } = await import(
  join(root, 'dist', 'backends', 'onnx', 'quantize', 'index.js')
);

const graph = buildNetwork(loadProgram(join(root, 'stdlib', 'inception_v3.incp')), {}).graph;
const [h, w, c] = graph.nodes[graph.input].shape;
const floatModel = lowerToOnnx(graph, { seed: 0 }).model;
const floatBytes = encodeModel(floatModel);
const t0 = performance.now();
const inputs = await calibrationInputs({
  source: { generated: true },
  count: calibrationCount,
  seed: 0,
  shape: [h, w, c],
  layout: 'nchw',
});
const { model: int8Model } = await quantizeInt8(floatModel, inputs);
const int8Bytes = encodeModel(int8Model);
const quantizeSeconds = (performance.now() - t0) / 1000;

const options = {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};
const sessions = {
  float: await ort.InferenceSession.create(floatBytes, options),
  int8: await ort.InferenceSession.create(int8Bytes, options),
};

console.log(
  `incc's Inception-v3 in onnxruntime-node, ${threads} intra-op threads, graph optimizations: all; ` +
    `${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
console.log(
  `  float ${(floatBytes.length / 1e6).toFixed(1)} MB; int8 ${(int8Bytes.length / 1e6).toFixed(1)} MB ` +
    `(quantized in ${quantizeSeconds.toFixed(1)} s, calibrated on ${inputs.count} generated images)`,
);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (const batch of [1, 8]) {
  const x = new Float32Array(batch * c * h * w);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  const feeds = { input: new ort.Tensor('float32', x, [batch, c, h, w]) };
  const n = batch === 1 ? runs : Math.max(3, Math.ceil(runs / 3));
  for (const s of Object.values(sessions)) for (let i = 0; i < 2; i++) await s.run(feeds); // warm-up
  const times = { float: [], int8: [] };
  for (let i = 0; i < n; i++) {
    for (const name of i % 2 === 0 ? ['float', 'int8'] : ['int8', 'float']) {
      const start = performance.now();
      await sessions[name].run(feeds);
      times[name].push((performance.now() - start) / batch);
    }
  }
  const f = median(times.float);
  const q = median(times.int8);
  console.log(
    `  batch ${batch}: float ${f.toFixed(1)} ms/image, int8 ${q.toFixed(1)} ms/image (medians of ${n}, interleaved); ` +
      `int8 / float ${(q / f).toFixed(2)}`,
  );
}
for (const s of Object.values(sessions)) await s.release();
