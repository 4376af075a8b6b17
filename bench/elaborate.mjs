#!/usr/bin/env node
/**
 * Elaboration benchmark (plain JS over dist/; run `npx tsc -p tsconfig.json` first, or `npm run bench:elaborate`
 * after a build). Measures `elaborate()` alone (the program is parsed once, outside the timed loop):
 *
 *   - stdlib/inception_v3.incp (125 IR nodes: a conv node carries its batch norm and activation), N runs, ms per run;
 *   - generated networks of 100 .. 30,000 layers in four shapes (flat lines, one `repeat`, block instances,
 *     Inception-like concat blocks), ms per run and microseconds per layer, with the ratio 10k / 1k
 *     (about 10 when elaboration is linear in the number of layers), and the time spent in garbage collection;
 *   - that a fresh process elaborating inception_v3 loads no module of @tensorflow/* or onnxruntime*.
 *
 * Usage: node bench/elaborate.mjs [--quick]      (--quick: fewer runs, sizes up to 10,000)
 *
 * Reading the trend: the elaborator does constant work per layer. A --cpu-prof of 1k layers x 300 runs against
 * 30k layers x 10 runs (the same 300k layers) gives the same self time to bindLayer, bindExplicit, inferNode,
 * checked, auto...; what grows is the garbage collector (7x) and the allocation sites (addNode, build: 3-5x,
 * paying for write barriers and incremental marking). The IR is kept, and the program itself is large (the
 * parsed 30k-line file holds ~120 MB, ~4 KB a line), so collections during a big run have more to copy and
 * mark: 1k layers run almost free of them, 10k spend a third or more of the run in them. On a busy 2-core
 * machine that puts the 10k/1k ratio between 12 and 50; `node --max-semi-space-size=64 bench/elaborate.mjs`
 * shows the collections shrink. A 1k-layer network elaborated beside 120 MB of unrelated live objects runs
 * ~1.6x slower per layer: the growth follows the heap, not the network.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'compiler');
const { loadProgram, loadProgramFromText } = await import(join(dist, 'program', 'program.js'));
const { elaborate } = await import(join(dist, 'ir', 'elaborate.js'));

const quick = process.argv.includes('--quick');

// No forced collection between runs: a full `gc()` before each run made the next run 2-4x slower
// (V8 then starts the run with a shrunk young generation), which hid the trend.

// Garbage-collection pauses, as the performance timeline reports them (delivered after the timed loop).
const gcPauses = [];
new PerformanceObserver((list) =>
  gcPauses.push(...list.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))),
).observe({ entryTypes: ['gc'] });

/**
 * `runs` timed calls of fn (after `warmup` untimed ones): the median ms, the minimum (the least disturbed
 * by other processes: the one to read for the trend), and the median ms of it spent in garbage collection.
 */
async function time(fn, runs, warmup = 2) {
  for (let i = 0; i < warmup; i++) fn();
  const windows = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    windows.push([t0, performance.now()]);
  }
  await new Promise((r) => setTimeout(r, 20));
  const samples = windows.map(([a, b]) => ({
    ms: b - a,
    gc: gcPauses.filter((p) => p.start >= a && p.start < b).reduce((sum, p) => sum + p.duration, 0),
  }));
  gcPauses.length = 0;
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return {
    median: median(samples.map((s) => s.ms)),
    min: Math.min(...samples.map((s) => s.ms)),
    gc: median(samples.map((s) => s.gc)),
    withoutGc: Math.min(...samples.map((s) => s.ms - s.gc)),
  };
}
const ms = (t) => `${t.min.toFixed(3)} ms (median ${t.median.toFixed(3)})`;

function elaborateOrThrow(program, options = {}) {
  const r = elaborate(program, options);
  if (!r.graph)
    throw new Error(`elaboration failed: ${r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')}`);
  return r.graph;
}

// ---- Inception-v3 -----------------------------------------------------------------------------------

const inceptionPath = join(root, 'stdlib', 'inception_v3.incp');
const inception = loadProgram(inceptionPath);
if (inception.diagnostics.some((d) => d.severity === 'error')) throw new Error('stdlib/inception_v3.incp has errors');
const v3 = elaborateOrThrow(inception);
const v3Runs = quick ? 20 : 100;
const v3Ms = await time(() => elaborateOrThrow(inception), v3Runs, 5);
const v3Aux = await time(() => elaborateOrThrow(inception, { args: { aux_head: true } }), v3Runs, 5);
const loadMs = await time(() => loadProgram(inceptionPath), quick ? 10 : 30, 2);
console.log('Inception-v3 (stdlib/inception_v3.incp)');
console.log(
  `  elaborate: ${ms(v3Ms)} per run over ${v3Runs} runs; ${v3.nodes.length} nodes, ` +
    `${((v3Ms.min * 1000) / v3.nodes.length).toFixed(2)} us/node`,
);
console.log(`  elaborate with aux_head=true: ${ms(v3Aux)} per run`);
console.log(`  load + parse (with std/modules): ${ms(loadMs)} per run`);

// ---- generated networks ---------------------------------------------------------------------------

