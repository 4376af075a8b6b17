/**
 * The training recipe: the network's `train { ... }` settings (graph.training) resolved against the paper's
 * defaults (shared/paper/FACTS.md, sections 7 and 8) and checked. Pure data; loads no tfjs.
 *
 * Defaults and the decisions behind them (README, "Training"):
 * - optimizer: RMSProp, lr 0.045, decay 0.9, epsilon 1.0. tfjs's rmsprop puts epsilon inside the square root,
 *   as TF1's did (the paper trained with TF1), so epsilon 1.0 means what it meant there. Momentum 0.9: the
 *   paper does not say; TF-slim's training script (the reference implementation) uses 0.9. The mean-square
 *   accumulator starts at 1, as TF1's RMSPropOptimizer's did (tfjs's starts at 0).
 * - schedule: exponential, x0.94 every 2 epochs, staircase (TF-slim's exponential_decay with staircase=True).
 * - label smoothing 0.1 with u(k) = 1/K: q' = (1 - eps) * onehot + eps / K.
 * - gradient clipping at 2.0 by the GLOBAL norm of all gradients (tf.clip_by_global_norm, what TF-slim's
 *   `clip_gradient_norm` flags and the paper's TF1 setup used); `clip_norm(x)` clips each tensor (Keras
 *   clipnorm), `none` turns it off.
 * - aux loss weight: each aux head's own `weight` (0.4 unless written); `aux_weight` in the train section
 *   overrides every head.
 * - batch size 32; epochs 100 (the paper's; the command line usually says fewer).
 */
import { diagnostic, DiagnosticError, didYouMean } from '../../../compiler/diagnostics/diagnostics.js';
import type { IRGraph, TrainingSetting } from '../../../compiler/ir/ir.js';

export type OptimizerConfig =
  | { name: 'rmsprop'; lr: number; decay: number; momentum: number; epsilon: number; initialMeanSquare: number }
  | { name: 'momentum'; lr: number; momentum: number; nesterov: boolean }
  | { name: 'sgd'; lr: number }
  | { name: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number };

export type ScheduleConfig = { name: 'constant' } | { name: 'exponential'; rate: number; every: number; staircase: boolean };

export type ClipConfig = { mode: 'global_norm' | 'clip_norm'; value: number } | { mode: 'none' };

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
  /** Where each setting came from, for the run's header. */
  source: Record<string, 'default' | 'network' | 'command line'>;
}

/** The paper's recipe (sections 7 and 8), before the network's settings. */
export const PAPER_DEFAULTS: Omit<Recipe, 'auxWeights' | 'source'> = {
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
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Call).name === 'string' && Array.isArray((v as Call).args);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `\`${v}\``;
  if (isCall(v)) return `\`${v.name}(...)\``;
  return JSON.stringify(v) ?? String(v);
}

class Checker {
  constructor(readonly setting: TrainingSetting) {}

  fail(what: string, expected: string, actual: unknown): never {
    throw new DiagnosticError(diagnostic('type-mismatch', this.setting.span, { what, expected, actual: describe(actual) }));
  }

  range(what: string, range: string, value: unknown): never {
    throw new DiagnosticError(diagnostic('value-out-of-range', this.setting.span, { what, range, value: describe(value) }));
  }

  number(what: string, v: unknown, test: (x: number) => boolean, range: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(what, 'a number', v);
    if (!test(v)) this.range(what, range, v);
    return v;
  }

  integer(what: string, v: unknown, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(what, 'an integer', v);
    if (v < min) this.range(what, `>= ${min}`, v);
    return v;
  }

  /** A call or a bare word: `{name, positional, named}`; checks the argument names. */
  call(what: string, v: unknown, known: Record<string, readonly string[]>): { name: string; positional: unknown[]; named: Record<string, unknown> } {
    let c: Call;
    if (typeof v === 'string') c = { name: v, args: [] };
    else if (isCall(v)) c = v;
    else this.fail(what, `one of ${list(Object.keys(known))}`, v);
    const params = known[c.name];
    if (!params) {
      throw new DiagnosticError(
        diagnostic('value-out-of-range', this.setting.span, { what, range: `one of ${list(Object.keys(known))}${hintText(didYouMean(c.name, Object.keys(known)))}`, value: `\`${c.name}\`` }),
      );
    }
    const named: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(c)) {
      if (k === 'name' || k === 'args') continue;
      if (!params.includes(k)) {
        throw new DiagnosticError(diagnostic('unknown-parameter', this.setting.span, { callee: `${what} ${c.name}`, name: k, hint: didYouMean(k, params) }));
      }
      named[k] = x;
    }
    if (c.args.length > params.length) {
      throw new DiagnosticError(diagnostic('too-many-arguments', this.setting.span, { callee: `${what} ${c.name}`, max: params.length, count: c.args.length }));
    }
    c.args.forEach((x, i) => {
      const p = params[i]!;
      if (p in named) throw new DiagnosticError(diagnostic('duplicate-argument', this.setting.span, { name: p }));
      named[p] = x;
    });
    return { name: c.name, positional: c.args, named };
  }
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** didYouMean gives '; did you mean `x`?' or ''. */
function hintText(h: string | undefined): string {
  return h ? ` (${h.replace(/^;\s*/, '')})` : '';
}

