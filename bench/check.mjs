#!/usr/bin/env node
/**
 * `incc check` benchmark (plain JS over dist/: build first with `npx tsc -p tsconfig.json`; `npm run bench`).
 *
 * Generates a realistic 5,000-line .incp file into a temporary directory: 300 Inception-like blocks
 * (concat branches, factorized kernels, pooling branches, parameters with defaults and arithmetic) and
 * 8 networks that instantiate them (labels, range-labelled repeats, `if`/`else`, body-level defaults,
 * grid reductions, aux heads, training sections). Then times:
 *
 *   - `node dist/cli/incc.js check FILE` as a whole process, N runs (start-up included, as a user sees it);
 *   - `checkFiles([FILE])` in-process, N runs after one warm-up (and the first, cold run on its own): with
 *     the file changed before each run (a trailing comment), so the loader's parse cache misses, and
 *     unchanged (the cache hits: resolution, elaboration and rules only);
 *   - parsing alone (`parseSource`), in-process, for comparison.
 *
 * For each: milliseconds per run (median and fastest) and source lines per second.
 *
 * Usage: node bench/check.mjs [--runs N] [--lines L] [--keep]
 *   --runs N    runs of each measurement (default 5)
 *   --lines L   about how many lines to generate (default 5000)
 *   --keep      keep the generated file and print its path
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli', 'incc.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}
const runs = option('--runs', 5);
const targetLines = option('--lines', 5000);
const keep = process.argv.includes('--keep');

const { checkFiles } = await import(join(dist, 'compiler', 'program', 'check.js'));
const { parseSource } = await import(join(dist, 'compiler', 'syntax', 'parse.js'));
const { tokenize } = await import(join(dist, 'grammar', 'lexer.js'));

// ---- the generated program --------------------------------------------------------------------------

/** One Inception-like block, ~15 lines; `k` varies the kernels and widths so no two blocks are alike. */
function block(k) {
  const n = 3 + 2 * (k % 3); // 3, 5 or 7: the factorized kernel
  const c = 32 + 16 * (k % 5);
  return `// Module ${k}: four branches, the n x n convolution factorized into 1 x n and n x 1 (n = ${n}).
block Module${k}(c: int = ${c}, pool_proj: int = ${c / 2}, n: int = ${n}, use_max: bool = ${k % 2 === 0}) {
  concat {
    branch1x1: conv 1x1 c
    branch_nxn: conv 1x1 (c / 2) -> conv 1xn (c / 2) -> conv (n)x1 c
    branch_dbl: conv 1x1 (c / 2) -> conv 3x3 c -> conv 3x3 c
    branch_pool: if use_max {
      maxpool 3x3
    } else {
      avgpool 3x3
    } -> conv 1x1 pool_proj
  }
}
`;
}

/** A grid reduction block (Figure 10 style): stride-2 convolution beside stride-2 pooling. */
function reduction(k) {
  return `// Reduction ${k}: a stride-2 convolution branch beside a stride-2 pooling branch.
block Reduce${k}(c: int = ${64 + 32 * (k % 4)}) {
  concat {
    branch3x3: conv 3x3/2 c valid
    branch3x3dbl: conv 1x1 (c / 2) -> conv 3x3 c -> conv 3x3/2 c valid
    branch_pool: maxpool 3x3/2 valid
  }
}
`;
}

/** A network using `count` modules starting at `first`, with a reduction every 12 modules. */
function network(index, first, count, reductions) {
  const lines = [
    `// Network ${index}: ${count} modules on a 147x147 input, reduced every 12 modules.`,
    `network Net${index}(classes: int = 1000, aux_head: bool = ${index % 2 === 0}, width: int = 32, dropout_rate: float = 0.2) {`,
    '  input 147x147x3',
    '  conv 3x3/2 width valid',
    '  conv 3x3 width valid',
    '  conv 3x3 (width * 2)',
    '  maxpool 3x3/2 valid',
  ];
  let reduced = 0;
  for (let j = 0; j < count; j++) {
    const k = first + j;
    if (j > 0 && j % 12 === 0 && reduced < 2) {
      lines.push(`  reduction${reduced + 1}: Reduce${(index + reduced) % reductions}()`);
      reduced++;
    }
    if (j % 10 === 9) {
      lines.push(`  stage${j}_1..stage${j}_2: repeat 2 { Module${k}(c=${32 + 8 * (j % 4)}) }`);
    } else if (j % 7 === 3) {
      lines.push('  if width >= 32 {', `    Module${k}(pool_proj=24)`, '  } else {', `    Module${k}(c=16)`, '  }');
    } else {
      lines.push(`  mixed${j}: Module${k}()`);
    }
    if (j === Math.floor(count / 2)) {
      lines.push('  defaults conv(bn_momentum=0.9)');
    }
  }
  lines.push(
    `  if aux_head {`,
    `    aux_logits: aux from mixed${Math.floor(count / 3)} weight 0.3 {`,
    '      avgpool 5x5/3 valid',
    '      conv 1x1 128',
    '      gap',
    '      dense classes act=softmax',
    '    }',
    '  }',
    '  gap',
    '  if dropout_rate > 0 { dropout dropout_rate }',
    '  predictions: dense classes act=softmax',
    '  train {',
    '    optimizer = rmsprop(lr=0.045, decay=0.9, epsilon=1.0)',
    '    label_smoothing = 0.1',
    '    batch_size = 32',
    '    epochs = 100',
    '  }',
    '}',
    '',
  );
  return lines.join('\n');
}

