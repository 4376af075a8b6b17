/**
 * Average pools hold no weights, so a weights file says nothing of how its framework averaged a padded
 * window; yet torchvision's Inception-v3 counts the zero padding in the divisor (`count_include_pad`) where
 * Keras and incc's default leave it out, and its weights in a network that leaves it out give outputs that
 * differ near the image borders (spec/weights-import.md, "Average pools"). Where a source knows its
 * convention (source.ts, `averagePools`), the network's padded avgpools that differ are a warning, with the
 * `--set` that fixes them when the network has a `count_include_pad` parameter (std/inception_v3 does).
 */
import { diagnostic, type Diagnostic } from '../../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { windowPads } from '../../compiler/ir/kinds/spatial.js';
import type { WeightSource } from './source.js';

/** The network parameter std/inception_v3 (and std/modules' blocks) set the branch pools' convention with. */
export const COUNT_PARAMETER = 'count_include_pad';

/** The warning when the network's padded average pools do not average as the source's did, or undefined. */
export function poolPaddingWarning(graph: IRGraph, source: WeightSource): Diagnostic | undefined {
  const claim = source.averagePools;
  if (!claim) return undefined;
  const differing = graph.nodes.filter((n) => {
    const a = n.attrs;
    if (a.op !== 'avgpool' || a.countIncludePad === claim.countIncludePad) return false;
    return windowPads(a, graph.nodes[n.inputs[0]!]!.shape).some(([begin, end]) => begin + end > 0);
  });
  const first = differing[0];
  if (!first) return undefined;
  const value = String(claim.countIncludePad);
  const fix =
    typeof graph.args[COUNT_PARAMETER] === 'boolean'
      ? `--set ${COUNT_PARAMETER}=${value}`
      : `count_include_pad=${value} on those avgpools`;
  return diagnostic('weights-pool-padding', first.span, {
    source: claim.by,
    sourceWay: claim.countIncludePad ? 'counts' : 'leaves out',
    node: first.name,
    more: differing.length > 1 ? ` and ${differing.length - 1} more avgpools` : '',
    nodeWay: (claim.countIncludePad ? ['does not', 'do not'] : ['counts it', 'count it'])[
      differing.length > 1 ? 1 : 0
    ]!,
    fix,
  });
}
