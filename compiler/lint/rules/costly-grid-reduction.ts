/**
 * costly-grid-reduction (section 5, Figure 9 right): a widening convolution at full resolution followed by
 * a stride-2 pool. It avoids the bottleneck of "pool then conv", but pays for every output of the
 * convolution and then discards three quarters of them: the paper counts 2d²m²k² operations for
 * d x d x k -> d/2 x d/2 x 2k, four times the "pool then conv" order. Figure 10 gets the same output
 * without either cost: a stride-2 convolution beside the stride-2 pool, concatenated.
 *
 * The message compares the conv with that replacement, computed as std/rules
 * efficient_grid_reduction_conv_pool builds it: a conv with the pool's kernel, stride and padding on the
 * conv's input, producing (filters - in_channels) channels, beside the pool of the input (a pool costs no
 * multiply-adds, spec/ir.md). Full convolutions only: the arithmetic and std/rules' replacement are theirs.
 * Reported when the replacement saves at least `minSaving` of the multiply-adds.
 */
import { groupDigits, kernelText, shapeText } from '../../print/text.js';
import { fullConvolutionOf } from '../../ir/kinds/index.js';
import { convMacs } from '../../ir/kinds/conv.js';
import { outputLength } from '../../ir/kinds/spatial.js';
import { defineRule } from '../engine/rule.js';
import { consumersOf, percent } from '../engine/trunk.js';
import { joinTemplate } from '../../diagnostics/template.js';

export default defineRule({
  id: 'costly-grid-reduction',
  section: 'section 5',
  description:
    'A widening convolution at full resolution followed by a stride-2 pool (Figure 9 right), where a ' +
    'parallel reduction (Figure 10) costs far less.',
  defaultSeverity: 'warning',
  options: {
    minSaving: {
      description: 'the least fraction of the multiply-adds the parallel reduction must save to be reported',
      default: 0.5,
    },
  },
  messages: {
    convThenPool: joinTemplate(
      'conv {kernel} {filters} {name} runs at full resolution on {input} ({macsBefore} multiply-adds) and ',
      '{pool} {poolName} then keeps a quarter of its outputs: a stride-2 conv {poolKernel} of {extra} ',
      'filters beside the pool (Figure 10) gives the same {output} for {macsAfter} multiply-adds ',
      '({macsSaved} fewer, {saving}); {fix}',
    ),
  },
  check(graph, context) {
    const consumers = consumersOf(graph);
    for (const c of graph.nodes) {
      const conv = fullConvolutionOf(c);
      if (!conv || conv.stride[0] !== 1 || conv.stride[1] !== 1 || conv.padding !== 'same') continue;
      const readers = consumers.get(c.id) ?? [];
      if (readers.length !== 1 || readers[0]! < 0) continue;
      const p = graph.nodes[readers[0]!]!;
      if (p.attrs.op !== 'maxpool' && p.attrs.op !== 'avgpool') continue;
      if (p.attrs.stride[0] !== 2 || p.attrs.stride[1] !== 2 || p.inputs.length !== 1) continue;
      const [h, w, cin] = graph.nodes[c.inputs[0]!]!.shape as [number, number, number];
      const filters = conv.filters;
      if (filters <= cin) continue;
      // The replacement: conv p.kernel /2 p.padding of (filters - cin) on the conv's input, beside the pool.
      const [pkh, pkw] = p.attrs.kernel;
      const oh = outputLength(h, pkh, 2, p.attrs.padding);
      const ow = outputLength(w, pkw, 2, p.attrs.padding);
      const before = c.macs + p.macs;
      const after = convMacs([oh, ow], p.attrs.kernel, cin, filters - cin);
      if ((before - after) / before < context.options.minSaving) continue;
      context.report({
        node: c,
        messageId: 'convThenPool',
        ...(p.attrs.op === 'maxpool'
          ? { fix: { rule: 'efficient_grid_reduction_conv_pool', args: '', nodes: [c, p] } }
          : {}),
        data: {
          kernel: kernelText(conv),
          filters,
          name: c.name,
          input: shapeText(graph.nodes[c.inputs[0]!]!.shape),
          macsBefore: groupDigits(before),
          pool: `${p.attrs.op} ${kernelText(p.attrs)}`,
          poolName: p.name,
          poolKernel: `${pkh}x${pkw}/2${p.attrs.padding === 'valid' ? ' valid' : ''}`,
          extra: filters - cin,
          output: shapeText(p.shape),
          macsAfter: groupDigits(after),
          macsSaved: groupDigits(before - after),
          saving: percent(before - after, before),
          fix:
            p.attrs.op === 'maxpool'
              ? 'apply std/rules efficient_grid_reduction_conv_pool'
              : 'write the parallel reduction with this average pool (std/rules ' +
                'efficient_grid_reduction_conv_pool matches max pools only)',
        },
      });
    }
  },
});
