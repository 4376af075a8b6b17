/**
 * The training recipe: the one schema of a network's `train { ... }` settings (spec/language.md, "Training").
 * Its keys, each optimizer's, schedule's and clip's arguments with their aliases, the ranges of the values
 * and the paper's defaults (shared/paper/FACTS.md, sections 7 and 8) are stated here and nowhere else:
 * `incc check` rejects a section this schema rejects (elaboration calls resolveRecipe), the
 * `training-recipe` lint rule reads the resolved recipe, and every trainer (tfjs, PyTorch) trains with it.
 * Pure data; loads no backend.
 *
 * Defaults and the decisions behind them (README, "Training"):
 * - optimizer: RMSProp, lr 0.045, decay 0.9, epsilon 1.0. Epsilon is inside the square root, as TF1's
 *   was (the paper trained with TF1), so epsilon 1.0 means what it meant there. Momentum 0.9: the paper
 *   does not say; TF-slim's training script (the reference implementation) uses 0.9. The mean-square
 *   accumulator starts at 1, as TF1's RMSPropOptimizer's did.
 * - schedule: exponential, x0.94 every 2 epochs, staircase (TF-slim's exponential_decay with staircase=True).
 * - label smoothing 0.1 with u(k) = 1/K: q' = (1 - eps) * onehot + eps / K.
 * - gradient clipping at 2.0 by the GLOBAL norm of all gradients (tf.clip_by_global_norm, what TF-slim's
 *   `clip_gradient_norm` flags and the paper's TF1 setup used); a bare number is a global norm,
 *   `clip_norm(x)` clips each tensor (Keras clipnorm), `none` or `false` turns it off.
 * - aux loss weight: each aux head's own `weight` (0.4 unless written); `aux_weight` overrides every head.
 * - batch size 32; epochs 100 (the paper's; the command line usually says fewer).
 *
 * Aliases (Keras and PyTorch spellings) name the same argument: `learning_rate` for `lr`, `rho` for
 * `decay`, `eps` for `epsilon`, `beta_1` / `beta_2` for `beta1` / `beta2`, `decay_rate` for `rate`,
 * `every_epochs` for `every`, `threshold` / `max_norm` for a clip's `value`. Positional arguments bind in
 * the order of RECIPE_SCHEMA (`rmsprop(0.045, 0.9)` is lr, decay).
 */
import { diagnostic, DiagnosticError, didYouMean } from '../diagnostics/diagnostics.js';
import type { IRGraph, TrainingSetting } from './ir.js';

export type OptimizerConfig =
  | { name: 'rmsprop'; lr: number; decay: number; momentum: number; epsilon: number; initialMeanSquare: number }
  | { name: 'momentum'; lr: number; momentum: number; nesterov: boolean }
  | { name: 'sgd'; lr: number }
  | { name: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number };

export type ScheduleConfig =
  { name: 'constant' } | { name: 'exponential'; rate: number; every: number; staircase: boolean };

export type ClipConfig = { mode: 'global_norm' | 'clip_norm'; value: number } | { mode: 'none' };

export type RecipeSource = 'default' | 'network' | 'command line';

export interface Recipe {
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  clip: ClipConfig;
  labelSmoothing: number;
  batchSize: number;
  epochs: number;
  validationSplit: number;
  seed: number;
  /** One per graph.aux, in order. */
  auxWeights: number[];
  /** L2 on conv and dense kernels: loss += weight_decay / 2 * sum(w^2) (TF-slim's l2_regularizer). 0: off. */
  weightDecay: number;
  /** Exponential moving average of the weights, used for validation and the exported model; null: off. */
  ema: { decay: number } | null;
  /** Where each setting (by its key, `batch_size`) came from, for the run's header and the lint rule. */
  source: Record<string, RecipeSource>;
  /** The call arguments the network wrote, by canonical name: `optimizer.lr`, `schedule.every`, `clip.value`. */
  written: string[];
}