/** Each generator returns .incp text whose network has about `n` layer nodes (input excluded). */
const generators = {
  // n lines of `conv 3x3 8` under the input (SAME, so the grid never shrinks).
  flat: (n) => `network Flat {\n  input 16x16x8\n${'  conv 3x3 8\n'.repeat(n)}}\n`,
  // one repeat of n iterations.
  repeat: (n) => `network Rep {\n  input 16x16x8\n  repeat ${n} { conv 3x3 8 }\n}\n`,
  // n/2 instances of a two-layer block, each instance a scope of its own.
  blocks: (n) =>
    `defaults conv(bias=false, bn=true)\nblock Unit(c: int) {\n  conv 1x1 c\n  conv 3x3 c\n}\nnetwork Blocks ` +
    `{\n  input 16x16x8\n  stage1..stage${Math.max(1, Math.round(n / 2))}: repeat ` +
    `${Math.max(1, Math.round(n / 2))} { Unit(8) }\n}\n`,
  // n/9 Inception-like modules (8 convs/pools + 1 concat each), named branches, nested concat.
  inception: (n) => {
    const k = Math.max(1, Math.round(n / 9));
    return `defaults conv(bias=false, bn=true, bn_scale=false)
block Module(p: int) {
  concat {
    b1: conv 1x1 8
    b3: conv 1x1 8 -> conv 3x3 8
    b3dbl: conv 1x1 8 -> conv 1x3 8 -> conv 3x1 8
    pool: avgpool 3x3 -> conv 1x1 p
  }
}
network Modules {
  input 16x16x32
  m1..m${k}: repeat ${k} { Module(8) }
}
`;
  },
};

const sizes = quick ? [100, 1000, 3000, 10000] : [100, 1000, 3000, 10000, 30000];
console.log(
  '\nGenerated networks: elaborate() only. Per size: ms per run (the fastest run), us per layer, and the ms of',
);
console.log(
  'garbage collection in the median run; then the 10k/1k ratio of the fastest runs, and of the runs less their gc.',
);
const header = ['shape', ...sizes.map((s) => `${s}`), '10k/1k'];
const rows = [];
for (const [shape, gen] of Object.entries(generators)) {
  const perSize = new Map();
  const gcFree = new Map();
  const cells = [shape];
  for (const n of sizes) {
    const program = loadProgramFromText(gen(n), join(root, `bench-${shape}-${n}.incp`));
    if (program.diagnostics.some((d) => d.severity === 'error'))
      throw new Error(`${shape} ${n}: ${program.diagnostics[0].message}`);
    const graph = elaborateOrThrow(program);
    const layers = graph.nodes.length - 1;
    const runs = n <= 1000 ? (quick ? 10 : 30) : n <= 10000 ? (quick ? 3 : 7) : 3;
    const t = await time(() => elaborateOrThrow(program), runs, 1);
    perSize.set(n, t);
    cells.push(`${t.min.toFixed(2)} ms ${((t.min * 1000) / layers).toFixed(2)} us/l (gc ${t.gc.toFixed(1)})`);
    gcFree.set(n, t.withoutGc);
  }
  const ratio = perSize.get(10000).min / perSize.get(1000).min;
  const ratioGcFree = gcFree.get(10000) / gcFree.get(1000);
  cells.push(`${ratio.toFixed(1)} (${ratioGcFree.toFixed(1)} less gc)`);
  rows.push(cells);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) =>
  r
    .map((c, i) => c.padEnd(widths[i]))
    .join('  ')
    .trimEnd();
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(
  '(linear: 10k/1k about 10; the excess is garbage collection of the IR being built, see the header of this file)',
);

// Parsing, for comparison (not part of elaborate): the flat text at 1k and 10k lines.
const parse1k = await time(() => loadProgramFromText(generators.flat(1000), join(root, 'p1k.incp')), quick ? 5 : 10, 1);
const parse10k = await time(() => loadProgramFromText(generators.flat(10000), join(root, 'p10k.incp')), 3, 1);
console.log(
  `\nParse (load) of the flat text, not part of elaborate(): 1k lines ${parse1k.min.toFixed(1)} ms, 10k ` +
    `lines ${parse10k.min.toFixed(1)} ms (ratio ${(parse10k.min / parse1k.min).toFixed(1)})`,
);

// ---- the light path: no tfjs, no onnxruntime ------------------------------------------------------

const probe = `
const { loadProgram } = await import(${JSON.stringify(join(dist, 'program', 'program.js'))});
const { elaborate } = await import(${JSON.stringify(join(dist, 'ir', 'elaborate.js'))});
const { summarize } = await import(${JSON.stringify(join(dist, 'print', 'summary.js'))});
const r = elaborate(loadProgram(${JSON.stringify(inceptionPath)}));
summarize(r.graph);
const { createRequire } = await import('node:module');
const cjs = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ nodes: r.graph.nodes.length, cjs }));
`;
// ESM imports do not show in require.cache: a loader hook records every resolved URL as well.
const hook = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('LOADED ' + r.url + '\\n');
  return r;
}`)}`;
const registerHook = `import { register } from 'node:module'; register(${JSON.stringify(hook)});`;
const register = `data:text/javascript,${encodeURIComponent(registerHook)}`;
let loaded = [];
let nodes = 0;
{
  const r = spawnSync(process.execPath, ['--no-warnings', '--import', register, '--input-type=module', '-e', probe], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  nodes = out.nodes;
  loaded = [...new Set([...[...r.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) => m[1]), ...out.cjs])];
}
const heavy = loaded.filter(
  (u) => /node_modules[\\/](@tensorflow|onnxruntime)/.test(u) || /^(@tensorflow|onnxruntime)/.test(u),
);
const packages = [
  ...new Set(loaded.map((u) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(u)?.[1]).filter(Boolean)),
];
console.log(
  `\nLight path: a fresh process elaborating inception_v3 (${nodes} nodes) loaded ${loaded.length} modules; ` +
    `packages: ${packages.join(', ') || 'none'}`,
);
console.log(
  heavy.length === 0
    ? '  no @tensorflow/* or onnxruntime* module loaded: OK'
    : `  HEAVY MODULES LOADED: ${heavy.join(', ')}`,
);
if (heavy.length > 0) process.exitCode = 1;
