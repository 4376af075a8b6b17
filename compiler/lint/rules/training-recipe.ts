/**
 * training-recipe (sections 7, 8): the recipe of the paper's best model. Section 8: RMSProp with decay 0.9
 * and epsilon 1.0, learning rate 0.045 decayed every two epochs by an exponential rate of 0.94, gradient
 * clipping with threshold 2.0 ("found to be useful to stabilize the training"), batch size 32. Section 7:
 * label smoothing with epsilon 0.1 (about 0.2% absolute better top-1 and top-5). Table 3 measures the
 * steps: + RMSProp 23.4% -> 23.1% top-1, + Label Smoothing -> 22.8%.
 *
 * Informational: a network without a `train` section, a train section without label smoothing or
 * without gradient clipping, and each setting that is missing or far from the paper's (more than
 * `tolerance` relative difference) is one finding, at the setting (its span in the train section) or,
 * when missing, at the network. The canonical spelling is std/table3's:
 *
 *   optimizer = rmsprop(lr = 0.045, decay = 0.9, epsilon = 1.0)
 *   schedule = exponential(rate = 0.94, every = 2)
 *   clip = global_norm(2.0)
 *   label_smoothing = 0.1
 *   batch_size = 32
 *
 * The settings are read from the resolved recipe (compiler/ir/recipe.ts, the schema `incc check` and every
 * trainer use), so each alias (`learning_rate` for `lr`, `rho` for `decay`, a bare number for `clip`, ...)
 * means here what it means to the trainer. A section the schema rejects does not build, so it is never linted.
 */
import type { TrainingSetting } from '../../ir/ir.js';
import { PAPER_DEFAULTS, resolveRecipe, type OptimizerConfig, type ScheduleConfig } from '../../ir/recipe.js';
import { defineRule } from '../engine/rule.js';
import { joinTemplate } from '../../diagnostics/template.js';

interface Call {
  name: string;
  args: unknown[];
  [named: string]: unknown;
}

const isCall = (v: unknown): v is Call =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Call).name === 'string';

