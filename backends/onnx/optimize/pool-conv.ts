/**
 * `pool-conv`: an average pool followed by a 1x1 convolution (the pool branch of Inception-v3's modules:
 * `avgpool 3x3 -> conv 1x1`) becomes the convolution followed by the pool.
 *
 * Exact: a 1x1 convolution is the same matrix product at every pixel, and an average pool is, per
 * channel, a fixed weighted sum of pixels whose weights add up to 1 (with count_include_pad = 0 the
 * padding is left out of the count, TensorFlow's semantics). So conv(pool(x)) = W (sum_q a_q x_q) + b =
 * sum_q a_q (W x_q + b) = pool(conv(x)). With count_include_pad = 1 the padded zeros take part and the
 * bias would not commute, so such a pool is left alone unless the convolution has no bias.
 *
 * Why: the pool then runs over the convolution's output channels instead of its input's (Inception-v3:
 * 32 instead of 192 in mixed0, 192 instead of 768 in mixed4..mixed7, 192 instead of 2048 in mixed10),
 * and the 1x1 convolution reads the module's input like its siblings, so `horizontal` can fuse it with
 * them. Only pools with stride 1 that keep the spatial size (SAME) are moved, so the convolution does not
 * get more pixels, and only where the convolution has at most as many output channels as input.
 *
 * The swap keeps the nodes in topological order: the convolution takes the pool's place in the list (it
 * reads the pool's input, written before) and the pool takes the convolution's (everything reading the
 * convolution's output comes after it).
 */
import { all, convInfo, intOf, intsOf, isPointwise, note, type GraphView, type INodeProto } from './graph.js';

function isSamePool(pool: INodeProto): boolean {
  if (pool.opType !== 'AveragePool' || (pool.domain ?? '') !== '') return false;
  if (pool.attribute?.some((a) => a.name === 'auto_pad')) return false;
  const kernel = intsOf(pool, 'kernel_shape', []);
  const strides = intsOf(
    pool,
    'strides',
    kernel.map(() => 1),
  );
  const pads = intsOf(
    pool,
    'pads',
    [...kernel, ...kernel].map(() => 0),
  );
  const dilations = intsOf(
    pool,
    'dilations',
    kernel.map(() => 1),
  );
  if (kernel.length !== 2 || !all(strides, 1) || !all(dilations, 1) || intOf(pool, 'ceil_mode', 0) !== 0) return false;
  // Stride 1: out = in + begin + end - k + 1, the input's size exactly when begin + end = k - 1.
  return kernel.every((k, i) => pads[i]! + pads[i + kernel.length]! === k - 1);
}

/** Moves each eligible 1x1 convolution before its average pool; returns how many were moved. */
export function poolConv(view: GraphView): number {
  // The pairs are disjoint (a pool has one reader, a conv reads one pool), and a swap renames no tensor
  // that another pair's checks read: find them all, then swap.
  const pairs: [INodeProto, INodeProto][] = [];
  for (const pool of view.nodes) {
    if (!isSamePool(pool)) continue;
    const pooled = pool.output![0]!;
    const next = view.onlyReader(pooled);
    const conv = next && convInfo(view, next);
    if (!conv || !isPointwise(conv) || conv.node.input![0] !== pooled) continue;
    if (conv.dims[0]! > conv.dims[1]!) continue; // more output channels than input: the pool would cost more
    if (intOf(pool, 'count_include_pad', 0) !== 0 && conv.hasBias) continue;
    pairs.push([pool, conv.node]);
  }
  if (pairs.length === 0) return 0;
  const swapped = new Map<INodeProto, INodeProto>();
  for (const [pool, conv] of pairs) {
    const unpooled = view.fresh(`${conv.name}/unpooled`);
    const y = conv.output![0]!;
    conv.input![0] = pool.input![0]!;
    conv.output![0] = unpooled;
    pool.input![0] = unpooled;
    pool.output![0] = y;
    swapped.set(pool, conv).set(conv, pool);
    note(conv, `optimized (pool-conv): runs before the average pool ${pool.name}, which now pools its output`);
    note(pool, `optimized (pool-conv): pools the output of ${conv.name}, moved before it`);
  }
  view.graph.node = view.nodes.map((n) => swapped.get(n) ?? n);
  view.reindex();
  return pairs.length;
}
