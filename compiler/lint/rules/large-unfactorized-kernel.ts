/**
 * large-unfactorized-kernel (section 3.1): a convolution of 5x5 or larger costs (k/3)^2 times a 3x3 of
 * the same widths; stacked smaller convolutions see as far for less. A 5x5 becomes two 3x3 (std/rules
 * factor_5x5), a larger n x n becomes 1 x n then n x 1 (std/rules asymmetric). The message gives the
 * weights and multiply-adds that factorization saves, computed as std/rules does it (the stride on the
 * last factor or split by axis, the padding kept), with the cheaper of the input and output widths between.
 * Full convolutions only: a depthwise-separable kernel costs k^2 per channel, not per channel pair, and
 * std/rules' factorizations match `conv`.
 */
import { groupDigits, shapeText } from '../../print/text.js';
import type { IRGraph, IRNode } from '../../ir/ir.js';
import { fullConvolutionOf } from '../../ir/kinds/index.js';
import { convMacs, convWeights } from '../../ir/kinds/conv.js';
import { outputLength } from '../../ir/kinds/spatial.js';
import { defineRule } from '../engine/rule.js';
import { joinTemplate } from '../../diagnostics/template.js';

/** The grid range of std/rules `asymmetric`'s defaults (`low`, `high`). */
const ASYMMETRIC_LOW = 12;
const ASYMMETRIC_HIGH = 20;

const pct = (before: number, after: number) => `${Math.round(((before - after) / before) * 100)}%`;

/** Weights and multiply-adds of the conv `n` before and after the factorization std/rules would apply. */
export function factorizationSaving(
  n: IRNode,
  graph: IRGraph,
): {
  /** The application as the message writes it: `factor_5x5`, `asymmetric(n=7, mid=16)`. */
  rule: string;
  name: string;
  args: string;
  before: { weights: number; macs: number };
  after: { weights: number; macs: number };
} {
  const conv = fullConvolutionOf(n);
  if (!conv) throw new Error('not a full convolution');
  const [kh, kw] = conv.kernel;
  const sw = conv.stride[1];
  const padding = conv.padding;
  const input = graph.nodes[n.inputs[0]!]!.shape;
  const [h, w, cin] = input as [number, number, number];
  const [oh, ow, cout] = n.shape as [number, number, number];
  const before = { weights: convWeights(conv.kernel, cin, cout), macs: n.macs };
  // The intermediate width: the output width (the paper's "equal widths") or the input width, whichever
  // gives fewer weights (a 16 -> 32 5x5 is cheaper through 16 channels).
  const mid = cin < cout ? cin : cout;
  const midArg = mid === cout ? '' : `mid=${mid}`;
  if (kh === 5 && kw === 5) {
    // Two 3x3; the first at stride 1, the second takes the stride.
    const h1 = outputLength(h, 3, 1, padding);
    const w1 = outputLength(w, 3, 1, padding);
    const weights = convWeights([3, 3], cin, mid) + convWeights([3, 3], mid, cout);
    const macs = convMacs([h1, w1], [3, 3], cin, mid) + convMacs([oh, ow], [3, 3], mid, cout);
    return {
      rule: `factor_5x5${midArg ? `(${midArg})` : ''}`,
      name: 'factor_5x5',
      args: midArg,
      before,
      after: { weights, macs },
    };
  }
  // 1 x kw (stride along W) then kh x 1 (stride along H).
  const w1 = outputLength(w, kw, sw, padding);
  const weights = convWeights([1, kw], cin, mid) + convWeights([kh, 1], mid, cout);
  const macs = convMacs([h, w1], [1, kw], cin, mid) + convMacs([oh, ow], [kh, 1], mid, cout);
  const args = [`n=${kh}`, midArg].filter((a) => a).join(', ');
  return { rule: `asymmetric(${args})`, name: 'asymmetric', args, before, after: { weights, macs } };
}

export default defineRule({
  id: 'large-unfactorized-kernel',
  section: 'section 3.1',
  description: 'A 5x5 or larger convolution that could be factorized into smaller ones.',
  defaultSeverity: 'warning',
  options: {
    minKernel: { description: 'the smallest square kernel side reported', default: 5 },
  },
  messages: {
    large: joinTemplate(
      'conv {kernel} {name} on {input} is unfactorized: {suggestion} would see the same {kernel} window with ',
      '{weightsAfter} weights instead of {weightsBefore} ({weightSaving} fewer) and {macsAfter} ',
      'multiply-adds instead of {macsBefore} ({macSaving} fewer); apply std/rules {rule}',
    ),
  },
  check(graph, context) {
    for (const n of graph.nodes) {
      const conv = fullConvolutionOf(n);
      if (!conv) continue;
      const [kh, kw] = conv.kernel;
      if (kh !== kw || kh < context.options.minKernel) continue;
      const s = factorizationSaving(n, graph);
      if (s.after.weights >= s.before.weights) continue;
      // std/rules asymmetric rewrites only on its grid range (12..20 by default): elsewhere the application
      // would match nothing, so the finding has no automatic fix.
      const grid = Math.min(...graph.nodes[n.inputs[0]!]!.shape.slice(0, 2));
      const fixed = s.name === 'factor_5x5' || (grid >= ASYMMETRIC_LOW && grid <= ASYMMETRIC_HIGH);
      context.report({
        node: n,
        ...(fixed ? { fix: { rule: s.name, args: s.args, nodes: [n] } } : {}),
        messageId: 'large',
        data: {
          kernel: `${kh}x${kw}`,
          name: n.name,
          input: shapeText(graph.nodes[n.inputs[0]!]!.shape),
          suggestion: kh === 5 ? 'two stacked 3x3 convolutions' : `a 1x${kh} then a ${kh}x1 convolution`,
          weightsBefore: groupDigits(s.before.weights),
          weightsAfter: groupDigits(s.after.weights),
          weightSaving: pct(s.before.weights, s.after.weights),
          macsBefore: groupDigits(s.before.macs),
          macsAfter: groupDigits(s.after.macs),
          macSaving: pct(s.before.macs, s.after.macs),
          rule: s.rule,
        },
      });
    }
  },
});
