/**
 * coarse-grid-expansion (principle 2, Figure 7): "higher dimensional representations are easier to
 * process locally within a network". Inception-v3 widens its last stages on the coarsest grid with
 * expanded filter banks (Figure 7): 17x17x768 -> 8x8x1280 -> 8x8x2048.
 *
 * What is measured: the main path's stages (the nodes every path from the input to the output passes
 * through) on spatial grids larger than 1x1, grouped by grid. The representation that leaves the
 * coarsest grid (the last stage there, what global pooling reads) is compared with the one that entered
 * the last grid reduction (the last stage of the grid before). A channel ratio under `minWidening`
 * (default 2) is reported: twice the channels is what a grid reduction gives by itself (section 5:
 * d x d x k -> d/2 x d/2 x 2k), so a coarsest grid narrower than that has not been widened at all where
 * the paper widens most. Inception-v3: 2048 / 768 = 2.67, clean; GoogLeNet: 1024 / 832 = 1.23, reported.
 */
import { groupDigits, shapeText } from '../../print/text.js';
import { defineRule } from '../engine/rule.js';
import { gridSequence } from '../engine/grids.js';
import { joinTemplate } from '../../diagnostics/template.js';

export default defineRule({
  id: 'coarse-grid-expansion',
  section: 'principle 2',
  description:
    'The representation on the coarsest grid is not widened (fewer than 2x the channels of the grid before).',
  defaultSeverity: 'info',
  options: {
    minWidening: {
      description: 'the least ratio of the channels leaving the coarsest grid to those leaving the grid before it',
      default: 2,
    },
  },
  messages: {
    narrow: joinTemplate(
      'the coarsest grid, {grid}, ends at {name} ({shape}) with {ratio}x the {prevChannels} channels of ',
      '{prevName} ({prevShape}) before the last grid reduction, less than {min}x; activations go from ',
      '{prevActs} to {acts} ({actsPct} of them): higher-dimensional representations are easier to process ',
      'locally (principle 2), so widen the last stage on {grid}, e.g. with expanded filter banks (Figure 7), ',
      'to at least {suggested} channels (Inception-v3: 17x17x768 -> 8x8x2048, 2.67x)',
    ),
  },
  check(graph, context) {
    const grids = gridSequence(graph);
    if (grids.length < 2) return;
    // The coarsest grid (the last of equals) and the grid the path came from.
    let k = 0;
    grids.forEach((g, i) => {
      if (g.area <= grids[k]!.area) k = i;
    });
    if (k === 0) return;
    const coarse = grids[k]!.last;
    const prev = grids[k - 1]!.last;
    const channels = coarse.shape[2]!;
    const prevChannels = prev.shape[2]!;
    const ratio = channels / prevChannels;
    if (ratio >= context.options.minWidening) return;
    const acts = coarse.shape[0]! * coarse.shape[1]! * channels;
    const prevActs = prev.shape[0]! * prev.shape[1]! * prevChannels;
    context.report({
      node: coarse,
      messageId: 'narrow',
      data: {
        grid: shapeText(grids[k]!.grid),
        name: coarse.name,
        shape: shapeText(coarse.shape),
        ratio: (Math.round(ratio * 100) / 100).toString(),
        prevChannels: groupDigits(prevChannels),
        prevName: prev.name,
        prevShape: shapeText(prev.shape),
        min: context.options.minWidening,
        acts: groupDigits(acts),
        prevActs: groupDigits(prevActs),
        actsPct: `${Math.round((acts / prevActs) * 100)}%`,
        suggested: groupDigits(Math.ceil(context.options.minWidening * prevChannels)),
      },
    });
  },
});
