/** `batchnorm`: batch normalization on its own, over the last axis. Keras's variables; no multiply-adds. */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';
import { batchNormVariables, bnEpsilon, bnMomentum, bnScale } from './options.js';

export const batchnorm: LayerKind<AttrsOf<'batchnorm'>> = {
  syntax: [
    {
      name: 'batchnorm',
      summary: 'batch normalization on its own',
      options: [
        { ...bnScale, name: 'scale' },
        { ...bnEpsilon, name: 'epsilon' },
        { ...bnMomentum, name: 'momentum' },
      ],
      build: (o) => ({
        op: 'batchnorm',
        bn: { scale: o['scale'] as boolean, epsilon: o['epsilon'] as number, momentum: o['momentum'] as number },
      }),
    },
  ],
  infer: (_a, inputs) => ({ shape: [...(inputs[0] ?? [])], macs: 0 }),
  variables: (a, input) => batchNormVariables('', input[input.length - 1]!, a.bn),
  describe: () => ({ head: 'batchnorm', options: [] }),
  options: (a) => ({
    kind: 'batchnorm',
    options: { scale: a.bn.scale, epsilon: a.bn.epsilon, momentum: a.bn.momentum },
  }),
};
