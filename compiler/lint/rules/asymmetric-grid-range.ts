/**
 * asymmetric-grid-range (section 3.2): the paper found that factorizing into asymmetric convolutions
 * (1 x n followed by n x 1) "does not work well on early layers" but gives very good results on medium
 * grids, m x m with 12 <= m <= 20 (n = 7 on the 17x17 grid). A 1 x n or n x 1 convolution (n > 1) on a
 * grid outside low..high is reported.
 *
 * The grid is the side of the convolution's input grid (the smaller side of an oblong one), as
 * std/rules `asymmetric` measures it in `when grid in low..high`, so a layer that rule made never lints;
 * the second factor of a 1 x n then n x 1 pair is measured on the grid its pair started from (a strided
 * pair reduces the grid along one axis in between).
 *
 * Full convolutions only (compiler/ir/kinds/: a depthwise-separable one is no factorization of an n x n).
 *
 * Not reported: Figure 7's expanded filter bank, a 1 x n and an n x 1 convolution reading the same node
 * in parallel and concatenated (Inception-v3's 1x3 || 3x1 on 8x8). That is no factorization of an
 * n x n: the paper splits the output there "to promote high dimensional representations" on the
 * coarsest grid (option `expandedFilterBanks`).
 */
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { fullConvolutionOf } from '../../ir/kinds/index.js';
import { shapeText } from '../../print/text.js';
import { defineRule } from '../engine/rule.js';
import { joinTemplate } from '../../diagnostics/template.js';

/** n for a 1 x n or n x 1 full convolution with n > 1, else 0. */
function asymmetricLength(n: IRNode): number {
  const c = fullConvolutionOf(n);
  if (!c) return 0;
  const [kh, kw] = c.kernel;
  if (kh === 1 && kw > 1) return kw;
  if (kw === 1 && kh > 1) return kh;
  return 0;
}

/** Whether `a` and `b` are full convolutions with transposed kernels (1 x n and n x 1). */
function transposed(a: IRNode, b: IRNode): boolean {
  const ca = fullConvolutionOf(a);
  const cb = fullConvolutionOf(b);
  return !!ca && !!cb && ca.kernel[0] === cb.kernel[1] && ca.kernel[1] === cb.kernel[0];
}

/** The node whose output grid an asymmetric conv is measured on: its input, or its pair's input. */
function measuredOn(n: IRNode, graph: IRGraph): IRNode {
  let input = graph.nodes[n.inputs[0]!]!;
  let current = n;
  // Walk back through a 1 x n -> n x 1 -> 1 x n ... chain of transposed factors.
  for (
    let guard = 0;
    guard < graph.nodes.length && asymmetricLength(input) > 0 && transposed(input, current);
    guard++
  ) {
    current = input;
    input = graph.nodes[input.inputs[0]!]!;
  }
  return input;
}

/**
 * Whether `n` is one half of Figure 7's split: it feeds a concat that also takes, from the same input,
 * a conv with the transposed kernel.
 */
function inExpandedBank(n: IRNode, consumers: Map<number, IRNode[]>, graph: IRGraph): boolean {
  for (const c of consumers.get(n.id) ?? []) {
    if (c.attrs.op !== 'concat') continue;
    for (const id of c.inputs) {
      const other = graph.nodes[id]!;
      if (other.id !== n.id && transposed(n, other) && other.inputs[0] === n.inputs[0]) return true;
    }
  }
  return false;
}

export default defineRule({
  id: 'asymmetric-grid-range',
  section: 'section 3.2',
  description:
    'A 1 x n or n x 1 convolution on a grid outside the medium range (12..20) where asymmetric factorization ' +
    'works well.',
  defaultSeverity: 'warning',
  options: {
    low: { description: 'the smallest grid side on which asymmetric convolutions are not reported', default: 12 },
    high: { description: 'the largest grid side on which asymmetric convolutions are not reported', default: 20 },
    expandedFilterBanks: {
      description: "leave out Figure 7's parallel 1 x n || n x 1 pairs (same input, concatenated)",
      default: true,
    },
  },
  messages: {
    large: joinTemplate(
      'conv {kernel} {name} runs on the {grid} grid (input {input}), larger than {high}: the paper found ',
      'asymmetric 1 x n / n x 1 factorization to work poorly on early layers and well on grids of {low} to ',
      '{high} (section 3.2); keep a square kernel here (two 3x3 for a 5x5 window) and factorize ',
      'asymmetrically on the medium grid',
    ),
    small: joinTemplate(
      'conv {kernel} {name} runs on the {grid} grid (input {input}), smaller than {low}: the paper ',
      'factorizes into 1 x n then n x 1 on grids of {low} to {high} (section 3.2); on its coarsest grid ',
      '(8x8) it splits a 3x3 into parallel 1x3 and 3x1 branches, concatenated, to widen the representation ',
      '(Figure 7)',
    ),
  },
  check(graph, context) {
    const { low, high, expandedFilterBanks } = context.options;
    const consumers = new Map<number, IRNode[]>();
    for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    for (const n of graph.nodes) {
      if (asymmetricLength(n) === 0) continue;
      const on = measuredOn(n, graph);
      if (on.shape.length !== 3) continue;
      const [h, w] = on.shape as [number, number, number];
      const side = Math.min(h, w);
      if (side >= low && side <= high) continue;
      if (expandedFilterBanks && inExpandedBank(n, consumers, graph)) continue;
      context.report({
        node: n,
        messageId: side > high ? 'large' : 'small',
        data: {
          kernel: shapeText(fullConvolutionOf(n)!.kernel),
          name: n.name,
          grid: `${h}x${w}`,
          input: shapeText(graph.nodes[n.inputs[0]!]!.shape),
          low,
          high,
        },
      });
    }
  },
});
