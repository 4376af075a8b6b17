/** An activation on its own; .incp writes it `relu` (the only one with a layer of its own). */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';

export const activation: LayerKind<AttrsOf<'activation'>> = {
  syntax: [
    {
      name: 'relu',
      summary: 'ReLU activation on its own',
      options: [],
      build: () => ({ op: 'activation', activation: 'relu' }),
    },
  ],
  infer: (_a, inputs) => ({ shape: [...(inputs[0] ?? [])], macs: 0 }),
  variables: () => [],
  describe: (a) => ({ head: a.activation, options: [] }),
  options: (a) => ({ kind: a.activation, options: {} }),
};