/** The paper's recipe (sections 7 and 8), before the network's settings. */
export const PAPER_DEFAULTS: Omit<Recipe, 'auxWeights' | 'source' | 'written'> = {
  optimizer: { name: 'rmsprop', lr: 0.045, decay: 0.9, momentum: 0.9, epsilon: 1.0, initialMeanSquare: 1 },
  schedule: { name: 'exponential', rate: 0.94, every: 2, staircase: true },
  clip: { mode: 'global_norm', value: 2.0 },
  labelSmoothing: 0.1,
  batchSize: 32,
  epochs: 100,
  validationSplit: 0.2,
  seed: 1,
  weightDecay: 0,
  ema: null,
};

/** A call's arguments: canonical name -> its aliases, in positional order. */
type Arguments = Readonly<Record<string, readonly string[]>>;

/** Every call a setting takes, by setting; the keys of `train { ... }`, in the order the spec lists them. */
export const RECIPE_SCHEMA = {
  optimizer: {
    rmsprop: { lr: ['learning_rate'], decay: ['rho'], momentum: [], epsilon: ['eps'] },
    momentum: { lr: ['learning_rate'], momentum: [], nesterov: [] },
    sgd: { lr: ['learning_rate'] },
    adam: { lr: ['learning_rate'], beta1: ['beta_1'], beta2: ['beta_2'], epsilon: ['eps'] },
  },
  schedule: {
    constant: {},
    exponential: { rate: ['decay_rate'], every: ['every_epochs'], staircase: [] },
  },
  clip: {
    global_norm: { value: ['threshold', 'max_norm'] },
    clip_norm: { value: ['threshold', 'max_norm'] },
    none: {},
  },
} as const satisfies Record<string, Record<string, Arguments>>;

/** The keys a train section may set (another is `unknown-setting`). */
export const trainingKeys: readonly string[] = [
  'optimizer',
  'schedule',
  'label_smoothing',
  'clip',
  'batch_size',
  'epochs',
  'aux_weight',
  'validation_split',
  'seed',
  'ema',
  'weight_decay',
];

/** Overrides from the command line (already parsed). */
export interface RecipeOverrides {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  lr?: number;
}

interface Call {
  name: string;
  args: unknown[];
  [key: string]: unknown;
}

function isCall(v: unknown): v is Call {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return typeof (v as Call).name === 'string' && Array.isArray((v as Call).args);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `\`${v}\``;
  if (isCall(v)) return `\`${v.name}(...)\``;
  return JSON.stringify(v) ?? String(v);
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** didYouMean gives '; did you mean `x`?' or ''. */
function hintText(h: string | undefined): string {
  return h ? ` (${h.replace(/^;\s*/, '')})` : '';
}

/** Checks the values of one setting; every failure is a diagnostic at the setting. */
class Checker {
  constructor(
    readonly setting: TrainingSetting,
    private readonly written: string[],
  ) {}

  fail(what: string, expected: string, actual: unknown): never {
    throw new DiagnosticError(
      diagnostic('setting-type-mismatch', this.setting.span, { setting: what, expected, actual: describe(actual) }),
    );
  }

  range(what: string, range: string, value: unknown): never {
    throw new DiagnosticError(
      diagnostic('value-out-of-range', this.setting.span, { what, range, value: describe(value) }),
    );
  }

  number(what: string, v: unknown, range: NumberRange): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(what, 'a number', v);
    if (!range.test(v)) this.range(what, range.text, v);
    return v;
  }

  integer(what: string, v: unknown, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(what, 'an integer', v);
    if (v < min) this.range(what, `>= ${min}`, v);
    return v;
  }

  boolean(what: string, v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail(what, 'true or false', v);
    return v;
  }

  /** A call or a bare word of `calls`: its name and its arguments by canonical name (aliases resolved). */
  call<K extends string>(
    what: string,
    v: unknown,
    calls: Record<K, Arguments>,
  ): { name: K; named: Record<string, unknown> } {
    const names = Object.keys(calls) as K[];
    let c: Call;
    if (typeof v === 'string') c = { name: v, args: [] };
    else if (isCall(v)) c = v;
    else this.fail(what, `one of ${list(names)}`, v);
    if (!names.includes(c.name as K)) {
      const range = `one of ${list(names)}${hintText(didYouMean(c.name, names))}`;
      throw new DiagnosticError(
        diagnostic('value-out-of-range', this.setting.span, { what, range, value: `\`${c.name}\`` }),
      );
    }
    const name = c.name as K;
    const params: Arguments = calls[name];
    const canonical = Object.keys(params);
    const callee = `${what} ${name}`;
    const named: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(c)) {
      if (k === 'name' || k === 'args') continue;
      const p = canonical.find((q) => q === k || params[q]!.includes(k));
      if (p === undefined) {
        const spellings = canonical.flatMap((q) => [q, ...params[q]!]);
        throw new DiagnosticError(
          diagnostic('unknown-parameter', this.setting.span, { callee, name: k, hint: didYouMean(k, spellings) }),
        );
      }
      if (p in named) throw new DiagnosticError(diagnostic('duplicate-argument', this.setting.span, { name: p }));
      named[p] = x;
    }
    if (c.args.length > canonical.length) {
      const count = c.args.length;
      throw new DiagnosticError(
        diagnostic('too-many-arguments', this.setting.span, { callee, max: canonical.length, count }),
      );
    }
    c.args.forEach((x, i) => {
      const p = canonical[i]!;
      if (p in named) throw new DiagnosticError(diagnostic('duplicate-argument', this.setting.span, { name: p }));
      named[p] = x;
    });
    for (const p of Object.keys(named)) this.written.push(`${this.setting.key}.${p}`);
    return { name, named };
  }
}

