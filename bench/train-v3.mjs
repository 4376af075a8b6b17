// `npm run bench:train-v3` (after `npm run build`, with tfjs-node installed: scripts/tfjs-node-from-wheel.sh,
// and a Python with torch: scripts/python-env.sh's .venv, or INCC_BENCH_PYTHON): Inception-v3 training
// throughput and peak memory, incc on tfjs-node against torchvision's Inception-v3 in PyTorch, on the same
// CPU in one run, the two sides alternating (each in its own process: peak RSS is the process's), at batch
// 8 and 16 (BENCH_BATCHES), BENCH_STEPS timed steps after one warm-up, BENCH_ROUNDS rounds. Prints
// images/s and peak RSS for each side and the ratios incc / torch. Both: 10 classes, no aux head, the
// paper's RMSProp, label smoothing 0.1, clipping by global norm 2.0, all cores the process sees.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python =
  process.env.INCC_BENCH_PYTHON ??
  (existsSync(join(root, '.venv/bin/python')) ? join(root, '.venv/bin/python') : 'python3');
const batches = (process.env.BENCH_BATCHES ?? '8,16').split(',').map(Number);
const steps = process.env.BENCH_STEPS ?? '3';
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{'))
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `Inception-v3 training, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${steps} steps after a ` +
    `warm-up, ${rounds} round(s); torch: ${python}`,
);
for (const batch of batches) {
  const incc = [];
  const torch = [];
  for (let i = 0; i < rounds; i++) {
    incc.push(run(process.execPath, [join(root, 'bench/train-v3-incc.mjs'), String(batch), steps]));
    torch.push(run(python, [join(root, 'bench/train_v3_torch.py'), String(batch), steps]));
  }
  const ips = (xs) => median(xs.map((r) => r.imagesPerSecond));
  const gb = (xs) => median(xs.map((r) => r.peakRssKb)) / 1e6;
  console.log(
    `batch ${batch}: incc/tfjs-node ${ips(incc).toFixed(2)} img/s, peak ${gb(incc).toFixed(2)} GB; ` +
      `torch ${ips(torch).toFixed(2)} img/s, peak ${gb(torch).toFixed(2)} GB; ` +
      (`throughput ratio ${(ips(incc) / ips(torch)).toFixed(2)} (target >= 0.67), memory ratio ` +
        `${(gb(incc) / gb(torch)).toFixed(2)} (target <= 2)`),
  );
}
