/**
 * auxiliary-classifier (section 4): the paper found that auxiliary classifiers do not speed up early
 * training but act as regularizers; that removing GoogLeNet's lower auxiliary branch had no adverse
 * effect; and that batch-normalizing the auxiliary classifier ("BN-auxiliary") improves the main one
 * (Table 3: 21.6% -> 21.2% top-1 error). Inception-v3 keeps one head, on top of the last 17x17 layer.
 *
 * Reported, each with its own message:
 * - `notLastStage`: the head reads a node below the last stage of its grid: a later stage of the main
 *   path (a node every path from the input to the output passes through: a module's concat, a stem
 *   layer) still runs on the same H x W grid.
 * - `earlyGrid`: the head reads a grid with more than `maxReductionsAfter` grid reductions still to come
 *   (Inception-v3's head reads 17x17, one reduction before the final 8x8).
 * - `tooMany`: more than `maxHeads` heads; every head but the highest (the one reading the latest node)
 *   is reported.
 * - `noBatchNorm`: nothing in the head is batch-normalized (no conv with bn, no batchnorm layer).
 * - `unnormalizedLayer`: a hidden layer of the head (a conv or dense other than the final classifier)
 *   has no batch norm, fused or in a batchnorm layer right after it: BN-auxiliary normalizes "the fully
 *   connected layer of the auxiliary classifier" too (std/rules bn_auxiliary does it for a dense layer).
 */
import type { AuxHead, IRGraph, IRNode } from '../../ir/ir.js';
import { convolutionOf, kernelWeights, optionsOf } from '../../ir/kinds/index.js';
import { shapeText } from '../../print/text.js';
import { defineRule } from '../engine/rule.js';
import { gridOf, gridSequence, gridStages } from '../engine/grids.js';
import { joinTemplate } from '../../diagnostics/template.js';

const sameGrid = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];

/** Ops that may stand between a layer and its batchnorm layer. */
const passThrough = new Set(['activation', 'dropout', 'flatten', 'batchnorm']);

function describeLayer(n: IRNode, graph: IRGraph): string {
  const input = graph.nodes[n.inputs[0]!]!.shape;
  if (n.attrs.op === 'dense') return `${n.name} (dense ${shapeText(input)} -> ${n.attrs.units})`;
  const conv = convolutionOf(n);
  if (conv)
    return (
      `${n.name} (${optionsOf(n.attrs).kind} ${shapeText(conv.kernel)} ${shapeText(input)} -> ` +
      `${shapeText(n.shape)})`
    );
  return n.name;
}

/** A layer with a kernel (a convolution, full or separable, or a dense layer): a hidden layer or the classifier. */
const hasKernel = (n: IRNode, graph: IRGraph) => kernelWeights(n.attrs, graph.nodes[n.inputs[0]!]!.shape) > 0;

/** The head's hidden layers that have no batch norm, and whether it has any batch norm at all. */
function headNormalization(head: AuxHead, graph: IRGraph): { unnormalized: IRNode[]; hidden: IRNode[]; any: boolean } {
  const nodes = graph.nodes.filter((n) => n.head === head.name);
  const consumers = new Map<number, IRNode[]>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const layers = nodes.filter((n) => hasKernel(n, graph));
  // The classifier: the last conv or dense of the head. Everything before it is hidden.
  const hidden = layers.slice(0, -1);
  const normalized = (n: IRNode): boolean => {
    if (convolutionOf(n)?.bn) return true;
    const queue = [...(consumers.get(n.id) ?? [])];
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (c.attrs.op === 'batchnorm') return true;
      if (passThrough.has(c.attrs.op)) queue.push(...(consumers.get(c.id) ?? []));
    }
    return false;
  };
  const any = nodes.some((n) => n.attrs.op === 'batchnorm' || !!convolutionOf(n)?.bn);
  return { unnormalized: hidden.filter((n) => !normalized(n)), hidden, any };
}