/** The range a recipe number must lie in: its test and how a diagnostic states it. */
interface NumberRange {
  test: (x: number) => boolean;
  text: string;
}

const POSITIVE: NumberRange = { test: (x) => x > 0, text: '> 0' };
const NON_NEGATIVE: NumberRange = { test: (x) => x >= 0, text: '>= 0' };
/** A fraction, a decay or a momentum: [0, 1). */
const UNIT_INTERVAL: NumberRange = { test: (x) => x >= 0 && x < 1, text: '>= 0 and < 1' };
/** A decay rate: (0, 1]. */
const DECAY_RATE: NumberRange = { test: (x) => x > 0 && x <= 1, text: '> 0 and <= 1' };
/** `range` stated with a note after it (`> 0 (epochs)`). */
const noted = (range: NumberRange, note: string): NumberRange => ({ test: range.test, text: `${range.text} ${note}` });

/** The settings that are one number, by the recipe field they set, with their range. */
const NUMBER_SETTINGS = new Map<string, [field: 'labelSmoothing' | 'validationSplit' | 'weightDecay', NumberRange]>([
  ['label_smoothing', ['labelSmoothing', UNIT_INTERVAL]],
  ['validation_split', ['validationSplit', UNIT_INTERVAL]],
  ['weight_decay', ['weightDecay', NON_NEGATIVE]],
]);

/** The settings that are one integer, by the recipe field they set, with their least value. */
const INTEGER_SETTINGS = new Map<string, [field: 'batchSize' | 'epochs' | 'seed', min: number]>([
  ['batch_size', ['batchSize', 1]],
  ['epochs', ['epochs', 1]],
  ['seed', ['seed', 0]],
]);

