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
 * Also read: `learning_rate` for `lr`, `rho` for `decay`, `eps` for `epsilon`, `every_epochs` for
 * `every`, `decay_rate` for `rate`, and a bare number or any call whose first argument is the threshold
 * for `clip` (the paper does not say which norm it clips).
 */
import type { TrainingSetting } from '../../ir/ir.js';
import { defineRule } from '../engine/rule.js';

interface Call {
  name: string;
  args: unknown[];
  [named: string]: unknown;
}

const isCall = (v: unknown): v is Call => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Call).name === 'string';

/** A setting's value written back as .incp: `rmsprop(lr = 0.045, decay = 0.9)`. */
export function renderValue(v: unknown): string {
  if (isCall(v)) {
    const named = Object.entries(v).filter(([k]) => k !== 'name' && k !== 'args');
    return `${v.name}(${[...v.args.map(renderValue), ...named.map(([k, x]) => `${k} = ${renderValue(x)}`)].join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(renderValue).join(', ')}]`;
  if (typeof v === 'string') return v;
  return String(v);
}

/** The name of a call or bare word (`rmsprop`, `rmsprop(...)`). */
const nameOf = (v: unknown): string | undefined => (isCall(v) ? v.name : typeof v === 'string' ? v : undefined);

/** A named argument of a call, under any of its spellings. */
function argOf(v: unknown, names: string[]): unknown {
  if (!isCall(v)) return undefined;
  for (const n of names) if (v[n] !== undefined) return v[n];
  return undefined;
}

const round = (x: number) => Number(x.toPrecision(6));

export const paper = {
  optimizer: 'rmsprop(lr = 0.045, decay = 0.9, epsilon = 1.0)',
  schedule: 'exponential(rate = 0.94, every = 2)',
  clip: 'global_norm(2.0)',
  label_smoothing: '0.1',
  batch_size: '32',
};

export default defineRule<{ requireTrainSection: boolean; tolerance: number }>({
  id: 'training-recipe',
  section: 'sections 7, 8',
  description: "A train section that leaves out or departs from the paper's recipe (RMSProp, exponential decay, clipping, label smoothing, batch 32).",
  defaultSeverity: 'info',
  options: {
    requireTrainSection: { description: 'report a network with no train section (off: a network without one is an architecture, not a recipe)', default: false },
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
    noLabelSmoothing:
      'network {network} trains {how}: label smoothing with epsilon 0.1 improved top-1 and top-5 error by about 0.2% absolute (section 7; Table 3: 23.1% -> 22.8% top-1); set label_smoothing = 0.1',
    noClip:
      'network {network} trains {how}: the paper clips gradients at a norm of 2.0, "useful to stabilize the training" (section 8); set clip = global_norm(2.0)',
    missing: "network {network}'s train section sets no {setting}: the backend's default applies; the paper uses {setting} = {paper} ({section})",
    kind: "{setting} is {actual}, not the paper's {paper} ({section})",
    argMissing: "{setting} = {actual} sets no {arg}: the backend's default applies; the paper uses {arg} = {paper} ({section})",
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

    /** Reports `actual` when it is further than the tolerance from `expected` (on 1 - x with `complement`). */
    const compare = (s: TrainingSetting, what: string, actual: unknown, expected: number, section: string, complement = false) => {
      if (typeof actual !== 'number') {
        context.report({ span: s.span, messageId: 'deviates', data: { what, actual: renderValue(actual), how: `not a number; the paper's is ${expected}`, section } });
        return;
      }
      const a = complement ? 1 - actual : actual;
      const p = complement ? 1 - expected : expected;
      const diff = Math.abs(a - p) / Math.abs(p);
      if (diff <= tolerance + 1e-9) return;
      const pct = `${Math.round(diff * 100)}% ${a < p ? 'below' : 'above'}`;
      const arg = what.split(' ').pop();
      const how = complement ? `the paper's is ${expected}; on 1 - ${arg}, ${round(a)} is ${pct} its ${round(p)}` : `${pct} the paper's ${expected}`;
      context.report({ span: s.span, messageId: 'deviates', data: { what, actual, how, section } });
    };
    const missing = (setting: keyof typeof paper, section: string) =>
      context.report({ span: graph.span, messageId: 'missing', data: { network, setting, paper: paper[setting], section } });

    /** A call's argument, compared; reported missing when it is not there. */
    const argument = (s: TrainingSetting, arg: string, aliases: string[], expected: number, section: string, complement = false) => {
      const value = argOf(s.value, [arg, ...aliases]);
      if (value === undefined) {
        context.report({ span: s.span, messageId: 'argMissing', data: { setting: s.key, actual: renderValue(s.value), arg, paper: expected, section } });
        return;
      }
      compare(s, `${s.key} ${arg}`, value, expected, section, complement);
    };

    const optimizer = settings.get('optimizer');
    if (!optimizer) missing('optimizer', 'section 8');
    else if (nameOf(optimizer.value) !== 'rmsprop') {
      context.report({
        span: optimizer.span,
        messageId: 'kind',
        data: { setting: 'optimizer', actual: renderValue(optimizer.value), paper: paper.optimizer, section: 'section 8; Table 3: + RMSProp took top-1 error from 23.4% to 23.1%' },
      });
    } else {
      argument(optimizer, 'lr', ['learning_rate'], 0.045, 'section 8');
      argument(optimizer, 'decay', ['rho'], 0.9, 'section 8', true);
      argument(optimizer, 'epsilon', ['eps'], 1.0, 'section 8');
    }

    const schedule = settings.get('schedule');
    const scheduleSection = 'section 8: the learning rate decayed every two epochs by an exponential rate of 0.94';
    if (!schedule) missing('schedule', scheduleSection);
    else if (nameOf(schedule.value) !== 'exponential') {
      context.report({ span: schedule.span, messageId: 'kind', data: { setting: 'schedule', actual: renderValue(schedule.value), paper: paper.schedule, section: scheduleSection } });
    } else {
      argument(schedule, 'rate', ['decay_rate'], 0.94, 'section 8', true);
      argument(schedule, 'every', ['every_epochs'], 2, 'section 8');
    }

    const clip = settings.get('clip');
    const clipSection = 'section 8: clipping "useful to stabilize the training"';
    if (!clip) context.report({ span: graph.span, messageId: 'noClip', data: { network, how: 'without gradient clipping' } });
    else {
      const v = clip.value;
      const threshold = typeof v === 'number' ? v : isCall(v) ? (v.args[0] ?? argOf(v, ['threshold', 'max_norm', 'norm', 'value'])) : undefined;
      if (v === false || v === 0 || v === 'none' || threshold === 0) {
        context.report({ span: clip.span, messageId: 'noClip', data: { network, how: `with clip = ${renderValue(v)}` } });
      } else if (threshold === undefined) {
        context.report({ span: clip.span, messageId: 'deviates', data: { what: 'clip', actual: renderValue(v), how: `no threshold; the paper's is ${paper.clip}`, section: clipSection } });
      } else compare(clip, 'the clipping threshold', threshold, 2.0, clipSection);
    }

    const smoothing = settings.get('label_smoothing');
    if (!smoothing) context.report({ span: graph.span, messageId: 'noLabelSmoothing', data: { network, how: 'without label smoothing' } });
    else if (smoothing.value === 0 || smoothing.value === false) {
      context.report({ span: smoothing.span, messageId: 'noLabelSmoothing', data: { network, how: `with label_smoothing = ${renderValue(smoothing.value)}` } });
    } else compare(smoothing, 'label_smoothing', smoothing.value, 0.1, 'section 7');

    const batch = settings.get('batch_size');
    if (!batch) missing('batch_size', 'section 8: 32 per replica, on 50 replicas');
    else compare(batch, 'batch_size', batch.value, 32, 'section 8: 32 per replica, on 50 replicas');
  },
});
