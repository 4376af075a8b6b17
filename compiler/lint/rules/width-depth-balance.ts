/**
 * width-depth-balance (principle 4, section 2): for a given compute budget, the best networks grow their
 * width (filters per stage) and their depth together; the budget should be spread over both. The rule
 * measures each stage of the main head (a resolution level, compiler/lint/engine/trunk.ts): its width (the most
 * channels of its trunk representation), its depth (the most convolutions on one path through it) and its
 * share of the network's multiply-adds, and reports
 * - `widthJump`: a stage whose width grows more than `maxWidthGrowth` times over the previous stage's
 *   while its depth is at most `shallowDepth`: the width grew and the depth did not;
 * - `computeShare`: a stage of depth at most `shallowDepth` that does more than `maxShare` of the
 *   multiply-adds while another stage is deeper: the budget went into width at one place and into depth
 *   elsewhere. (A network whose stages are all shallow has no such imbalance to report.)
 * The first stage with a convolution is not compared with the input (its width grows from the image's
 * colour channels).
 */
import { groupDigits, kernelText, shapeText } from '../../print/text.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { defineRule } from '../engine/rule.js';
import { fullConvolutionOf } from '../../ir/kinds/index.js';
import { describeNode, percent, stagesOf, times, type Stage } from '../engine/trunk.js';
import { joinTemplate } from '../../diagnostics/template.js';

const grid = (s: Stage) => shapeText(s.grid);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * For a single widening full conv (a separable one gets the general advice): the width m of two stacked convs of its
 * kernel that cost the same
 * multiply-adds (c_in*m + m*m = c_in*w per output position and kernel tap).
 */
function sameCostDeeper(n: IRNode, graph: IRGraph): string {
  const conv = fullConvolutionOf(n);
  if (!conv) return 'add depth at this grid (a second convolution or an Inception module) and let the width grow less';
  const c = graph.nodes[n.inputs[0]!]!.shape[2]!;
  const w = conv.filters;
  const m = Math.floor((-c + Math.sqrt(c * c + 4 * c * w)) / 2);
  return (
    `for no more multiply-adds, a conv ${kernelText(conv)} ${m} then a conv ${shapeText(conv.kernel)} ${m} ` +
    `would give this grid twice the depth (${c}*${m} + ${m}*${m} = ${groupDigits(c * m + m * m)} weights per ` +
    `kernel tap and output position, against ${c}*${w} = ${groupDigits(c * w)} for this one)`
  );
}

export default defineRule({
  id: 'width-depth-balance',
  section: 'principle 4',
  description: 'A stage that grows the width without the depth, or a shallow stage that takes most of the compute.',
  defaultSeverity: 'info',
  options: {
    maxWidthGrowth: { description: "the most a shallow stage may multiply the previous stage's width by", default: 3 },
    shallowDepth: {
      description: 'the depth (convolutions on the longest path through a stage) up to which a stage is shallow',
      default: 1,
    },
    maxShare: {
      description: "the largest fraction of the network's multiply-adds a shallow stage may take",
      default: 0.5,
    },
  },
  messages: {
    widthJump: joinTemplate(
      'the {grid} stage widens the representation from {prevWidth} channels (the {prevGrid} stage, depth ',
      '{prevDepth}) to {width} ({growth}, more than {limit}) at {depthText}, where {node} reaches it; the ',
      'stage does {share} of the multiply-adds: {fix}',
    ),
    computeShare: joinTemplate(
      "the {grid} stage does {share} of the network's {total} multiply-adds ({macs}) at {depthText} and a ",
      'width of {width}, more than {limit} for a stage that shallow (the others: {others}): the budget went ',
      'into width at one place; spread it over depth, e.g. an Inception module at this grid instead of one ',
      'wide layer',
    ),
  },
  check(graph, context) {
    const o = context.options;
    const { stages, totalMacs } = stagesOf(graph);
    const withConvs = stages.filter((s) => s.depth > 0);
    if (totalMacs === 0) return;
    withConvs.forEach((s, i) => {
      if (s.depth > o.shallowDepth) return;
      const prev = withConvs[i - 1];
      if (prev && prev.width > 0 && s.width / prev.width > o.maxWidthGrowth && s.widest) {
        context.report({
          node: s.widest,
          messageId: 'widthJump',
          data: {
            grid: grid(s),
            prevWidth: prev.width,
            prevGrid: grid(prev),
            prevDepth: prev.depth,
            width: s.width,
            growth: times(s.width / prev.width),
            limit: `${o.maxWidthGrowth}x`,
            depthText: `a depth of ${plural(s.depth, 'convolution')}`,
            node: describeNode(s.widest),
            share: percent(s.macs, totalMacs),
            fix: sameCostDeeper(s.widest, graph),
          },
        });
      }
      if (withConvs.some((t) => t.depth > o.shallowDepth) && s.macs / totalMacs > o.maxShare) {
        const costliest = s.nodes.reduce((a, b) => (b.macs > a.macs ? b : a));
        context.report({
          node: costliest,
          messageId: 'computeShare',
          data: {
            grid: grid(s),
            share: percent(s.macs, totalMacs),
            total: groupDigits(totalMacs),
            macs: groupDigits(s.macs),
            depthText: `a depth of ${plural(s.depth, 'convolution')}`,
            width: s.width,
            limit: percent(o.maxShare, 1),
            others: withConvs
              .filter((t) => t !== s)
              .map((t) => `${grid(t)} at depth ${t.depth}, ${percent(t.macs, totalMacs)}`)
              .join('; '),
          },
        });
      }
    });
  },
});
