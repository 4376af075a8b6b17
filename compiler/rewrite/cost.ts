/**
 * What a rewrite costs or saves. "Weights" are convolution and dense kernels only (the paper's
 * arithmetic: a 5x5 is 25 weights per channel pair, two 3x3 are 18); "params" add biases and batch
 * norm, as `incc summary` counts them; "macs" are multiply-adds (spec/ir.md).
 */
import type { IRNode } from '../ir/ir.js';

export interface Cost {
  weights: number;
  params: number;
  macs: number;
}

/** Kernel weights of a node: kh*kw*C_in*C_out for a conv, in*out for a dense; 0 otherwise. */
export function kernelWeights(n: IRNode, inputChannels: number): number {
  if (n.attrs.op === 'conv') return n.attrs.kernel[0] * n.attrs.kernel[1] * inputChannels * n.attrs.filters;
  if (n.attrs.op === 'dense') return inputChannels * n.attrs.units;
  return 0;
}

/** The cost of some nodes; `inputShape` gives the shape of a node's (first) input. */
export function costOf(nodes: IRNode[], inputShape: (n: IRNode) => number[]): Cost {
  let weights = 0;
  let params = 0;
  let macs = 0;
  for (const n of nodes) {
    const shape = inputShape(n);
    weights += kernelWeights(n, shape[shape.length - 1] ?? 0);
    params += n.params.trainable + n.params.nonTrainable;
    macs += n.macs;
  }
  return { weights, params, macs };
}
