/**
 * train.py's recipe against independent sources:
 * - its TF-style RMSProp (epsilon inside the square root, the mean square starting at 1) against a hand
 *   computation of TF1's update rule, step by step on a worked example (and torch.optim.RMSprop, epsilon
 *   outside the root, shown to be another optimizer);
 * - its loss (label smoothing, aux weight), learning-rate schedule and global-norm clipping against the tfjs
 *   trainer's (backends/tfjs/train/) on the same batch and the same weights: the same loss to 1e-5.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pytorchFiles } from '../backends/pytorch/index.js';
import { setWeightValues, modelOfPlan } from '../backends/tfjs/model.js';
import { planLayers } from '../backends/tfjs/plan.js';
import { logitsPlan, patchBatchNormWithoutScale } from '../backends/tfjs/train/index.js';
import { trainingForward } from '../backends/tfjs/train/fused.js';
import { clipGradients, trainingLoss } from '../backends/tfjs/train/loss.js';
import { learningRateAt, resolveRecipe } from '../compiler/ir/recipe.js';
import { toNchw } from './helpers/arrays.js';
import { graphOf, randomInput, randomizedWeights } from './helpers/graphs.js';
import { runPython, testWith, venvPython } from './helpers/python.js';

const pythonTest = testWith(venvPython, 'the Python environment (torch, safetensors)');

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'incc-pt-recipe-'));
  tf.enableProdMode();
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** train.py of a compiled folder, imported as a module (its main() does not run). */
function pythonWith(folder: string, body: string[]): string {
  return ['import json, sys, torch', `sys.path.insert(0, ${JSON.stringify(folder)})`, 'import train', ...body].join(
    '\n',
  );
}

describe("train.py's TF-style RMSProp", () => {
  pythonTest('two steps equal a hand computation of TF1 RMSPropOptimizer (epsilon inside the root)', () => {
    const g = graphOf('network T {\n  input 4x4x1\n  gap\n  out: dense 2 act=softmax\n}\n');
    const folder = join(dir, 'rms');
    mkdirSync(folder, { recursive: true });
    for (const [name, data] of pytorchFiles(g).files) writeFileSync(join(folder, name), data);
    const lr = 0.1;
    const decay = 0.9;
    const momentum = 0.9;
    const eps = 1.0;
    const w0 = [1.0, -2.0];
    const grads = [
      [0.5, 0.1],
      [-0.3, 0.2],
    ];
    // By hand, in float64: ms starts at 1 (TF1), mom at 0.
    //   ms  <- decay * ms + (1 - decay) * g^2
    //   mom <- momentum * mom + lr * g / sqrt(ms + eps)
    //   w   <- w - mom
    const expected: number[][] = [];
    let ms = [1, 1];
    let mom = [0, 0];
    let w = [...w0];
    for (const g2 of grads) {
      ms = ms.map((m, i) => decay * m + (1 - decay) * g2[i]! ** 2);
      mom = mom.map((m, i) => momentum * m + (lr * g2[i]!) / Math.sqrt(ms[i]! + eps));
      w = w.map((x, i) => x - mom[i]!);
      expected.push([...w]);
    }
    // Step 1 for the first weight, written out: ms = 0.9 + 0.1 * 0.25 = 0.925; mom = 0.1 * 0.5 / sqrt(1.925).
    expect(expected[0]![0]).toBeCloseTo(1 - 0.05 / Math.sqrt(1.925), 15);
    const r = runPython(venvPython!, [
      '-c',
      pythonWith(folder, [
        `p = torch.nn.Parameter(torch.tensor(${JSON.stringify(w0)}, dtype=torch.float64))`,
        `opt = train.TFRMSprop([p], ${lr}, ${decay}, ${momentum}, ${eps}, 1.0)`,
        `q = torch.nn.Parameter(torch.tensor(${JSON.stringify(w0)}, dtype=torch.float64))`,
        `ref = torch.optim.RMSprop([q], lr=${lr}, alpha=${decay}, eps=${eps}, momentum=${momentum})`,
        'out = []',
        `for g in ${JSON.stringify(grads)}:`,
        '    p.grad = torch.tensor(g, dtype=torch.float64)',
        '    q.grad = torch.tensor(g, dtype=torch.float64)',
        '    opt.step()',
        '    ref.step()',
        '    out.append([p.tolist(), q.tolist()])',
        'print(json.dumps(out))',
      ]),
    ]);
    const steps = JSON.parse(r.stdout) as [number[], number[]][];
    steps.forEach(([ours], k) => ours.forEach((v, i) => expect(Math.abs(v - expected[k]![i]!)).toBeLessThan(1e-12)));
    // torch.optim.RMSprop (epsilon outside the root, mean square from 0) is another optimizer.
    expect(Math.abs(steps[0]![1]![0]! - expected[0]![0]!)).toBeGreaterThan(1e-3);
  });
});