const OPTIMIZERS = {
  rmsprop: ['lr', 'decay', 'momentum', 'epsilon'],
  momentum: ['lr', 'momentum', 'nesterov'],
  sgd: ['lr'],
  adam: ['lr', 'beta1', 'beta2', 'epsilon'],
} as const;

const SCHEDULES = {
  constant: [],
  exponential: ['rate', 'every', 'staircase', 'every_epochs'],
} as const;

const CLIPS = {
  global_norm: ['value'],
  clip_norm: ['value'],
  none: [],
} as const;

const positive = (x: number): boolean => x > 0;
const nonNegative = (x: number): boolean => x >= 0;
const unit = (x: number): boolean => x >= 0 && x < 1;

function optimizerOf(ck: Checker, v: unknown): OptimizerConfig {
  const { name, named } = ck.call('the optimizer', v, OPTIMIZERS as unknown as Record<string, readonly string[]>);
  const num = (key: string, fallback: number, test: (x: number) => boolean, range: string): number =>
    key in named ? ck.number(`${name} ${key}`, named[key], test, range) : fallback;
  const d = PAPER_DEFAULTS.optimizer as Extract<OptimizerConfig, { name: 'rmsprop' }>;
  switch (name) {
    case 'rmsprop':
      return {
        name,
        lr: num('lr', d.lr, positive, '> 0'),
        decay: num('decay', d.decay, unit, '>= 0 and < 1'),
        momentum: num('momentum', d.momentum, unit, '>= 0 and < 1'),
        epsilon: num('epsilon', d.epsilon, positive, '> 0'),
        initialMeanSquare: d.initialMeanSquare,
      };
    case 'momentum': {
      const nesterov = named['nesterov'] ?? false;
      if (typeof nesterov !== 'boolean') ck.fail('momentum nesterov', 'true or false', nesterov);
      return { name, lr: num('lr', d.lr, positive, '> 0'), momentum: num('momentum', 0.9, unit, '>= 0 and < 1'), nesterov };
    }
    case 'sgd':
      return { name, lr: num('lr', d.lr, positive, '> 0') };
    default:
      return {
        name: 'adam',
        lr: num('lr', 0.001, positive, '> 0'),
        beta1: num('beta1', 0.9, unit, '>= 0 and < 1'),
        beta2: num('beta2', 0.999, unit, '>= 0 and < 1'),
        epsilon: num('epsilon', 1e-7, positive, '> 0'),
      };
  }
}

function scheduleOf(ck: Checker, v: unknown): ScheduleConfig {
  const { name, named } = ck.call('the schedule', v, SCHEDULES as unknown as Record<string, readonly string[]>);
  if (name === 'constant') return { name };
  if ('every' in named && 'every_epochs' in named) throw new DiagnosticError(diagnostic('duplicate-argument', ck.setting.span, { name: 'every' }));
  const d = PAPER_DEFAULTS.schedule as Extract<ScheduleConfig, { name: 'exponential' }>;
  const every = named['every'] ?? named['every_epochs'];
  const staircase = named['staircase'] ?? true;
  if (typeof staircase !== 'boolean') ck.fail('exponential staircase', 'true or false', staircase);
  return {
    name: 'exponential',
    rate: 'rate' in named ? ck.number('exponential rate', named['rate'], (x) => x > 0 && x <= 1, '> 0 and <= 1') : d.rate,
    every: every === undefined ? d.every : ck.number('exponential every', every, positive, '> 0 (epochs)'),
    staircase,
  };
}

function clipOf(ck: Checker, v: unknown): ClipConfig {
  if (v === false) return { mode: 'none' };
  if (typeof v === 'number') return { mode: 'global_norm', value: ck.number('clip', v, positive, '> 0') };
  const { name, named } = ck.call('clip', v, CLIPS as unknown as Record<string, readonly string[]>);
  if (name === 'none') return { mode: 'none' };
  if (!('value' in named)) throw new DiagnosticError(diagnostic('missing-argument', ck.setting.span, { callee: `clip ${name}`, name: 'value' }));
  return { mode: name as 'global_norm' | 'clip_norm', value: ck.number(`clip ${name}`, named['value'], positive, '> 0') };
}

function emaOf(ck: Checker, v: unknown): Recipe['ema'] {
  if (v === false) return null;
  if (v === true) return { decay: 0.9999 };
  return { decay: ck.number('ema', v, unit, '>= 0 and < 1 (a decay), or true / false') };
}

