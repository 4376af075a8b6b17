#!/usr/bin/env node
/**
 * Inference of incc's ONNX Inception-v3 against torchvision's, in onnxruntime-node, in one process (over
 * the build: `npm run build` first, or `npm run bench:onnx-infer`).
 *
 * The models: stdlib/inception_v3.incp exported by incc (seed 0, batch norm folded) with each graph
 * optimization of backends/onnx/optimize/ alone, with none, with `default` and with `all`; and
 * torchvision's inception_v3 exported by torch.onnx (bench/torchvision_onnx.py: constant folding, opset 13)
 * when a Python with torch and torchvision is found (INCC_TORCHVISION_PYTHON, else /usr/bin/python3 with
 * Debian's python3-torch and python3-torchvision). Without it, incc's figures are printed alone, saying why.
 *
 * Every session gets the same options, printed: 2 intra-op threads (--threads), 1 inter-op thread,
 * sequential execution, graph optimization level `all` (onnxruntime's own fusions and its NCHWc layout);
 * that the level took effect is shown by onnxruntime's optimized graph of incc's and torchvision's models
 * (the number of NCHWc nodes).
 * Runs are interleaved in rounds: each round runs every model once to warm it up (its threads spin after a
 * run, which would slow the next model's first run) and then `--runs` timed runs, the models in a rotated
 * order each round. Reported per model: the median and the fastest ms per image, the CPU time per image
 * per thread, and the ratio of medians to torchvision's (below 1: faster) and to incc with no
 * optimization. Every incc model's output is compared with the unoptimized one's (within 1e-4).
 *
 * A reference rate, measured in the same rounds: a 2048x2048x2048 MatMul in onnxruntime with the same options
 * (MLAS's SGEMM), its fastest run in GFLOP/s; each batch's line says the rate torchvision's model reaches, its
 * share of that MatMul's, and the rate a ratio of 0.90 would need on the same multiply-adds (issue 20: far above
 * every rate measured here means no exact graph rewrite can reach it). In onnxruntime-node the MatMul does not
 * bound the convolutions (MLAS's NCHWc convolution kernels ran faster than it here: README, "ONNX inference
 * speed"), so it is a yardstick, not a ceiling.
 *
 * The machine's load average is printed before and after: on a shared machine the absolute times mean
 * little, the ratios of interleaved runs more. `--profile` adds onnxruntime's profile (kernel time by
 * operator, summed over runs after the first) of incc's model without and with the default optimizations
 * and of torchvision's.
 *
 * `--level extended` runs every model at onnxruntime's level `extended` instead (its fusions without the NCHWc
 * layout, as on CPUs without AVX2), where the optimizations measure differently (spec/onnx.md).
 *
 * The figures in README.md and spec/onnx.md were taken with the process at real-time priority once its
 * models were loaded (`chrt -f -a -p 10 PID`, as root), because the shared machine's load average was far
 * above its 2 cores: preemption otherwise dominates every timing.
 *
 * Usage: node bench/onnx-infer.mjs [--rounds N] [--runs K] [--threads T] [--batches 1,8] [--profile]
 *        [--level all|extended]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const rounds = Number(arg('--rounds', 10));
const runsPerRound = Number(arg('--runs', 3));
const threads = Number(arg('--threads', 2));
const batches = String(arg('--batches', '1,8')).split(',').map(Number);
const profile = argv.includes('--profile');
const level = String(arg('--level', 'all'));
/** The side of the reference matrix product (large enough for MLAS's best blocking). */
const GEMM_N = 2048;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const { loadProgram } = await import(join(root, 'dist', 'compiler', 'program', 'node-host.js'));
const { buildNetwork } = await import(join(root, 'dist', 'compiler', 'program', 'pipeline.js'));
const { exportOnnx, OPTIMIZATIONS, DEFAULT_OPTIMIZATIONS } = await import(
  join(root, 'dist', 'backends', 'onnx', 'index.js')
);