describe("train.py's recipe against the tfjs trainer's, same weights and batch", () => {
  const MINI = readFileSync('examples/train/mini.incp', 'utf8');

  pythonTest('loss (smoothing, aux 0.4) to 1e-5, the schedule, and global-norm clipping', () => {
    const g = graphOf(MINI);
    const recipe = resolveRecipe(g);
    const weights = randomizedWeights(g, 21);
    const folder = join(dir, 'mini');
    mkdirSync(folder, { recursive: true });
    for (const [name, data] of pytorchFiles(g, { weights }).files) writeFileSync(join(folder, name), data);
    const [h, w, c] = g.nodes[g.input]!.shape as [number, number, number];
    const n = 8;
    const x = randomInput(n * h * w * c, 9);
    const labels = Array.from({ length: n }, (_, i) => (i * 3) % 4);
    writeFileSync(join(folder, 'x.bin'), Buffer.from(toNchw(x, n, h, w, c).buffer));

    // tfjs: the trainer's model (logits), its weights, training mode, its loss.
    const plan = logitsPlan(planLayers(g));
    const model = modelOfPlan(plan);
    setWeightValues(model, g, plan, weights);
    const constants = patchBatchNormWithoutScale(model);
    const tfLoss = tf.tidy(() => {
      const outs = trainingForward(model, plan)(tf.tensor(x, [n, h, w, c])) as tf.Tensor2D[];
      return trainingLoss(
        tf.tensor1d(labels, 'int32'),
        outs[0]!,
        outs.slice(1),
        recipe.labelSmoothing,
        recipe.auxWeights,
      ).total.dataSync()[0]!;
    });
    tf.dispose(constants);
    // The clipping of the tfjs trainer on fixed gradients whose global norm is above 2.
    const gradValues = [new Float32Array([1.5, -2.0, 0.5]), new Float32Array([3.0, 0.25])];
    const clipped = tf.tidy(() => {
      const r = clipGradients({ a: tf.tensor(gradValues[0]!), b: tf.tensor(gradValues[1]!) }, recipe.clip);
      return { norm: r.norm.dataSync()[0]!, a: [...r.grads['a']!.dataSync()], b: [...r.grads['b']!.dataSync()] };
    });
    const stepsPerEpoch = 7;
    const schedule = [0, 6, 13, 14, 27, 28, 100].map((s) => learningRateAt(recipe, s, stepsPerEpoch));

    const r = runPython(venvPython!, [
      '-c',
      pythonWith(folder, [
        'import numpy as np',
        'from safetensors.torch import load_file',
        'from model import Model',
        'm = Model()',
        `m.load_state_dict(load_file(${JSON.stringify(join(folder, 'weights.safetensors'))}), strict=True)`,
        'm.train()',
        `x = torch.from_numpy(np.fromfile(${JSON.stringify(join(folder, 'x.bin'))}, ` +
          `dtype="<f4").reshape(${n}, ${c}, ${h}, ${w}))`,
        `labels = torch.tensor(${JSON.stringify(labels)})`,
        'total, main, aux = train.training_loss(m(x, logits=True), labels, train.RECIPE, m)',
        'ps = [torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(2))]',
        `ps[0].grad = torch.tensor(${JSON.stringify([...gradValues[0]!])})`,
        `ps[1].grad = torch.tensor(${JSON.stringify([...gradValues[1]!])})`,
        'norm = train.clip_by_global_norm(ps, train.RECIPE["clip"])',
        'lr0 = train.RECIPE["optimizer"]["lr"]',
        `lrs = [lr0 * train.lr_factor(train.RECIPE, s, ${stepsPerEpoch}) for s in [0, 6, 13, 14, 27, 28, 100]]`,
        'print(json.dumps({"loss": total.item(), "norm": norm.item(), "a": ps[0].grad.tolist(), "b": ' +
          'ps[1].grad.tolist(), "lrs": lrs}))',
      ]),
    ]);
    const py = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      loss: number;
      norm: number;
      a: number[];
      b: number[];
      lrs: number[];
    };
    process.stdout.write(`loss: tfjs ${tfLoss}, PyTorch ${py.loss}\n`);
    expect(recipe.auxWeights).toEqual([0.4]);
    expect(recipe.labelSmoothing).toBe(0.1);
    expect(Math.abs(py.loss - tfLoss)).toBeLessThan(1e-5);
    expect(Math.abs(py.norm - clipped.norm)).toBeLessThan(1e-5);
    [...py.a, ...py.b].forEach((v, i) => expect(Math.abs(v - [...clipped.a, ...clipped.b][i]!)).toBeLessThan(1e-6));
    py.lrs.forEach((v, i) => expect(Math.abs(v - schedule[i]!)).toBeLessThan(1e-12));
    // The schedule by hand: 0.045 for epochs 0-1, x0.94 from epoch 2 (step 14 at 7 steps an epoch).
    expect(schedule.slice(0, 4)).toEqual([0.045, 0.045, 0.045, 0.045 * 0.94]);
  });
});
