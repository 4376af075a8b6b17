/**
 * representational-bottleneck (principle 1, section 2; section 5 and Figure 9 left): the representation
 * size H*W*C should shrink gently from the input to the classifier, with no extreme compression in one
 * step, especially early. The rule follows the trunk (compiler/lint/engine/trunk.ts: one step is a layer of a
 * chain or a whole module) and reports
 * - `shrinkEarly` / `shrink`: a step whose output holds more than `maxShrinkEarly` (while the grid side
 *   is above `earlyGrid` of the input's) or `maxShrink` (later) times fewer values than its input;
 * - `poolThenWiden`: a grid-halving pool right before a step that widens the channels by `poolWidening`
 *   or more (Figure 9 left: the pooled map is smaller than both its input and the widened output), with
 *   std/rules efficient_grid_reduction (Figure 10) as the fix when it applies.
 * The classifier is left out: steps from the first one whose output is a vector or a 1x1 map (global
 * pooling, flatten, dense) on reach the final representation "used for the task at hand".
 */
import { groupDigits, shapeText } from '../../print/text.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { convolutionOf, fullConvolutionOf } from '../../ir/kinds/index.js';
import { defineRule } from '../engine/rule.js';
import { consumersOf, describeNode, isSpatial, representationSize, times, trunkOf } from '../engine/trunk.js';
import { joinTemplate } from '../../diagnostics/template.js';

const show = (n: IRNode) => shapeText(n.shape);
const area = (n: IRNode) => n.shape[0]! * n.shape[1]!;

/** The step's fix: how many channels its output would need, or a reduction that widens as it halves. */
function shrinkFix(from: IRNode, to: IRNode, limit: number): string {
  const needed = Math.ceil(representationSize(from.shape) / (limit * area(to)));
  const conv = convolutionOf(to);
  if (conv && area(to) * 2 > area(from)) return `give it at least ${needed} filters`;
  if (conv)
    return (
      `give it at least ${needed} filters, or reduce the grid with a module that widens as it halves (Figure ` +
      `10, std/modules Figure10)`
    );
  if (to.attrs.op === 'concat') return `widen its output to at least ${needed} channels`;
  return (
    `reduce the grid with a stride-2 convolution beside the pool so that the channels grow as the grid halves ` +
    `(Figure 10, std/modules Figure10)`
  );
}

/** Whether std/rules efficient_grid_reduction matches "pool then widen" exactly. */
function poolRuleMatches(graph: IRGraph, pool: IRNode, next: IRNode): boolean {
  const consumers = consumersOf(graph).get(pool.id) ?? [];
  const k = pool.shape[2]!;
  // std/rules efficient_grid_reduction matches a max pool and a full convolution (a `conv`).
  const conv = fullConvolutionOf(next);
  return (
    pool.attrs.op === 'maxpool' &&
    pool.attrs.stride[0] === 2 &&
    pool.attrs.stride[1] === 2 &&
    conv !== undefined &&
    conv.stride[0] === 1 &&
    conv.stride[1] === 1 &&
    next.inputs.length === 1 &&
    next.inputs[0] === pool.id &&
    consumers.length === 1 &&
    area(next) === area(pool) &&
    conv.filters > k
  );
}

/** What replaces "pool then widen": std/rules efficient_grid_reduction where it matches exactly. */
function poolFix(graph: IRGraph, pool: IRNode, next: IRNode): string {
  const k = pool.shape[2]!;
  const conv = fullConvolutionOf(next);
  if (conv && poolRuleMatches(graph, pool, next)) {
    return (
      `apply std/rules efficient_grid_reduction: a stride-2 conv of ${conv.filters - k} filters beside the ` +
      `pool gives ${show(next)} directly (Figure 10)`
    );
  }
  return (
    'reduce the grid with a stride-2 convolution beside the pool instead, concatenated (Figure 10, std/modules ' +
    'Figure10)'
  );
}