const dir = mkdtempSync(join(tmpdir(), 'incc-bench-infer-'));
try {
  console.log(`load average before: ${load()} (${availableParallelism()} cores)`);
  const graph = buildNetwork(loadProgram(join(root, 'stdlib', 'inception_v3.incp')), {}).graph;
  const macs = mainPathMacs(graph);
  const [h, w, c] = graph.nodes[graph.input].shape;

  /** [label, model bytes or path, whether it is an incc model] */
  const models = [['incc, --optimize none', exportOnnx(graph, { seed: 0, optimize: [] }), true]];
  for (const o of OPTIMIZATIONS) models.push([`incc, ${o} alone`, exportOnnx(graph, { seed: 0, optimize: [o] }), true]);
  models.push([`incc, default (${DEFAULT_OPTIMIZATIONS.join(', ')})`, exportOnnx(graph, { seed: 0 }), true]);
  models.push(['incc, all', exportOnnx(graph, { seed: 0, optimize: [...OPTIMIZATIONS] }), true]);
  const defaultLabel = models[models.length - 2][0];
  const reference = exportTorchvision(join(dir, 'torchvision.onnx'));
  if (reference.path) models.push(['torchvision (torch.onnx)', reference.path, false]);
  console.log(
    reference.path
      ? `torchvision's Inception-v3: exported now by ${reference.python} (${reference.versions})`
      : `torchvision's Inception-v3: not measured: ${reference.why}. Absolute figures only.`,
  );

  const options = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: level,
    logSeverityLevel: 3,
  };
  console.log(`onnxruntime-node ${ort.env.versions?.node ?? ''}, the same session options for every model:`);
  console.log(`  ${JSON.stringify(options)}`);
  const sessions = [];
  for (const [label, model] of models) {
    const checked = label === defaultLabel || typeof model === 'string';
    const optimized = checked ? join(dir, `optimized-${sessions.length}.onnx`) : undefined;
    const s = await ort.InferenceSession.create(model, {
      ...options,
      ...(optimized ? { optimizedModelFilePath: optimized } : {}),
    });
    if (optimized) console.log(`  ${label}: ${describeOptimized(optimized)}`);
    sessions.push(s);
  }
  const gemm = await ort.InferenceSession.create(gemmModel(GEMM_N), options);
  const gemmFeeds = { a: new ort.Tensor('float32', new Float32Array(GEMM_N * GEMM_N).fill(0.5), [GEMM_N, GEMM_N]) };
  console.log(
    `  Inception-v3: ${(macs / 1e9).toFixed(3)} G multiply-adds per image (main path); ` +
      `${rounds} rounds of 1 warm-up + ${runsPerRound} timed runs per model, interleaved`,
  );

  for (const batch of batches) {
    const x = new Float32Array(batch * c * h * w);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 12.9898) * 0.9; // deterministic, in [-1, 1]
    const feeds = (s) => ({ [s.inputNames[0]]: new ort.Tensor('float32', x, [batch, c, h, w]) });
    const first = [];
    for (const s of sessions) first.push((await s.run(feeds(s)))[s.outputNames[0]].data);
    const times = sessions.map(() => []);
    const cpu = sessions.map(() => 0);
    const gemmTimes = [];
    for (let r = 0; r < rounds; r++) {
      // The reference, in the same rounds: onnxruntime's own matrix product (MLAS's SGEMM) at its best shape.
      await gemm.run(gemmFeeds);
      for (let j = 0; j < runsPerRound; j++) {
        const t0 = performance.now();
        await gemm.run(gemmFeeds);
        gemmTimes.push(performance.now() - t0);
      }
      for (let k = 0; k < sessions.length; k++) {
        const i = (k + r) % sessions.length;
        const s = sessions[i];
        await s.run(feeds(s));
        for (let j = 0; j < runsPerRound; j++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await s.run(feeds(s));
          times[i].push((performance.now() - t0) / batch);
          const used = process.cpuUsage(c0);
          cpu[i] += (used.user + used.system) / 1000 / batch / threads;
        }
      }
    }
    const medians = times.map(median);
    const none = medians[0];
    const ref = reference.path ? medians[medians.length - 1] : undefined;
    console.log(`batch ${batch}: ms per image (median, fastest), CPU ms per image per thread; ratios of medians`);
    models.forEach(([label, , incc], i) => {
      const gflops = (2 * macs) / (medians[i] / 1000) / 1e9;
      const diff = incc ? maxAbsDiff(first[i], first[0]) : undefined;
      console.log(
        `  ${label.padEnd(38)} ${medians[i].toFixed(1).padStart(6)} ${Math.min(...times[i])
          .toFixed(1)
          .padStart(6)}` +
          `  CPU ${(cpu[i] / times[i].length).toFixed(1).padStart(5)}  ${gflops.toFixed(0).padStart(4)} GFLOP/s` +
          `  vs none ${(medians[i] / none).toFixed(3)}` +
          (ref ? `  vs torchvision ${(medians[i] / ref).toFixed(3)}` : '') +
          (diff !== undefined && i > 0 ? `  (max |diff| to none ${diff.toExponential(1)})` : ''),
      );
      if (diff !== undefined && diff > 1e-4) process.exitCode = 1;
    });
    const peak = (2 * GEMM_N ** 3) / (Math.min(...gemmTimes) / 1000) / 1e9;
    console.log(
      `  reference: onnxruntime MatMul ${GEMM_N}x${GEMM_N}x${GEMM_N}, same options, same rounds: ` +
        `${peak.toFixed(0)} GFLOP/s (its fastest run)`,
    );
    if (ref) {
      const best = medians[models.findIndex(([label]) => label === defaultLabel)];
      const refRate = (2 * macs) / (ref / 1000) / 1e9;
      const share = (rate) => `${((100 * rate) / peak).toFixed(0)}%`;
      console.log(
        `  => batch ${batch}: incc (default) / torchvision = ${(best / ref).toFixed(3)} (target at most 0.90); ` +
          `torchvision's model runs at ${refRate.toFixed(0)} GFLOP/s (${share(refRate)} of the MatMul's), and 0.90 ` +
          `on the same multiply-adds needs ${(refRate / 0.9).toFixed(0)} GFLOP/s (${share(refRate / 0.9)})`,
      );
    }
  }
  console.log(`load average after: ${load()}`);
  for (const s of sessions) await s.release();
  await gemm.release();

  if (profile) {
    const chosen = models.filter(([label, , incc]) => label === defaultLabel || !incc || label.endsWith('none'));
    for (const [label, model] of chosen) console.log(await profileOf(label, model, options, [1, c, h, w]));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A model of one MatMul of two N x N float matrices (the second a constant): what the CPU's matrix unit does
 * at its best in onnxruntime: the reference rate the convolutions' rates are compared with.
 */
function gemmModel(n) {
  const dims = [n, n];
  const value = (name) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const b = new Float32Array(n * n).fill(0.25);
  const model = {
    irVersion: 8,
    producerName: 'incc bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'gemm',
      node: [{ opType: 'MatMul', input: ['a', 'b'], output: ['c'] }],
      input: [value('a')],
      output: [value('c')],
      initializer: [{ name: 'b', dims, dataType: 1, rawData: new Uint8Array(b.buffer) }],
    },
  };
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

/** Multiply-adds of the nodes the main output depends on (aux heads left out). */
function mainPathMacs(graph) {
  const live = new Set();
  for (const stack = [graph.output]; stack.length > 0;) {
    const id = stack.pop();
    if (live.has(id)) continue;
    live.add(id);
    stack.push(...graph.nodes[id].inputs);
  }
  return graph.nodes.filter((n) => live.has(n.id)).reduce((s, n) => s + n.macs, 0);
}

/** Exports torchvision's model with bench/torchvision_onnx.py: { path, python, versions } or { why }. */
function exportTorchvision(out) {
  const python = process.env['INCC_TORCHVISION_PYTHON'] ?? '/usr/bin/python3';
  if (!existsSync(python)) return { why: `no ${python} (set INCC_TORCHVISION_PYTHON to a Python with torch)` };
  const probe = spawnSync(python, ['-c', 'import torch, torchvision.models.inception'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const last = (probe.stderr || '').trim().split('\n').pop();
    return {
      why: `${python} cannot import torch and torchvision (${last}); on Debian: apt-get install python3-torchvision`,
    };
  }
  const r = spawnSync(python, [join(root, 'bench', 'torchvision_onnx.py'), out], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) return { why: `the export failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}` };
  return { path: out, python, versions: r.stdout.trim() };
}

/** Node counts of onnxruntime's optimized graph: evidence that level `all` (NCHWc, fusions) took effect. */
function describeOptimized(path) {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(path));
  const counts = new Map();
  for (const n of model.graph.node) {
    const key = `${n.domain ? `${n.domain}:` : ''}${n.opType}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const nchwc = [...counts].filter(([k]) => k.includes('nchwc')).reduce((s, [, v]) => s + v, 0);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, v]) => `${v} ${k}`);
  const nodes = model.graph.node.length;
  return `onnxruntime's optimized graph has ${nodes} nodes, ${nchwc} in NCHWc form (${top.join(', ')})`;
}

/** onnxruntime's profile of 6 runs: kernel time by operator type over runs 2..6, largest first. */
async function profileOf(label, model, options, dims) {
  const prefix = join(dir, `profile-${Math.random().toString(36).slice(2)}`);
  const s = await ort.InferenceSession.create(model, { ...options, enableProfiling: true, profileFilePrefix: prefix });
  const x = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5);
  const runs = 6;
  for (let i = 0; i < runs; i++) await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
  await s.endProfiling();
  await s.release();
  const base = prefix.split('/').pop();
  const file = readdirSync(dir).find((f) => f.startsWith(base) && f.endsWith('.json'));
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const starts = events
    .filter((e) => e.name === 'model_run')
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const byOp = new Map();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < starts[1]) continue;
    byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur);
    total += e.dur;
  }
  const n = runs - 1;
  const rows = [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return [
    `profile of ${label}, batch 1 (kernel time per run, ${n} runs): ${(total / 1000 / n).toFixed(1)} ms`,
    ...rows.map(
      ([op, t]) =>
        `  ${op.padEnd(20)} ${(t / 1000 / n).toFixed(2).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%`,
    ),
  ].join('\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function maxAbsDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
