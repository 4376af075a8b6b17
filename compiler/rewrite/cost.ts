/**
 * What a rewrite costs or saves. "Weights" are kernels only (the paper's arithmetic: a 5x5 is 25 weights per
 * channel pair, two 3x3 are 18), as the layer kinds' variables give them (compiler/ir/kinds/); "params" add
 * biases and batch norm, as `incc summary` counts them; "macs" are multiply-adds (spec/ir.md).
 */
import type { IRGraph, IRNode } from '../ir/ir.js';
import { kernelWeights } from '../ir/kinds/index.js';

export interface Cost {
  weights: number;
  params: number;
  macs: number;
}

/** The cost of some nodes; `inputShape` gives the shape of a node's (first) input. */
export function costOf(nodes: IRNode[], inputShape: (n: IRNode) => number[]): Cost {
  let weights = 0;
  let params = 0;
  let macs = 0;
  for (const n of nodes) {
    weights += kernelWeights(n.attrs, inputShape(n));
    params += n.params.trainable + n.params.nonTrainable;
    macs += n.macs;
  }
  return { weights, params, macs };
}

/** The cost of a whole network: the totals `incc rewrite --explain` and `incc lint --fix` report. */
export function graphCost(graph: IRGraph): Cost {
  return costOf(graph.nodes, (n) => (n.inputs.length > 0 ? graph.nodes[n.inputs[0]!]!.shape : []));
}
