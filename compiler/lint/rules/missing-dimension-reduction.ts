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
 * Full convolutions only: a depthwise-separable one already aggregates per channel (its 1x1 comes after).
 * Strided convs are left out unless `includeStrided`: compressing the channels right where the grid
 * shrinks is the bottleneck principle 1 warns against, and Figure 10's stride-2 branch has no reduction.
 */
import { fullConvolutionOf } from '../../ir/kinds/index.js';
import { convMacs, convWeights } from '../../ir/kinds/conv.js';
import { groupDigits, kernelText, shapeText } from '../../print/text.js';
import { defineRule } from '../engine/rule.js';
import { percent } from '../engine/trunk.js';
import { joinTemplate } from '../../diagnostics/template.js';

export default defineRule({
  id: 'missing-dimension-reduction',
  section: 'principle 3',
  description: 'A 3x3 or larger convolution on a wide input with no 1x1 dimension reduction in front.',
  defaultSeverity: 'warning',
  options: {
    minInputChannels: { description: 'the fewest input channels for which a reduction is expected', default: 256 },
    reduction: {
      description: "the 1x1 reduces C_in channels to C_in / reduction (or to the conv's filters, if fewer)",
      default: 2,
    },
    minSaving: {
      description: 'the least fraction of the multiply-adds the reduction must save to be reported',
      default: 0.25,
    },
    includeStrided: { description: 'also report convs with a stride above 1 (grid reductions)', default: false },
  },
  messages: {
    noReduction: joinTemplate(
      'conv {kernel} {filters} {name} aggregates over all {cin} channels of {input} with no 1x1 reduction in ',
      'front: a conv 1x1 {r} first ({cin} -> {r} channels, {macs1x1} multiply-adds) and the {kernel} on {r} ',
      'channels ({macsK}) would cost {macsAfter} multiply-adds instead of {macsBefore} ({macsSaved} fewer, ',
      '{saving}) and {weightsAfter} weights instead of {weightsBefore}',
    ),
  },
  check(graph, context) {
    const o = context.options;
    for (const n of graph.nodes) {
      const conv = fullConvolutionOf(n);
      if (!conv) continue;
      const [kh, kw] = conv.kernel;
      if (kh < 3 || kw < 3) continue;
      if (!o.includeStrided && (conv.stride[0] !== 1 || conv.stride[1] !== 1)) continue;
      const producer = graph.nodes[n.inputs[0]!]!;
      if (producer.shape.length !== 3) continue;
      const reduction = fullConvolutionOf(producer);
      if (reduction && reduction.kernel[0] === 1 && reduction.kernel[1] === 1) continue;
      const [h, w, cin] = producer.shape as [number, number, number];
      if (cin < o.minInputChannels) continue;
      const filters = conv.filters;
      const r = Math.min(Math.floor(cin / o.reduction), filters);
      if (r < 1 || r >= cin) continue;
      const before = n.macs;
      const macs1x1 = convMacs([h, w], [1, 1], cin, r);
      const macsK = convMacs(n.shape, conv.kernel, r, filters);
      const after = macs1x1 + macsK;
      if ((before - after) / before < o.minSaving) continue;
      context.report({
        node: n,
        messageId: 'noReduction',
        data: {
          kernel: kernelText(conv),
          filters,
          name: n.name,
          cin,
          input: shapeText(producer.shape),
          r,
          macs1x1: groupDigits(macs1x1),
          macsK: groupDigits(macsK),
          macsAfter: groupDigits(after),
          macsBefore: groupDigits(before),
          macsSaved: groupDigits(before - after),
          saving: percent(before - after, before),
          weightsAfter: groupDigits(convWeights([1, 1], cin, r) + convWeights(conv.kernel, r, filters)),
          weightsBefore: groupDigits(convWeights(conv.kernel, cin, filters)),
        },
      });
    }
  },
});