export default defineRule({
  id: 'representational-bottleneck',
  section: 'principle 1',
  description:
    'A step that compresses the representation (H*W*C) too much at once, or a pool that halves the grid ' +
    'right before the channels widen.',
  defaultSeverity: 'warning',
  options: {
    maxShrink: { description: 'the most a step may divide the representation size by', default: 8 },
    maxShrinkEarly: {
      description: 'the same, early: while the grid side is above earlyGrid times the input side',
      default: 5,
    },
    earlyGrid: { description: 'the fraction of the input side above which a grid counts as early', default: 0.25 },
    poolWidening: {
      description:
        'the channel growth after a grid-halving pool from which the pooled map is a bottleneck (Figure 9 left)',
      default: 1.5,
    },
  },
  messages: {
    shrinkEarly: joinTemplate(
      '{node} shrinks the representation {ratio} in one step, from {from} ({fromSize} values) to {to} ',
      '({toSize}), more than the {limit} allowed early (its grid side {side} is above {earlyGrid} of the ',
      'input side {inputSide}): {fix}',
    ),
    shrink: joinTemplate(
      '{node} shrinks the representation {ratio} in one step, from {from} ({fromSize} values) to {to} ',
      '({toSize}), more than {limit}: {fix}',
    ),
    poolThenWiden: joinTemplate(
      '{node} shrinks {from} ({fromSize} values) to {pooled} ({pooledSize}) right before {next} widens it to ',
      '{to} ({toSize}): the pooled map is a {factor} bottleneck between them (Figure 9 left); {fix}',
    ),
  },
  check(graph, context) {
    const o = context.options;
    const input = graph.nodes[graph.input]!.shape;
    if (!isSpatial(input)) return;
    const inputSide = Math.max(input[0]!, input[1]!);
    // The steps before the classifier: both ends feature maps.
    const trunk = trunkOf(graph);
    const steps: [IRNode, IRNode][] = [];
    for (let i = 1; i < trunk.length; i++) {
      if (!isSpatial(trunk[i]!.shape) || !isSpatial(trunk[i - 1]!.shape)) break;
      steps.push([trunk[i - 1]!, trunk[i]!]);
    }
    steps.forEach(([from, to], i) => {
      const ratio = representationSize(from.shape) / representationSize(to.shape);
      const early = Math.max(from.shape[0]!, from.shape[1]!) > o.earlyGrid * inputSide;
      const limit = early ? o.maxShrinkEarly : o.maxShrink;
      if (ratio > limit) {
        const data = {
          node: describeNode(to),
          ratio: times(ratio),
          from: show(from),
          fromSize: groupDigits(representationSize(from.shape)),
          to: show(to),
          toSize: groupDigits(representationSize(to.shape)),
          limit: `${limit}x`,
          fix: shrinkFix(from, to, limit),
        };
        if (!early) context.report({ node: to, messageId: 'shrink', data });
        else {
          const side = Math.max(from.shape[0]!, from.shape[1]!);
          const earlyData = { ...data, side, earlyGrid: o.earlyGrid, inputSide };
          context.report({ node: to, messageId: 'shrinkEarly', data: earlyData });
        }
      }
      // A pool that at least halves the grid, then a step that keeps the grid and widens the channels.
      const next = steps[i + 1]?.[1];
      if ((to.attrs.op !== 'maxpool' && to.attrs.op !== 'avgpool') || !next) return;
      if (area(to) * 2 > area(from) || area(next) * 2 <= area(to)) return;
      const widening = next.shape[2]! / to.shape[2]!;
      if (widening < o.poolWidening) return;
      context.report({
        node: to,
        messageId: 'poolThenWiden',
        ...(poolRuleMatches(graph, to, next)
          ? { fix: { rule: 'efficient_grid_reduction', args: '', nodes: [to, next] } }
          : {}),
        data: {
          node: describeNode(to),
          from: show(from),
          fromSize: groupDigits(representationSize(from.shape)),
          pooled: show(to),
          pooledSize: groupDigits(representationSize(to.shape)),
          next: describeNode(next),
          to: show(next),
          toSize: groupDigits(representationSize(next.shape)),
          factor: times(representationSize(next.shape) / representationSize(to.shape)),
          fix: poolFix(graph, to, next),
        },
      });
    });
  },
});