export default defineRule({
  id: 'auxiliary-classifier',
  section: 'section 4',
  description:
    'An auxiliary classifier below the last stage before the final grid, more than one, or one without batch norm.',
  defaultSeverity: 'warning',
  options: {
    maxHeads: { description: 'the most auxiliary heads a network may have', default: 1 },
    maxReductionsAfter: {
      description: 'the most grid reductions allowed between the grid a head reads and the final grid',
      default: 1,
    },
    batchNorm: { description: 'report heads that are not batch-normalized (BN-auxiliary)', default: true },
  },
  messages: {
    notLastStage: joinTemplate(
      'aux head {head} reads {from} ({shape}), but the main path goes on at {grid} through {count} more ',
      '{stages} up to {last}: the paper found a lower auxiliary classifier useless and keeps one on top of ',
      'the last layer of the grid (section 4); read from {last}',
    ),
    earlyGrid: joinTemplate(
      'aux head {head} reads {from} on the {grid} grid, {reductions} grid reductions below the final {final} ',
      'grid: the paper keeps its auxiliary classifier on the last stage before the final grid reduction (the ',
      'last 17x17 layer of Inception-v3, section 4); read from {target} ({targetShape})',
    ),
    tooMany: joinTemplate(
      'aux head {head} (on {from}) is one of {count} auxiliary classifiers: removing the lower one of ',
      "GoogLeNet's two had no adverse effect, and the paper keeps one, on top (section 4); keep {kept} (on ",
      '{keptFrom})',
    ),
    noBatchNorm: joinTemplate(
      "aux head {head} has no batch normalization: the paper's BN-auxiliary, a batch-normalized auxiliary ",
      'classifier, took top-1 error from 21.6% to 21.2% (section 4, Table 3); set bn=true on its ',
      'convolutions and batch-normalize its fully connected layers (std/rules bn_auxiliary)',
    ),
    unnormalizedLayer: joinTemplate(
      'aux head {head}: {layers} {verb} not batch-normalized: BN-auxiliary normalizes the fully connected ',
      'layer of the auxiliary classifier too (section 4, Table 3: 21.6% -> 21.2% top-1); {fix}',
    ),
  },
  check(graph, context) {
    const { maxHeads, maxReductionsAfter, batchNorm } = context.options;
    const stages = gridStages(graph);
    const grids = gridSequence(graph);

    // Position: the grid the head reads, and the stages after it.
    for (const head of graph.aux) {
      const from = graph.nodes[head.from]!;
      const grid = gridOf(from);
      if (!grid) continue;
      const after = grids.filter((g) => g.first.id > from.id || g.last.id > from.id);
      const smaller = after.filter((g) => g.area < grid[0] * grid[1]);
      const target = grids[grids.length - 1 - maxReductionsAfter];
      if (smaller.length > maxReductionsAfter && target) {
        context.report({
          span: head.span,
          messageId: 'earlyGrid',
          data: {
            head: head.name,
            from: from.name,
            grid: shapeText(grid),
            reductions: smaller.length,
            final: shapeText(grids[grids.length - 1]!.grid),
            target: target.last.name,
            targetShape: shapeText(target.last.shape),
          },
        });
        continue;
      }
      const later = stages.filter((s) => s.node.id > from.id && sameGrid(s.grid, grid));
      if (later.length > 0) {
        const last = later[later.length - 1]!.node;
        context.report({
          span: head.span,
          messageId: 'notLastStage',
          data: {
            head: head.name,
            from: from.name,
            shape: shapeText(from.shape),
            grid: shapeText(grid),
            count: later.length,
            stages: later.length === 1 ? 'stage' : 'stages',
            last: last.name,
          },
        });
      }
    }

    // How many: keep the highest (the latest node read; the last declared among equals).
    if (graph.aux.length > maxHeads) {
      const ranked = graph.aux.map((head, k) => ({ head, k })).sort((a, b) => b.head.from - a.head.from || b.k - a.k);
      const kept = ranked.slice(0, maxHeads).map((r) => r.head);
      for (const { head } of ranked.slice(maxHeads).sort((a, b) => a.k - b.k)) {
        context.report({
          span: head.span,
          messageId: 'tooMany',
          data: {
            head: head.name,
            from: graph.nodes[head.from]!.name,
            count: graph.aux.length,
            kept: kept.map((h) => h.name).join(', '),
            keptFrom: kept.map((h) => graph.nodes[h.from]!.name).join(', '),
          },
        });
      }
    }

    // Batch norm.
    if (!batchNorm) return;
    for (const head of graph.aux) {
      const { unnormalized, any } = headNormalization(head, graph);
      if (!any) {
        context.report({ span: head.span, messageId: 'noBatchNorm', data: { head: head.name } });
        continue;
      }
      if (unnormalized.length === 0) continue;
      const allDenseRelu = unnormalized.every((n) => n.attrs.op === 'dense' && n.attrs.activation === 'relu');
      context.report({
        node: unnormalized[0]!,
        messageId: 'unnormalizedLayer',
        ...(allDenseRelu ? { fix: { rule: 'bn_auxiliary', args: '', nodes: unnormalized } } : {}),
        data: {
          head: head.name,
          layers: unnormalized.map((n) => describeLayer(n, graph)).join(', '),
          verb: unnormalized.length === 1 ? 'is' : 'are',
          fix: allDenseRelu
            ? 'apply std/rules bn_auxiliary (dense without bias, batchnorm, then relu)'
            : 'set bn=true on its convolutions and follow its dense layers with batchnorm',
        },
      });
    }
  },
});
