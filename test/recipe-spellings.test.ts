/**
 * One table of training-recipe spellings (aliases included), accepted or rejected identically by the three
 * readers of the one schema (compiler/ir/recipe.ts):
 * - `check` (checkFiles, what `incc check` runs),
 * - `lint` (lintFile with the training-recipe rule on, what `incc lint` runs: the rule reads the section),
 * - `train` (what `incc train` runs: the network built, then trained for real, one step of the tfjs
 *   trainer on the cpu backend over synthetic images).
 * The network is a tiny one (an 8x8 input, a concat, an aux head) with the row's train section.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkFiles } from '../compiler/program/check.js';
import { lintFile } from '../compiler/lint/engine/lint-file.js';
import { lintRules } from '../compiler/lint/engine/registry.js';
import { buildNetwork } from '../compiler/program/pipeline.js';
import { type FileHost } from '../compiler/program/program.js';
import { loadProgram, nodeFileHost } from '../compiler/program/node-host.js';
import { DiagnosticError } from '../compiler/diagnostics/diagnostics.js';
import { train } from '../backends/tfjs/train/index.js';

tf.enableProdMode();

/** A tiny network with an aux head (so aux_weight has a head to weigh), 8x8 images, 2 classes. */
const tiny = (section: string) =>
  'defaults conv(bias=false, bn=true, bn_scale=false, act=relu)\n' +
  'network Tiny {\n  input 8x8x3\n  conv 3x3/2 4 valid\n' +
  '  mixed: concat { a: conv 1x1 4\n b: maxpool 3x3 }\n  gap\n  dense 2 softmax\n' +
  '  aux_logits: aux from mixed weight 0.4 { gap; dense 2 softmax }\n' +
  `  train {\n${section}  }\n}\n`;
const FILE = resolve('test-output/recipe/tiny.incp');

/** The tiny network with the train section `settings` (one per line), read through a host: nothing is written. */
function hostWith(settings: string[]): FileHost {
  const text = tiny(settings.map((s) => `    ${s}\n`).join(''));
  return { readFile: (p) => (p === FILE ? text : nodeFileHost.readFile(p)) };
}

/** 'ok', or the code of the first error. */
type Verdict = string;

function checkVerdict(host: FileHost): Verdict {
  const errors = checkFiles([FILE], host).diagnostics.filter((d) => d.severity === 'error');
  return errors.length === 0 ? 'ok' : errors[0]!.code;
}

function lintVerdict(host: FileHost): Verdict {
  const rules = Object.fromEntries(lintRules.map((r) => [r.id, r.id === 'training-recipe' ? 'info' : 'off']));
  const result = lintFile(FILE, { host, config: { rules } as never });
  return result.failures.length === 0 ? 'ok' : result.failures[0]!.code;
}

const sink = { write: () => true } as unknown as NodeJS.WritableStream;

async function trainVerdict(host: FileHost): Promise<Verdict> {
  const program = loadProgram(FILE, host);
  const built = buildNetwork(program);
  if (!built.graph) return built.diagnostics.find((d) => d.severity === 'error')!.code;
  try {
    const r = await train({
      graph: built.graph,
      data: 'synthetic:8',
      overrides: { epochs: 1, batchSize: 4 },
      stepsPerEpoch: 1,
      backend: 'cpu',
      stream: sink,
    });
    const finite = r.epochs.every((e) => Number.isFinite(e.loss));
    r.model.dispose();
    return r.globalStep === 1 && finite ? 'ok' : `trained ${r.globalStep} steps, loss ${r.epochs[0]?.loss}`;
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostic.code;
    throw e;
  }
}

const paper = [
  'optimizer = rmsprop(lr = 0.045, decay = 0.9, epsilon = 1.0)',
  'schedule = exponential(rate = 0.94, every = 2)',
  'clip = global_norm(2.0)',
  'label_smoothing = 0.1',
  'batch_size = 32',
];