/** A setting's value written back as .incp: `rmsprop(lr = 0.045, decay = 0.9)`. */
export function renderValue(v: unknown): string {
  if (isCall(v)) {
    const named = Object.entries(v).filter(([k]) => k !== 'name' && k !== 'args');
    const args = [...v.args.map(renderValue), ...named.map(([k, x]) => `${k} = ${renderValue(x)}`)];
    return `${v.name}(${args.join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(renderValue).join(', ')}]`;
  if (typeof v === 'string') return v;
  return String(v);
}

const round = (x: number) => Number(x.toPrecision(6));

/** The paper's numbers, as the recipe schema states them. */
const rmsprop = PAPER_DEFAULTS.optimizer as Extract<OptimizerConfig, { name: 'rmsprop' }>;
const exponential = PAPER_DEFAULTS.schedule as Extract<ScheduleConfig, { name: 'exponential' }>;
const clipThreshold = (PAPER_DEFAULTS.clip as { value: number }).value;

export const paper = {
  optimizer: 'rmsprop(lr = 0.045, decay = 0.9, epsilon = 1.0)',
  schedule: 'exponential(rate = 0.94, every = 2)',
  clip: 'global_norm(2.0)',
  label_smoothing: '0.1',
  batch_size: '32',
};

export default defineRule({
  id: 'training-recipe',
  section: 'sections 7, 8',
  description:
    "A train section that leaves out or departs from the paper's recipe (RMSProp, exponential decay, " +
    'clipping, label smoothing, batch 32).',
  defaultSeverity: 'info',
  options: {
    requireTrainSection: {
      description:
        'report a network with no train section (off: a network without one is an architecture, not a recipe)',
      default: false,
    },
    tolerance: {
      description: "the relative difference from the paper's value a number may have (on 1 - x for the decay rates)",
      default: 0.25,
    },
  },
  messages: {
    noTrain:
      "network {network} has no train section: the paper's recipe is optimizer = " +
      paper.optimizer +
      ', schedule = ' +
      paper.schedule +
      ', clip = ' +
      paper.clip +
      ', label_smoothing = ' +
      paper.label_smoothing +
      ', batch_size = ' +
      paper.batch_size +
      ' (sections 7, 8)',
    noLabelSmoothing: joinTemplate(
      'network {network} trains {how}: label smoothing with epsilon 0.1 improved top-1 and top-5 error by ',
      'about 0.2% absolute (section 7; Table 3: 23.1% -> 22.8% top-1); set label_smoothing = 0.1',
    ),
    noClip: joinTemplate(
      'network {network} trains {how}: the paper clips gradients at a norm of 2.0, "useful to stabilize the ',
      'training" (section 8); set clip = global_norm(2.0)',
    ),
    missing: joinTemplate(
      "network {network}'s train section sets no {setting}: the backend's default applies; the paper uses ",
      '{setting} = {paper} ({section})',
    ),
    kind: "{setting} is {actual}, not the paper's {paper} ({section})",
    argMissing:
      "{setting} = {actual} sets no {arg}: the backend's default applies; the paper uses {arg} = {paper} ({section})",
    deviates: '{what} is {actual}: {how} ({section})',
  },
  check(graph, context) {
    const { requireTrainSection, tolerance } = context.options;
    const network = graph.network;
    if (graph.training.length === 0) {
      if (requireTrainSection) context.report({ span: graph.span, messageId: 'noTrain', data: { network } });
      return;
    }
    const settings = new Map<string, TrainingSetting>(graph.training.map((s) => [s.key, s]));
    const recipe = resolveRecipe(graph);
    const written = new Set(recipe.written);

    /** Reports `actual` when it is further than the tolerance from `expected` (on 1 - x with `complement`). */
    const compare = (
      s: TrainingSetting,
      what: string,
      actual: number,
      expected: number,
      section: string,
      complement = false,
    ) => {
      const a = complement ? 1 - actual : actual;
      const p = complement ? 1 - expected : expected;
      const diff = Math.abs(a - p) / Math.abs(p);
      if (diff <= tolerance + 1e-9) return;
      const pct = `${Math.round(diff * 100)}% ${a < p ? 'below' : 'above'}`;
      const arg = what.split(' ').pop();
      const how = complement
        ? `the paper's is ${expected}; on 1 - ${arg}, ${round(a)} is ${pct} its ${round(p)}`
        : `${pct} the paper's ${expected}`;
      context.report({ span: s.span, messageId: 'deviates', data: { what, actual, how, section } });
    };
    const missing = (setting: keyof typeof paper, section: string) =>
      context.report({
        span: graph.span,
        messageId: 'missing',
        data: { network, setting, paper: paper[setting], section },
      });

    /** A call's argument, compared; reported missing when the network did not write it. */
    const argument = (
      s: TrainingSetting,
      arg: string,
      actual: number,
      expected: number,
      section: string,
      complement = false,
    ) => {
      if (!written.has(`${s.key}.${arg}`)) {
        const data = { setting: s.key, actual: renderValue(s.value), arg, paper: expected, section };
        context.report({ span: s.span, messageId: 'argMissing', data });
        return;
      }
      compare(s, `${s.key} ${arg}`, actual, expected, section, complement);
    };
    const kind = (s: TrainingSetting, setting: keyof typeof paper, section: string) =>
      context.report({
        span: s.span,
        messageId: 'kind',
        data: { setting, actual: renderValue(s.value), paper: paper[setting], section },
      });

    const optimizer = settings.get('optimizer');
    const o = recipe.optimizer;
    if (!optimizer) missing('optimizer', 'section 8');
    else if (o.name !== 'rmsprop')
      kind(optimizer, 'optimizer', 'section 8; Table 3: + RMSProp took top-1 error from 23.4% to 23.1%');
    else {
      argument(optimizer, 'lr', o.lr, rmsprop.lr, 'section 8');
      argument(optimizer, 'decay', o.decay, rmsprop.decay, 'section 8', true);
      argument(optimizer, 'epsilon', o.epsilon, rmsprop.epsilon, 'section 8');
    }

    const schedule = settings.get('schedule');
    const sc = recipe.schedule;
    const scheduleSection = 'section 8: the learning rate decayed every two epochs by an exponential rate of 0.94';
    if (!schedule) missing('schedule', scheduleSection);
    else if (sc.name !== 'exponential') kind(schedule, 'schedule', scheduleSection);
    else {
      argument(schedule, 'rate', sc.rate, exponential.rate, 'section 8', true);
      argument(schedule, 'every', sc.every, exponential.every, 'section 8');
    }

    const clip = settings.get('clip');
    const clipSection = 'section 8: clipping "useful to stabilize the training"';
    if (!clip)
      context.report({ span: graph.span, messageId: 'noClip', data: { network, how: 'without gradient clipping' } });
    else if (recipe.clip.mode === 'none') {
      context.report({
        span: clip.span,
        messageId: 'noClip',
        data: { network, how: `with clip = ${renderValue(clip.value)}` },
      });
    } else compare(clip, 'the clipping threshold', recipe.clip.value, clipThreshold, clipSection);

    const smoothing = settings.get('label_smoothing');
    if (!smoothing)
      context.report({
        span: graph.span,
        messageId: 'noLabelSmoothing',
        data: { network, how: 'without label smoothing' },
      });
    else if (recipe.labelSmoothing === 0) {
      const how = `with label_smoothing = ${renderValue(smoothing.value)}`;
      context.report({ span: smoothing.span, messageId: 'noLabelSmoothing', data: { network, how } });
    } else compare(smoothing, 'label_smoothing', recipe.labelSmoothing, PAPER_DEFAULTS.labelSmoothing, 'section 7');

    const batch = settings.get('batch_size');
    const batchSection = 'section 8: 32 per replica, on 50 replicas';
    if (!batch) missing('batch_size', batchSection);
    else compare(batch, 'batch_size', recipe.batchSize, PAPER_DEFAULTS.batchSize, batchSection);
  },
});
