#!/usr/bin/env node
/**
 * Inference of incc's ONNX Inception-v3 in onnxruntime-node (over the build: `npm run build` first, or
 * `npm run bench:onnx-infer`). The model: stdlib/inception_v3.incp exported with batch norm folded (the
 * default), NCHW input 299x299x3, seed 0. 2 intra-op threads, 1 inter-op thread, default graph
 * optimizations. Batch 1 and batch 8, after warm-up runs: ms per image (the fastest run, and the median),
 * and GFLOP/s = 2 x multiply-adds / time, with the IR's multiply-add count of the main path (5.71 G per
 * image: convolutions and the dense layer).
 *
 * Reference (shared/notes/TOOLCHAIN.md): torchvision's Inception-v3 exported by torch.onnx (batch norm
 * folded) runs in about 57 ms per image in onnxruntime-node with 2 threads on these machines. The ratio
 * printed is incc / reference (below 1: faster).
 *
 * On a busy machine the wall time says little; the CPU time per image per thread (process.cpuUsage over the
 * timed runs, divided by the threads) is printed too: on an idle machine the two are close.
 *
 * Usage: node bench/onnx-infer.mjs [--runs N] [--threads T]
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('--runs', 10);
const threads = arg('--threads', 2);
const REFERENCE_MS = 57;

const { loadProgram } = await import(join(root, 'dist', 'compiler', 'program', 'node-host.js'));
const { buildNetwork } = await import(join(root, 'dist', 'compiler', 'program', 'pipeline.js'));
const { exportOnnx } = await import(join(root, 'dist', 'backends', 'onnx', 'index.js'));

const graph = buildNetwork(loadProgram(join(root, 'stdlib', 'inception_v3.incp')), {}).graph;
const live = new Set();
for (const stack = [graph.output]; stack.length > 0;) {
  const id = stack.pop();
  if (live.has(id)) continue;
  live.add(id);
  stack.push(...graph.nodes[id].inputs);
}
const macs = graph.nodes.filter((n) => live.has(n.id)).reduce((s, n) => s + n.macs, 0);
const model = exportOnnx(graph, { seed: 0 });
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
});
const [h, w, c] = graph.nodes[graph.input].shape;

console.log(
  `incc's Inception-v3 (${(model.length / 1e6).toFixed(1)} MB, batch norm folded) in onnxruntime-node ${ort.env.versions?.node ?? ''}, ${threads} intra-op threads`,
);
console.log(`  ${(macs / 1e9).toFixed(3)} G multiply-adds per image (main path)`);
for (const batch of [1, 8]) {
  const x = new Float32Array(batch * c * h * w);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x, [batch, c, h, w]) };
  const n = batch === 1 ? runs : Math.max(2, Math.ceil(runs / 4));
  for (let i = 0; i < 2; i++) await session.run(feeds); // warm-up
  const times = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  // CPU time per image spread over the threads: close to the wall time on an idle machine, and a better
  // estimate of it than the wall time when other processes compete for the cores.
  const cpuPerImage = (cpu.user + cpu.system) / 1000 / (n * batch) / threads;
  times.sort((a, b) => a - b);
  const best = times[0] / batch;
  const median = times[Math.floor(times.length / 2)] / batch;
  const gflops = (2 * macs) / (best / 1000) / 1e9;
  console.log(
    `  batch ${batch}: ${best.toFixed(1)} ms/image (median ${median.toFixed(1)}), ${gflops.toFixed(1)} GFLOP/s; ` +
      `vs torchvision's ${REFERENCE_MS} ms/image: ratio ${(best / REFERENCE_MS).toFixed(2)} (${n} runs); ` +
      `CPU ${cpuPerImage.toFixed(1)} ms/image per thread`,
  );
}
await session.release();
