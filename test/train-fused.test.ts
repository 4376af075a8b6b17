/**
 * The fused conv -> batch norm -> ReLU training forward of `incc train` (backends/tfjs/train/fused.ts) gives
 * what tfjs-layers' own training forward gives (the reference: tfjs's autodiff through its batch-norm ops),
 * on a small network that has every case: batch norm with and without gamma, with and without a ReLU after
 * it, a conv with a bias before its batch norm and one without batch norm (both left unfused), fan-out into
 * branches, a concat, pools, an aux head. On each backend (cpu, wasm, and tensorflow: tfjs-node, which
 * .ci/run installs), in a child process (test/helpers/fused-gradients.mjs):
 * - the units fused: the 5 conv + batch norm nodes without a bias, 4 when the first conv is frozen;
 * - the loss and the moving statistics after the forward pass are the same numbers (the same ops);
 * - every gradient agrees to 1e-5 of the largest gradient, and to 1e-5 of its own largest value where that
 *   is not rounding noise (the bias before a batch norm has a gradient of exactly 0 in exact arithmetic);
 * - every weight after one RMSProp step with clipping agrees to 1e-6 of its scale;
 * - the gradient computation's peak tensor bytes (tf.profile) are at most 0.6 of the unfused one's.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/cli.js';
import { tfjsNodeTest } from './helpers/components.js';
import { tempFolder } from './helpers/files.js';

const work = tempFolder('incc-fused-');

const network = join(work, 'fused-check.incp');
writeFileSync(
  network,
  `defaults conv(bias=false, bn=true, bn_scale=false, bn_momentum=0.9, act=relu)

network FusedCheck(classes: int = 3) {
  input 13x13x3
  conv 3x3/2 8 valid bn_scale=true
  mixed: concat {
    a: conv 1x1 4
    b: conv 1x1 4 act=linear -> conv 1x3 4 bn_scale=true -> conv 3x1 6 bias=true bn=false
    c: avgpool 3x3 -> conv 1x1 4 bias=true
  }
  maxpool 2x2/2
  conv 3x3 8
  gap
  dense classes softmax
  aux_logits: aux from mixed weight 0.4 { gap; dense classes softmax }
}
`,
);

interface Difference {
  diff: number;
  max: number;
}
interface Comparison {
  backend: string;
  fusedUnits: number;
  fusedUnitsFirstConvFrozen: number;
  loss: Difference;
  gradients: Record<string, Difference>;
  moving: Record<string, Difference>;
  weights: Record<string, Difference>;
  peakBytes: { fused: number; plain: number };
}

function compare(backend: string): Comparison {
  const r = spawnSync(process.execPath, [join(repoRoot, 'test', 'helpers', 'fused-gradients.mjs'), backend, network], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`fused-gradients.mjs ${backend} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Comparison;
}

function check(c: Comparison, backend: string): void {
  expect(c.backend).toBe(backend);
  expect(c.fusedUnits).toBe(5);
  expect(c.fusedUnitsFirstConvFrozen).toBe(4);
  expect(c.loss.max).toBeGreaterThan(0.5);
  expect(c.loss.diff).toBeLessThanOrEqual(1e-6 * c.loss.max);
  // 7 conv and 2 dense kernels, 4 biases (b/conv3, c/conv1, the dense layers), 6 betas, 2 gammas.
  expect(Object.keys(c.gradients)).toHaveLength(21);
  const largest = Math.max(...Object.values(c.gradients).map((g) => g.max));
  expect(largest).toBeGreaterThan(0.01);
  for (const [name, g] of Object.entries(c.gradients)) {
    expect([name, g.diff <= 1e-5 * largest]).toEqual([name, true]);
    if (g.max > 1e-3 * largest) expect([name, g.diff <= 1e-5 * g.max]).toEqual([name, true]);
  }
  // 6 batch norms x (moving mean, moving variance).
  expect(Object.keys(c.moving)).toHaveLength(12);
  for (const [name, m] of Object.entries(c.moving)) expect([name, m.diff]).toEqual([name, 0]);
  for (const [name, w] of Object.entries(c.weights))
    expect([name, w.diff <= 1e-6 * Math.max(w.max, 1)]).toEqual([name, true]);
  expect(c.peakBytes.fused).toBeLessThanOrEqual(0.6 * c.peakBytes.plain);
}

test('fused training forward on cpu: loss, gradients, moving statistics and one step equal tfjs autodiff', () => {
  check(compare('cpu'), 'cpu');
});

test('fused training forward on wasm: the same', () => {
  check(compare('wasm'), 'wasm');
});

tfjsNodeTest('test/train-fused.test.ts')('fused training forward on tensorflow (tfjs-node): the same', () => {
  check(compare('tensorflow'), 'tensorflow');
});
