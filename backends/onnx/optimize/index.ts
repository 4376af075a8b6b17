/**
 * Graph optimizations of the lowered ONNX model (`incc compile --target onnx --optimize ...`,
 * spec/onnx.md "Optimizations"). Each is exact (the same function of the input, up to float rounding)
 * and switchable on its own; `bench/onnx-infer.mjs` measures each alone in onnxruntime.
 *
 * - `pool-conv` (pool-conv.ts): average pool -> 1x1 conv becomes 1x1 conv -> average pool;
 * - `concat` (concat.ts): nested concatenations on one axis become one;
 * - `horizontal` (horizontal.ts): 1x1 convolutions reading the same tensor become one wider
 *   convolution and a Split.
 *
 * `default` is `pool-conv` and `concat`: the passes that made onnxruntime's CPU execution faster where
 * they were measured (spec/onnx.md gives the figures). `horizontal` is left out of `default` because
 * onnxruntime's NCHWc layout (graph optimization level `all` on AVX2/AVX-512 CPUs) has no Split: the
 * wide output is reordered back to NCHW and each branch reordered again, which cost more than the
 * fusion saved. Ask for it by name (`--optimize default,horizontal`) for runtimes that gain from it.
 */
import type pkg from 'onnx-proto';
import { flattenConcat } from './concat.js';
import { GraphView } from './graph.js';
import { horizontal } from './horizontal.js';
import { poolConv } from './pool-conv.js';

/** The passes in the order they run (pool-conv first: it gives `horizontal` the pool branches' convs). */
export const OPTIMIZATIONS = ['pool-conv', 'horizontal', 'concat'] as const;
export type Optimization = (typeof OPTIMIZATIONS)[number];
export const DEFAULT_OPTIMIZATIONS: readonly Optimization[] = ['pool-conv', 'concat'];

const PASSES: Record<Optimization, (view: GraphView) => number> = {
  'pool-conv': poolConv,
  horizontal,
  concat: flattenConcat,
};

/**
 * `none`, `default`, `all`, or a comma-separated list of those and pass names (`default,horizontal`):
 * the passes, in running order; or an error message.
 */
export function parseOptimize(text: string): Optimization[] | string {
  const chosen = new Set<Optimization>();
  const words = text.split(',').map((w) => w.trim());
  for (const w of words) {
    if (w === 'none' && words.length === 1) continue;
    if (w === 'default') DEFAULT_OPTIMIZATIONS.forEach((o) => chosen.add(o));
    else if (w === 'all') OPTIMIZATIONS.forEach((o) => chosen.add(o));
    else if ((OPTIMIZATIONS as readonly string[]).includes(w)) chosen.add(w as Optimization);
    else
      return (
        `--optimize takes none, default, all or a comma-separated list of ${OPTIMIZATIONS.join(', ')}` +
        ` (and default), not '${text}'`
      );
  }
  return OPTIMIZATIONS.filter((o) => chosen.has(o));
}

/** What each pass did: pass name -> the number of rewrites. */
export type OptimizeReport = Partial<Record<Optimization, number>>;

/** Runs the passes (in OPTIMIZATIONS' order) on the graph, in place. */
export function optimizeGraph(graph: pkg.onnx.IGraphProto, passes: readonly Optimization[]): OptimizeReport {
  const view = new GraphView(graph);
  const report: OptimizeReport = {};
  for (const o of OPTIMIZATIONS) if (passes.includes(o)) report[o] = PASSES[o](view);
  view.dropUnusedInitializers();
  return report;
}
