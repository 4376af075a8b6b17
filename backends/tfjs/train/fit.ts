/**
 * Whether a training run fits in memory, before it starts (the estimate of backends/common/memory.ts
 * against wasm's 4 GiB heap, or the machine's memory on the native and cpu backends), and the same
 * diagnostic when a backend runs out anyway (wasm's `Aborted()`, a failed allocation): the network, the
 * batch size, the estimate and what to do, never an internal error.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { IRGraph } from '../../../compiler/ir/ir.js';
import {
  formatBytes,
  largestBatchFitting,
  optimizerSlots,
  RUNTIMES,
  trainingMemory,
  type MemoryRuntime,
  type TrainingMemory,
} from '../../common/memory.js';
import type { SelectedBackend } from './backend.js';
import type { Recipe } from '../../../compiler/ir/recipe.js';

/** The memory this process may use: the machine's, or its cgroup's limit when lower. */
export function memoryLimit(): number {
  let limit = totalmem();
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const v = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(v) && v > 0 && v < limit) limit = v;
    } catch {
      // no such limit
    }
  }
  return limit;
}

function runtimeOf(backend: SelectedBackend): MemoryRuntime {
  return backend.name === 'tensorflow' ? 'tensorflow' : 'wasm';
}

function estimate(
  graph: IRGraph,
  recipe: Recipe,
  runtime: MemoryRuntime,
  batchSize = recipe.batchSize,
): TrainingMemory {
  const o = recipe.optimizer;
  const slots = optimizerSlots(o.name, 'momentum' in o ? o.momentum : 0);
  return trainingMemory(graph, batchSize, runtime, { optimizerSlots: slots, ema: recipe.ema !== null });
}

function describe(graph: IRGraph, m: TrainingMemory): string {
  return (
    `${graph.network} at batch size ${m.batchSize} needs about ${formatBytes(m.total)} to train ` +
    `(estimate: activations ${formatBytes(m.activations)}, weights ${formatBytes(m.weights)}, ` +
    (`gradients ${formatBytes(m.gradients)}, optimizer state ${formatBytes(m.optimizer)}, runtime ` +
      `${formatBytes(m.runtimeBytes)})`)
  );
}

const NATIVE_ADVICE =
  'the native backend (npm install @tensorflow/tfjs-node, or scripts/tfjs-node-from-wheel.sh; see incc train --help)';

/** Why the run cannot fit, with advice; null when the estimate fits. */
export function memoryProblem(
  graph: IRGraph,
  recipe: Recipe,
  backend: SelectedBackend,
  limit = memoryLimit(),
): string | null {
  const runtime = runtimeOf(backend);
  const m = estimate(graph, recipe, runtime);
  const heapLimit = RUNTIMES[runtime].heapLimit;
  if (heapLimit !== undefined && backend.name === 'wasm' && m.heap > heapLimit) {
    const fits = largestBatchFitting(graph, heapLimit, runtime, 'heap', { ema: recipe.ema !== null });
    const native = estimate(graph, recipe, 'tensorflow');
    return (
      `${describe(graph, m)}, more than the wasm backend's ${formatBytes(heapLimit)} heap: ` +
      `${fits > 0 ? `use --batch-size ${fits} or smaller, or` : 'use'} ${NATIVE_ADVICE}` +
      ` (about ${formatBytes(native.total)} there at batch size ${m.batchSize})`
    );
  }
  if (m.total > limit) {
    const fits = largestBatchFitting(graph, limit, runtime, 'total', { ema: recipe.ema !== null });
    return (
      `${describe(graph, m)}, more than this machine's ${formatBytes(limit)}: ` +
      (fits > 0
        ? `use --batch-size ${fits} or smaller`
        : 'it does not fit even at batch size 1: use a smaller network or input')
    );
  }
  return null;
}

/**
 * What a backend running out of memory throws: wasm's abort (an allocation inside a kernel), its `memory
 * access out of bounds` (a tensor written through the null pointer of a failed allocation, seen when tensors
 * fill the 4 GiB heap), a failed allocation elsewhere.
 */
const OUT_OF_MEMORY = [
  /Aborted\(/i,
  /memory access out of bounds/i,
  /out of memory/i,
  /Cannot enlarge memory/i,
  /Array buffer allocation failed/i,
  /OOM when allocating/i,
];

/** Whether an error is a backend running out of memory (OUT_OF_MEMORY). */
export function isOutOfMemory(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return OUT_OF_MEMORY.some((p) => p.test(text));
}

/** The diagnostic for a run that ran out of memory although the estimate fitted. */
export function outOfMemoryMessage(graph: IRGraph, recipe: Recipe, backendName: string): string {
  const m = estimate(graph, recipe, backendName === 'tensorflow' ? 'tensorflow' : 'wasm');
  const smaller = Math.max(1, Math.floor(recipe.batchSize / 2));
  return (
    `the ${backendName} backend ran out of memory: ${describe(graph, m)}: ` +
    `use a smaller --batch-size (e.g. ${smaller})${backendName === 'tensorflow' ? '' : `, or ${NATIVE_ADVICE}`}`
  );
}