const table: [string, string[], Verdict][] = [
  ["the paper's recipe (std/table3's spelling)", paper, 'ok'],
  ['Keras names: learning_rate, rho, eps', ['optimizer = rmsprop(learning_rate = 0.045, rho = 0.9, eps = 1.0)'], 'ok'],
  ['positional arguments in schema order', ['optimizer = rmsprop(0.045, 0.9, 0.9, 1.0)'], 'ok'],
  ['a bare optimizer name', ['optimizer = rmsprop'], 'ok'],
  ['momentum with nesterov', ['optimizer = momentum(lr = 0.045, momentum = 0.9, nesterov = true)'], 'ok'],
  ['sgd with learning_rate', ['optimizer = sgd(learning_rate = 0.1)'], 'ok'],
  [
    'adam with Keras names',
    ['optimizer = adam(learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999, eps = 1e-7)'],
    'ok',
  ],
  ['schedule aliases: decay_rate, every_epochs', ['schedule = exponential(decay_rate = 0.94, every_epochs = 2)'], 'ok'],
  ['a smooth exponential schedule', ['schedule = exponential(rate = 0.94, every = 2, staircase = false)'], 'ok'],
  ['a constant schedule', ['schedule = constant'], 'ok'],
  ['a bare clip threshold', ['clip = 2.0'], 'ok'],
  ['clip_norm with max_norm', ['clip = clip_norm(max_norm = 1.0)'], 'ok'],
  ['global_norm with threshold', ['clip = global_norm(threshold = 2.0)'], 'ok'],
  ['clip = none', ['clip = none'], 'ok'],
  ['clip = false', ['clip = false'], 'ok'],
  [
    'the other keys',
    [
      'label_smoothing = 0',
      'ema = 0.99',
      'weight_decay = 4e-5',
      'aux_weight = 0.3',
      'validation_split = 0.25',
      'seed = 7',
      'epochs = 3',
    ],
    'ok',
  ],
  ['ema = true', ['ema = true'], 'ok'],
  ['lr twice, under two names', ['optimizer = rmsprop(lr = 0.045, learning_rate = 0.045)'], 'duplicate-argument'],
  ['decay twice, under two names', ['optimizer = rmsprop(rho = 0.9, decay = 0.9)'], 'duplicate-argument'],
  ['every twice, under two names', ['schedule = exponential(every = 2, every_epochs = 2)'], 'duplicate-argument'],
  ['a positional argument also given by name', ['optimizer = rmsprop(0.045, lr = 0.045)'], 'duplicate-argument'],
  ['a misspelled argument', ['optimizer = rmsprop(decy = 0.9)'], 'unknown-parameter'],
  ["another optimizer's alias", ['optimizer = adam(rho = 0.9)'], 'unknown-parameter'],
  ['a misspelled optimizer', ['optimizer = rmsprob(lr = 0.045)'], 'value-out-of-range'],
  ['too many positional arguments', ['optimizer = rmsprop(0.045, 0.9, 0.9, 1.0, 5)'], 'too-many-arguments'],
  ['a negative learning rate', ['optimizer = rmsprop(lr = -1)'], 'value-out-of-range'],
  ['a number as the optimizer', ['optimizer = 12'], 'setting-type-mismatch'],
  ['a step schedule (not in the schema)', ['schedule = step(rate = 0.1, every = 30)'], 'value-out-of-range'],
  ['a staircase that is not a boolean', ['schedule = exponential(staircase = 1)'], 'setting-type-mismatch'],
  ['a clip without a threshold', ['clip = global_norm()'], 'missing-argument'],
  ['an unknown clip', ['clip = by_value'], 'value-out-of-range'],
  ['a zero clip (off is none)', ['clip = 0'], 'value-out-of-range'],
  ['label_smoothing = false', ['label_smoothing = false'], 'setting-type-mismatch'],
  ['label_smoothing = 1.5', ['label_smoothing = 1.5'], 'value-out-of-range'],
  ['a fractional batch size', ['batch_size = 0.5'], 'setting-type-mismatch'],
  ['a Keras key for the learning rate', ['learning_rate = 0.045'], 'unknown-setting'],
];

describe('one recipe schema: check, lint and train agree on every spelling', () => {
  test.each(table)('%s', async (_name, settings, expected) => {
    const host = hostWith(settings);
    const verdicts = { check: checkVerdict(host), lint: lintVerdict(host), train: await trainVerdict(host) };
    expect(verdicts).toEqual({ check: expected, lint: expected, train: expected });
  });
});