function optimizerOf(ck: Checker, v: unknown): OptimizerConfig {
  const { name, named } = ck.call('the optimizer', v, RECIPE_SCHEMA.optimizer);
  const num = (key: string, fallback: number, range: NumberRange): number =>
    key in named ? ck.number(`${name} ${key}`, named[key], range) : fallback;
  const d = PAPER_DEFAULTS.optimizer as Extract<OptimizerConfig, { name: 'rmsprop' }>;
  switch (name) {
    case 'rmsprop':
      return {
        name,
        lr: num('lr', d.lr, POSITIVE),
        decay: num('decay', d.decay, UNIT_INTERVAL),
        momentum: num('momentum', d.momentum, UNIT_INTERVAL),
        epsilon: num('epsilon', d.epsilon, POSITIVE),
        initialMeanSquare: d.initialMeanSquare,
      };
    case 'momentum': {
      const nesterov = 'nesterov' in named ? ck.boolean('momentum nesterov', named['nesterov']) : false;
      return {
        name,
        lr: num('lr', d.lr, POSITIVE),
        momentum: num('momentum', 0.9, UNIT_INTERVAL),
        nesterov,
      };
    }
    case 'sgd':
      return { name, lr: num('lr', d.lr, POSITIVE) };
    case 'adam':
      return {
        name,
        lr: num('lr', 0.001, POSITIVE),
        beta1: num('beta1', 0.9, UNIT_INTERVAL),
        beta2: num('beta2', 0.999, UNIT_INTERVAL),
        epsilon: num('epsilon', 1e-7, POSITIVE),
      };
  }
}

function scheduleOf(ck: Checker, v: unknown): ScheduleConfig {
  const { name, named } = ck.call('the schedule', v, RECIPE_SCHEMA.schedule);
  if (name === 'constant') return { name };
  const d = PAPER_DEFAULTS.schedule as Extract<ScheduleConfig, { name: 'exponential' }>;
  return {
    name,
    rate: 'rate' in named ? ck.number('exponential rate', named['rate'], DECAY_RATE) : d.rate,
    every: 'every' in named ? ck.number('exponential every', named['every'], noted(POSITIVE, '(epochs)')) : d.every,
    staircase: 'staircase' in named ? ck.boolean('exponential staircase', named['staircase']) : d.staircase,
  };
}

function clipOf(ck: Checker, v: unknown, written: string[]): ClipConfig {
  if (v === false) return { mode: 'none' };
  if (typeof v === 'number') {
    written.push('clip.value');
    return { mode: 'global_norm', value: ck.number('clip', v, noted(POSITIVE, '(or none)')) };
  }
  const { name, named } = ck.call('clip', v, RECIPE_SCHEMA.clip);
  if (name === 'none') return { mode: 'none' };
  if (!('value' in named))
    throw new DiagnosticError(
      diagnostic('missing-argument', ck.setting.span, { callee: `clip ${name}`, name: 'value' }),
    );
  return { mode: name, value: ck.number(`clip ${name}`, named['value'], POSITIVE) };
}

function emaOf(ck: Checker, v: unknown): Recipe['ema'] {
  if (v === false) return null;
  if (v === true) return { decay: 0.9999 };
  return { decay: ck.number('ema', v, noted(UNIT_INTERVAL, '(a decay), or true / false')) };
}

/**
 * The recipe of `graph`: its train settings over the paper's defaults, then the command line's overrides.
 * Throws DiagnosticError at the first setting the schema rejects.
 */
export function resolveRecipe(graph: Pick<IRGraph, 'training' | 'aux'>, overrides: RecipeOverrides = {}): Recipe {
  const written: string[] = [];
  const r: Recipe = {
    ...structuredClone(PAPER_DEFAULTS),
    auxWeights: graph.aux.map((a) => a.weight),
    source: {},
    written,
  };
  for (const key of trainingKeys) r.source[key] = 'default';
  for (const s of graph.training) {
    const ck = new Checker(s, written);
    const v = s.value;
    const numberSetting = NUMBER_SETTINGS.get(s.key);
    const integerSetting = INTEGER_SETTINGS.get(s.key);
    if (numberSetting) r[numberSetting[0]] = ck.number(s.key, v, numberSetting[1]);
    else if (integerSetting) r[integerSetting[0]] = ck.integer(s.key, v, integerSetting[1]);
    else
      switch (s.key) {
        case 'optimizer':
          r.optimizer = optimizerOf(ck, v);
          break;
        case 'schedule':
          r.schedule = scheduleOf(ck, v);
          break;
        case 'clip':
          r.clip = clipOf(ck, v, written);
          break;
        case 'aux_weight': {
          const w = ck.number('aux_weight', v, NON_NEGATIVE);
          r.auxWeights = r.auxWeights.map(() => w);
          break;
        }
        case 'ema':
          r.ema = emaOf(ck, v);
          break;
        default:
          throw new DiagnosticError(
            diagnostic('unknown-setting', s.span, { name: s.key, hint: didYouMean(s.key, trainingKeys) }),
          );
      }
    r.source[s.key] = 'network';
  }
  const set = (key: string, apply: () => void) => {
    apply();
    r.source[key] = 'command line';
  };
  if (overrides.epochs !== undefined) set('epochs', () => (r.epochs = overrides.epochs!));
  if (overrides.batchSize !== undefined) set('batch_size', () => (r.batchSize = overrides.batchSize!));
  if (overrides.seed !== undefined) set('seed', () => (r.seed = overrides.seed!));
  if (overrides.lr !== undefined) set('optimizer', () => (r.optimizer.lr = overrides.lr!));
  return r;
}

