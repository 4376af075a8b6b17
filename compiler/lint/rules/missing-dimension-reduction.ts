/**
 * missing-dimension-reduction (principle 3, section 2): spatial aggregation can be done over a
 * lower-dimensional embedding without much loss of representational power, so a 3x3 or larger
 * convolution on a wide input should follow a 1x1 convolution that reduces the channels, as in every
 * branch of the paper's modules (Figures 5, 6, 7).
 *
 * Reported: a conv whose kernel is at least 3 on both axes, whose input has `minInputChannels` channels or
 * more and is not the output of a 1x1 conv, where a 1x1 conv to r = min(floor(C_in / reduction), filters)
 * channels in front would save at least `minSaving` of its multiply-adds. The saving is exact: the 1x1 at
 * the input's grid (H·W·C_in·r) plus the same kxk conv on r channels, against the kxk on C_in.
 * Strided convs are left out unless `includeStrided`: compressing the channels right where the grid
 * shrinks is the bottleneck principle 1 warns against, and Figure 10's stride-2 branch has no reduction.
 */
import { groupDigits } from '../../ir/values.js';
import { defineRule } from '../engine/rule.js';
import { kernelText, percent } from '../engine/trunk.js';

export default defineRule<{ minInputChannels: number; reduction: number; minSaving: number; includeStrided: boolean }>({
  id: 'missing-dimension-reduction',
  section: 'principle 3',
  description: 'A 3x3 or larger convolution on a wide input with no 1x1 dimension reduction in front.',
  defaultSeverity: 'warn',
  options: {
    minInputChannels: { description: 'the fewest input channels for which a reduction is expected', default: 256 },
    reduction: { description: 'the 1x1 reduces C_in channels to C_in / reduction (or to the conv\'s filters, if fewer)', default: 2 },
    minSaving: { description: 'the least fraction of the multiply-adds the reduction must save to be reported', default: 0.25 },
    includeStrided: { description: 'also report convs with a stride above 1 (grid reductions)', default: false },
  },
  messages: {
    noReduction:
      'conv {kernel} {filters} {name} aggregates over all {cin} channels of {input} with no 1x1 reduction in front: a conv 1x1 {r} first ({cin} -> {r} channels, {macs1x1} multiply-adds) and the {kernel} on {r} channels ({macsK}) would cost {macsAfter} multiply-adds instead of {macsBefore} ({macsSaved} fewer, {saving}) and {weightsAfter} weights instead of {weightsBefore}',
  },
  check(graph, context) {
    const o = context.options;
    for (const n of graph.nodes) {
      if (n.attrs.op !== 'conv') continue;
      const [kh, kw] = n.attrs.kernel;
      if (kh < 3 || kw < 3) continue;
      if (!o.includeStrided && (n.attrs.stride[0] !== 1 || n.attrs.stride[1] !== 1)) continue;
      const producer = graph.nodes[n.inputs[0]!]!;
      if (producer.shape.length !== 3) continue;
      if (producer.attrs.op === 'conv' && producer.attrs.kernel[0] === 1 && producer.attrs.kernel[1] === 1) continue;
      const [h, w, cin] = producer.shape as [number, number, number];
      if (cin < o.minInputChannels) continue;
      const filters = n.attrs.filters;
      const r = Math.min(Math.floor(cin / o.reduction), filters);
      if (r < 1 || r >= cin) continue;
      const [oh, ow] = n.shape as [number, number, number];
      const before = n.macs;
      const macs1x1 = h * w * cin * r;
      const macsK = oh * ow * kh * kw * r * filters;
      const after = macs1x1 + macsK;
      if ((before - after) / before < o.minSaving) continue;
      context.report({
        node: n,
        messageId: 'noReduction',
        data: {
          kernel: kernelText(n.attrs),
          filters,
          name: n.name,
          cin,
          input: producer.shape.join('x'),
          r,
          macs1x1: groupDigits(macs1x1),
          macsK: groupDigits(macsK),
          macsAfter: groupDigits(after),
          macsBefore: groupDigits(before),
          macsSaved: groupDigits(before - after),
          saving: percent(before - after, before),
          weightsAfter: groupDigits(cin * r + kh * kw * r * filters),
          weightsBefore: groupDigits(kh * kw * cin * filters),
        },
      });
    }
  },
});