/** The recipe of `graph`: its train settings over the paper's defaults, then the command line's. Throws DiagnosticError. */
export function resolveRecipe(graph: Pick<IRGraph, 'training' | 'aux'>, overrides: RecipeOverrides = {}): Recipe {
  const r: Recipe = { ...structuredClone(PAPER_DEFAULTS), auxWeights: graph.aux.map((a) => a.weight), source: {} };
  for (const key of ['optimizer', 'schedule', 'clip', 'label_smoothing', 'batch_size', 'epochs', 'validation_split', 'seed', 'aux_weight', 'weight_decay', 'ema']) r.source[key] = 'default';
  for (const s of graph.training) {
    const ck = new Checker(s);
    const v = s.value;
    switch (s.key) {
      case 'optimizer':
        r.optimizer = optimizerOf(ck, v);
        break;
      case 'schedule':
        r.schedule = scheduleOf(ck, v);
        break;
      case 'clip':
        r.clip = clipOf(ck, v);
        break;
      case 'label_smoothing':
        r.labelSmoothing = ck.number('label_smoothing', v, unit, '>= 0 and < 1');
        break;
      case 'batch_size':
        r.batchSize = ck.integer('batch_size', v, 1);
        break;
      case 'epochs':
        r.epochs = ck.integer('epochs', v, 1);
        break;
      case 'validation_split':
        r.validationSplit = ck.number('validation_split', v, unit, '>= 0 and < 1');
        break;
      case 'seed':
        r.seed = ck.integer('seed', v, 0);
        break;
      case 'aux_weight': {
        const w = ck.number('aux_weight', v, nonNegative, '>= 0');
        r.auxWeights = r.auxWeights.map(() => w);
        break;
      }
      case 'weight_decay':
        r.weightDecay = ck.number('weight_decay', v, nonNegative, '>= 0');
        break;
      case 'ema':
        r.ema = emaOf(ck, v);
        break;
      default:
        throw new DiagnosticError(diagnostic('unknown-setting', s.span, { name: s.key }));
    }
    r.source[s.key] = 'network';
  }
  if (overrides.epochs !== undefined) (r.epochs = overrides.epochs), (r.source['epochs'] = 'command line');
  if (overrides.batchSize !== undefined) (r.batchSize = overrides.batchSize), (r.source['batch_size'] = 'command line');
  if (overrides.seed !== undefined) (r.seed = overrides.seed), (r.source['seed'] = 'command line');
  if (overrides.lr !== undefined) (r.optimizer.lr = overrides.lr), (r.source['optimizer'] = 'command line');
  return r;
}

/**
 * The learning rate at a global step (0-based): lr0 * rate^(epochs / every), epochs = step / stepsPerEpoch,
 * floored first when the schedule is a staircase. Set on the optimizer before every step.
 */
export function learningRateAt(recipe: Pick<Recipe, 'optimizer' | 'schedule'>, step: number, stepsPerEpoch: number): number {
  const lr0 = recipe.optimizer.lr;
  const s = recipe.schedule;
  if (s.name === 'constant') return lr0;
  const period = s.every * stepsPerEpoch;
  const p = step / period;
  return lr0 * Math.pow(s.rate, s.staircase ? Math.floor(p + 1e-9) : p);
}

/** One line per setting, for the run's header. */
export function describeRecipe(r: Recipe): string[] {
  const o = r.optimizer;
  const opt =
    o.name === 'rmsprop'
      ? `rmsprop(lr=${o.lr}, decay=${o.decay}, momentum=${o.momentum}, epsilon=${o.epsilon})`
      : o.name === 'momentum'
        ? `momentum(lr=${o.lr}, momentum=${o.momentum}${o.nesterov ? ', nesterov' : ''})`
        : o.name === 'sgd'
          ? `sgd(lr=${o.lr})`
          : `adam(lr=${o.lr}, beta1=${o.beta1}, beta2=${o.beta2}, epsilon=${o.epsilon})`;
  const s = r.schedule;
  const sched = s.name === 'constant' ? 'constant' : `exponential(rate=${s.rate}, every=${s.every} epochs${s.staircase ? '' : ', smooth'})`;
  const clip = r.clip.mode === 'none' ? 'none' : `${r.clip.mode}(${r.clip.value})`;
  const paper = ['optimizer', 'schedule', 'clip', 'label_smoothing', 'batch_size', 'epochs'];
  const tag = (k: string): string =>
    r.source[k] === 'default' ? (paper.includes(k) ? ' (paper default)' : ' (default)') : r.source[k] === 'command line' ? ' (command line)' : '';
  return [
    `optimizer ${opt}${tag('optimizer')}`,
    `schedule ${sched}${tag('schedule')}`,
    `clip ${clip}${tag('clip')}`,
    `label_smoothing ${r.labelSmoothing}${tag('label_smoothing')}`,
    `batch_size ${r.batchSize}${tag('batch_size')}, epochs ${r.epochs}${tag('epochs')}, validation_split ${r.validationSplit}${tag('validation_split')}, seed ${r.seed}${tag('seed')}`,
    ...(r.auxWeights.length > 0 ? [`aux loss weight ${r.auxWeights.join(', ')}`] : []),
    ...(r.weightDecay > 0 ? [`weight_decay ${r.weightDecay}`] : []),
    ...(r.ema ? [`ema ${r.ema.decay}`] : []),
  ];
}