/**
 * The learning rate at a global step (0-based): lr0 * rate^(epochs / every), epochs = step / stepsPerEpoch,
 * floored first when the schedule is a staircase. Set on the optimizer before every step.
 */
export function learningRateAt(
  recipe: Pick<Recipe, 'optimizer' | 'schedule'>,
  step: number,
  stepsPerEpoch: number,
): number {
  const lr0 = recipe.optimizer.lr;
  const s = recipe.schedule;
  if (s.name === 'constant') return lr0;
  const period = s.every * stepsPerEpoch;
  const p = step / period;
  return lr0 * Math.pow(s.rate, s.staircase ? Math.floor(p + 1e-9) : p);
}

function optimizerText(o: OptimizerConfig): string {
  switch (o.name) {
    case 'rmsprop':
      return `rmsprop(lr=${o.lr}, decay=${o.decay}, momentum=${o.momentum}, epsilon=${o.epsilon})`;
    case 'momentum':
      return `momentum(lr=${o.lr}, momentum=${o.momentum}${o.nesterov ? ', nesterov' : ''})`;
    case 'sgd':
      return `sgd(lr=${o.lr})`;
    case 'adam':
      return `adam(lr=${o.lr}, beta1=${o.beta1}, beta2=${o.beta2}, epsilon=${o.epsilon})`;
  }
}

/** One line per setting, for a training run's header. */
export function describeRecipe(r: Recipe): string[] {
  const s = r.schedule;
  const sched =
    s.name === 'constant'
      ? 'constant'
      : `exponential(rate=${s.rate}, every=${s.every} epochs${s.staircase ? '' : ', smooth'})`;
  const clip = r.clip.mode === 'none' ? 'none' : `${r.clip.mode}(${r.clip.value})`;
  const paper = ['optimizer', 'schedule', 'clip', 'label_smoothing', 'batch_size', 'epochs'];
  const tag = (k: string): string => {
    if (r.source[k] === 'command line') return ' (command line)';
    if (r.source[k] === 'default') return paper.includes(k) ? ' (paper default)' : ' (default)';
    return '';
  };
  return [
    `optimizer ${optimizerText(r.optimizer)}${tag('optimizer')}`,
    `schedule ${sched}${tag('schedule')}`,
    `clip ${clip}${tag('clip')}`,
    `label_smoothing ${r.labelSmoothing}${tag('label_smoothing')}`,
    `batch_size ${r.batchSize}${tag('batch_size')}, epochs ${r.epochs}${tag('epochs')}, ` +
      `validation_split ${r.validationSplit}${tag('validation_split')}, seed ${r.seed}${tag('seed')}`,
    ...(r.auxWeights.length > 0 ? [`aux loss weight ${r.auxWeights.join(', ')}`] : []),
    ...(r.weightDecay > 0 ? [`weight_decay ${r.weightDecay}`] : []),
    ...(r.ema ? [`ema ${r.ema.decay}`] : []),
  ];
}
