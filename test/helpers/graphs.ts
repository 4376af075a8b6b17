/**
 * IR graphs for the backend tests: built from .incp text or a stdlib file, with deterministic random weights
 * (random batch-norm statistics, so that folding is really exercised) and inputs.
 */
import { join } from 'node:path';
import type { IRGraph } from '../../compiler/ir/ir.js';
import { buildNetwork } from '../../compiler/program/pipeline.js';
import { loadProgram, loadProgramFromText, stdlibDir } from '../../compiler/program/node-host.js';
import { initialValue, weightSpecs } from '../../backends/common/weights.js';

export function graphOf(text: string, args: Record<string, number | boolean> = {}, network?: string): IRGraph {
  const program = loadProgramFromText(text, join(stdlibDir, '..', 'test-onnx.incp'));
  const errors = program.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  const r = buildNetwork(program, { args, network });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graph;
}

export function stdlibGraph(file: string, network?: string, args: Record<string, number | boolean> = {}): IRGraph {
  const program = loadProgram(join(stdlibDir, file));
  const r = buildNetwork(program, { network, args });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graph;
}

/** A small deterministic generator (LCG), uniform in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/**
 * The initial weights of `seed`, with random batch-norm statistics: moving means and betas in
 * [-0.1, 0.1], moving variances in [0.3, 0.7] (which also keeps activations from fading over a deep
 * network), gammas in [0.7, 1.3]. Dense and conv biases small and random too.
 */
export function randomizedWeights(graph: IRGraph, seed = 7): Map<string, Float32Array> {
  const rnd = lcg(seed * 7919 + 1);
  const out = new Map<string, Float32Array>();
  for (const spec of weightSpecs(graph)) {
    const v = initialValue(spec, seed);
    const fill = (lo: number, hi: number): void => {
      for (let i = 0; i < v.length; i++) v[i] = lo + rnd() * (hi - lo);
    };
    if (spec.role === 'moving_mean' || spec.role === 'beta' || spec.role === 'bias') fill(-0.1, 0.1);
    else if (spec.role === 'moving_variance') fill(0.3, 0.7);
    else if (spec.role === 'gamma') fill(0.7, 1.3);
    out.set(spec.name, v);
  }
  return out;
}

export function randomInput(size: number, seed = 3): Float32Array {
  const rnd = lcg(seed);
  const x = new Float32Array(size);
  for (let i = 0; i < x.length; i++) x[i] = rnd() * 2 - 1;
  return x;
}
