/**
 * The memory a training step needs, from the IR alone (no tfjs): what `incc summary` prints per batch size
 * and what `incc train` checks before it starts, so that a run that cannot fit stops with a diagnostic
 * instead of wasm's `Aborted()` or the kernel's out-of-memory killer.
 *
 *   weights      every parameter, float32
 *   gradients    one per trainable parameter
 *   optimizer    the optimizer's slots per trainable parameter (RMSProp with momentum and Adam 2, momentum
 *                1, SGD 0), plus one copy for an exponential moving average of the weights
 *   activations  batch x the float32 tensors a step keeps for the backward pass (tensorsKept() per node:
 *                what the gradient tape keeps of incc train's forward pass), times the runtime's measured
 *                overhead (the backward pass's gradients, the allocator, temporaries)
 *   runtime      the runtime itself before any tensor (Node, tfjs, libtensorflow)
 */
import type { IRGraph, IRNode } from '../../compiler/ir/ir.js';

const FLOAT = 4;

export type MemoryRuntime = 'tensorflow' | 'wasm';

/**
 * Measured with the fused training forward (backends/tfjs/train/fused.ts): peak RSS of one-step training runs
 * of Inception-v3 (10 classes), the per-image slope over the IR's kept-tensor bytes. tfjs-node 4.22 on
 * libtensorflow 2.21: 2.1 between batch 8 and 16 at 299 (2.57 and 4.16 GB, bench/train-v3.mjs), so 2.3, which
 * covers the 4.6 GB of `incc train` at batch 16 with the aux head (test/heavy/); tfjs's wasm backend (4.22):
 * 2.75 at input 139 (batch 16 and 32), 2.85 at 299 (batch 8 and 13: 2.49 and 3.83 GB, batch 13 within the
 * 4 GiB heap), so 3.0. (Unfused, tfjs-layers' own forward kept about 1.8 times the bytes, at 3.6 and 5.5.)
 */
export const RUNTIMES: Record<
  MemoryRuntime,
  { label: string; activationOverhead: number; runtimeBytes: number; heapLimit?: number }
> = {
  tensorflow: { label: 'tfjs-node', activationOverhead: 2.3, runtimeBytes: 0.7e9 },
  wasm: { label: 'wasm', activationOverhead: 3.0, runtimeBytes: 0.42e9, heapLimit: 2 ** 32 },
};

/** Full-size float tensors the gradient tape keeps for a node in training mode (fused.ts, else tfjs-layers' ops). */
export function tensorsKept(n: IRNode): number {
  const a = n.attrs;
  switch (a.op) {
    case 'conv':
      // conv -> batch norm -> activation without a bias runs fused in training (backends/tfjs/train/fused.ts):
      // it keeps the convolution's output and its own output
      if (a.bn && !a.bias && (a.activation === 'relu' || a.activation === 'linear')) return 2;
      // convolution, + bias add, + batch norm (the squared deviations of its moments, its output),
      // + activation
      return 1 + (a.bias && !a.bn ? 1 : 0) + (a.bn ? 2 : 0) + (a.activation === 'linear' ? 0 : 1);
    case 'dense':
      return 1 + (a.bias ? 1 : 0) + (a.activation === 'linear' ? 0 : 1);
    case 'batchnorm':
    case 'dropout':
      return 2;
    default:
      return 1;
  }
}

export interface TrainingMemory {
  runtime: MemoryRuntime;
  batchSize: number;
  /** Bytes: each part, the total, and what lives in the backend's heap (the total less the runtime). */
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  runtimeBytes: number;
  total: number;
  heap: number;
}

export interface MemoryOptions {
  /** Optimizer slots per trainable parameter; default 2 (the paper's RMSProp with momentum). */
  optimizerSlots?: number;
  /** An exponential moving average of the weights is kept. */
  ema?: boolean;
}

/** The slots an optimizer keeps per parameter, by the recipe's name. */
export function optimizerSlots(name: string, momentum = 0.9): number {
  if (name === 'rmsprop') return momentum > 0 ? 2 : 1;
  if (name === 'adam') return 2;
  if (name === 'momentum') return 1;
  return 0;
}

/** Bytes per image of the tensors a training step keeps for the backward pass (no overhead). */
export function keptBytesPerImage(graph: IRGraph): number {
  let elements = 0;
  for (const n of graph.nodes) elements += n.shape.reduce((p, d) => p * d, 1) * tensorsKept(n);
  return elements * FLOAT;
}

export function trainingMemory(
  graph: IRGraph,
  batchSize: number,
  runtime: MemoryRuntime,
  options: MemoryOptions = {},
): TrainingMemory {
  let trainable = 0;
  let all = 0;
  for (const n of graph.nodes) {
    trainable += n.params.trainable;
    all += n.params.trainable + n.params.nonTrainable;
  }
  const r = RUNTIMES[runtime];
  const slots = (options.optimizerSlots ?? 2) + (options.ema ? 1 : 0);
  const weights = all * FLOAT;
  const gradients = trainable * FLOAT;
  const optimizer = trainable * slots * FLOAT;
  const activations = Math.round(batchSize * keptBytesPerImage(graph) * r.activationOverhead);
  const heap = weights + gradients + optimizer + activations;
  return {
    runtime,
    batchSize,
    weights,
    gradients,
    optimizer,
    activations,
    runtimeBytes: r.runtimeBytes,
    total: heap + r.runtimeBytes,
    heap,
  };
}

/** The largest batch size whose estimate stays within `bytes` of total memory (or of heap, for a heap limit). */
export function largestBatchFitting(
  graph: IRGraph,
  bytes: number,
  runtime: MemoryRuntime,
  of: 'total' | 'heap',
  options: MemoryOptions = {},
): number {
  const fixed = trainingMemory(graph, 0, runtime, options)[of];
  const perImage = keptBytesPerImage(graph) * RUNTIMES[runtime].activationOverhead;
  return Math.max(0, Math.floor((bytes - fixed) / perImage));
}

/** Bytes as people read them: 512 MB, 3.4 GB (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} KB`;
}

/** The lines `incc summary` prints: the estimate per batch size on each runtime. */
export function memoryTable(
  graph: IRGraph,
  batchSizes: number[] = [1, 8, 16, 32, 64],
  options: MemoryOptions = {},
): string[] {
  const base = trainingMemory(graph, 0, 'tensorflow', options);
  const perImage = keptBytesPerImage(graph);
  const lines = [
    `Training memory (estimate; float32, RMSProp: weights ${formatBytes(base.weights)}, gradients ` +
      `${formatBytes(base.gradients)}, ` +
      (`optimizer ${formatBytes(base.optimizer)}; activations ${formatBytes(perImage)} an image kept for the ` +
        `backward pass, `) +
      `x${RUNTIMES.tensorflow.activationOverhead} on tfjs-node, x${RUNTIMES.wasm.activationOverhead} on wasm):`,
  ];
  const cell = (b: number, rt: MemoryRuntime): string => {
    const m = trainingMemory(graph, b, rt, options);
    const limit = RUNTIMES[rt].heapLimit;
    return `${formatBytes(m.total)}${limit !== undefined && m.heap > limit ? ' (over the 4 GiB heap)' : ''}`;
  };
  for (const b of batchSizes)
    lines.push(`  batch ${String(b).padStart(3)}: tfjs-node ${cell(b, 'tensorflow')}, wasm ${cell(b, 'wasm')}`);
  return lines;
}