function program(target) {
  const header = `// Generated by bench/check.mjs: a realistic program of about ${target} lines.
defaults conv(bias=false, bn=true, bn_scale=false, bn_epsilon=1e-3, act=relu)
`;
  const reductions = Array.from({ length: 8 }, (_, k) => reduction(k));
  const networks = 8;
  const perNetwork = 40;
  const count = (t) => t.split('\n').length;
  // As many blocks as it takes to reach the target (at least as many as a network uses).
  const fixed =
    count(header) + reductions.reduce((n, r) => n + count(r), 0) + networks * count(network(0, 0, perNetwork, 8));
  const blocks = Math.max(perNetwork, Math.round((target - fixed) / count(block(0))));
  const nets = Array.from({ length: networks }, (_, i) =>
    network(i, (i * perNetwork) % (blocks - perNetwork + 1), perNetwork, reductions.length),
  );
  return [header, ...reductions, ...Array.from({ length: blocks }, (_, k) => block(k)), ...nets].join('\n');
}

// ---- timing -------------------------------------------------------------------------------------------

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

const dir = mkdtempSync(join(tmpdir(), 'incc-bench-'));
const file = join(dir, 'bench.incp');
try {
  const text = program(targetLines);
  writeFileSync(file, text);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const tokens = tokenize(text).tokens.length;
  console.log(`Generated ${file}: ${lines} lines, ${text.length} bytes, ${tokens} tokens`);

  // Whole process, as a user runs it.
  const processMs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'check', file], { encoding: 'utf8' });
    processMs.push(performance.now() - t0);
    if (r.status !== 0) {
      console.error(`incc check exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
      process.exit(1);
    }
  }

  // In-process: the first (cold) run, then `runs` warm ones.
  const t0 = performance.now();
  const first = checkFiles([file]);
  const coldMs = performance.now() - t0;
  if (first.diagnostics.length > 0) {
    console.error(
      `checkFiles reported ${first.diagnostics.length} diagnostics, first: ${first.diagnostics[0].code}: ${first.diagnostics[0].message}`,
    );
    process.exit(1);
  }
  const warmMs = [];
  for (let i = 0; i < runs; i++) {
    writeFileSync(file, `${text}// run ${i}\n`);
    const t = performance.now();
    checkFiles([file]);
    warmMs.push(performance.now() - t);
  }
  const cachedMs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    checkFiles([file]);
    cachedMs.push(performance.now() - t);
  }
  const parseMs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    parseSource(text, 'bench.incp');
    parseMs.push(performance.now() - t);
  }

  const show = (label, samples) => {
    const s = stats(samples);
    console.log(
      `${label.padEnd(36)} ${s.median.toFixed(1).padStart(8)} ms/run (fastest ${s.min.toFixed(1)} ms)   ` +
        `${Math.round((lines * 1000) / s.median)
          .toLocaleString('en-US')
          .padStart(9)} lines/s`,
    );
  };
  console.log(`\n${runs} runs each (median, fastest):`);
  show('incc check, whole process', processMs);
  show('checkFiles in-process, warm', warmMs);
  show('checkFiles in-process, parse cached', cachedMs);
  show('checkFiles in-process, first run', [coldMs]);
  show('parseSource only, warm', parseMs);
} finally {
  if (keep) console.log(`\n(kept ${file})`);
  else rmSync(dir, { recursive: true, force: true });
}
