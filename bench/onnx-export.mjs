#!/usr/bin/env node
/**
 * ONNX export benchmark (over the build: `npm run build` first, or `npm run bench:onnx-export`).
 *
 * 1. The whole process, as a user runs it: `incc compile stdlib/inception_v3.incp --target onnx --out F`
 *    (the package's bin, dist/bin/incc.js, or tsc's dist/cli/incc.js when there is no bundle), N runs,
 *    wall time from spawn to exit. The target: under 3 s.
 * 2. The file: bytes per parameter (float32 weights: close to 4; the rest is names, doc strings, structure).
 * 3. Where the time goes, in one process: load + elaborate, initial weights, lowering (transposes and
 *    batch-norm folding), protobuf encoding, the atomic write.
 *
 * Usage: node bench/onnx-export.mjs [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const bundled = join(root, 'dist', 'bin', 'incc.js');
const cli = existsSync(bundled) ? bundled : join(root, 'dist', 'cli', 'incc.js');
const source = join(root, 'stdlib', 'inception_v3.incp');
const dir = mkdtempSync(join(tmpdir(), 'incc-bench-onnx-'));
const out = join(dir, 'inception_v3.onnx');

try {
  // ---- 1. the whole process -------------------------------------------------------------------------
  const walls = [];
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'compile', source, '--target', 'onnx', '--out', out], {
      encoding: 'utf8',
    });
    walls.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`incc compile failed (${r.status}): ${r.stderr}`);
    stdout = r.stdout.trim();
  }
  const sorted = [...walls].sort((a, b) => a - b);
  const min = sorted[0];
  const median = sorted[Math.floor(sorted.length / 2)];
  const bytes = statSync(out).size;

  // ---- 2. bytes per parameter -----------------------------------------------------------------------
  const { loadProgram } = await import(join(root, 'dist', 'compiler', 'program', 'node-host.js'));
  const { buildNetwork } = await import(join(root, 'dist', 'compiler', 'program', 'pipeline.js'));
  const onnxApi = await import(join(root, 'dist', 'backends', 'onnx', 'index.js'));
  const { initialWeights } = await import(join(root, 'dist', 'backends', 'common', 'weights.js'));
  const t0 = performance.now();
  const graph = buildNetwork(loadProgram(source), {}).graph;
  const tElaborate = performance.now() - t0;
  const lowered = onnxApi.lowerToOnnx(graph, { seed: 0 });
  const params = lowered.model.graph.initializer.reduce((s, t) => s + t.dims.reduce((a, b) => a * Number(b), 1), 0);

  console.log(
    `incc compile stdlib/inception_v3.incp --target onnx ` +
      `(${cli.endsWith(join('bin', 'incc.js')) ? 'bundled CLI' : "tsc's output"}), ${runs} runs`,
  );
  console.log(`  ${stdout}`);
  console.log(
    `  whole process: ${min.toFixed(0)} ms (median ${median.toFixed(0)} ms; runs ` +
      `${walls.map((w) => w.toFixed(0)).join(', ')})`,
  );
  console.log(`  target under 3000 ms: ${min < 3000 ? 'OK' : 'OVER'}`);
  console.log(
    `  file: ${bytes.toLocaleString('en-US')} bytes for ${params.toLocaleString('en-US')} parameters = ` +
      `${(bytes / params).toFixed(4)} bytes/param`,
  );

  // ---- 3. where the time goes -----------------------------------------------------------------------
  const time = (fn) => {
    const s = performance.now();
    const v = fn();
    return [v, performance.now() - s];
  };
  const [, tInit] = time(() => initialWeights(graph, 0));
  const [result, tLower] = time(() => onnxApi.lowerToOnnx(graph, { seed: 0 }));
  const [encoded, tEncode] = time(() => onnxApi.encodeModel(result.model));
  const [, tWrite] = time(() => onnxApi.writeFileAtomic(join(dir, 'again.onnx'), encoded));
  console.log('  in one process (warm):');
  console.log(`    load + elaborate (first, cold)  ${tElaborate.toFixed(0)} ms`);
  console.log(`    initial weights alone           ${tInit.toFixed(0)} ms  (part of lowering)`);
  console.log(`    lowering (weights, OIHW, fold)  ${tLower.toFixed(0)} ms`);
  console.log(`    protobuf encode                 ${tEncode.toFixed(0)} ms`);
  console.log(`    atomic write                    ${tWrite.toFixed(0)} ms`);
  if (min >= 3000) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
