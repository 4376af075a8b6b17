/** `dropout R`: drops a fraction R of the values in training; the identity at inference. */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';
import { numberIn } from './options.js';

export const dropout: LayerKind<AttrsOf<'dropout'>> = {
  syntax: [
    {
      name: 'dropout',
      summary: 'dropout with the given drop rate (training only)',
      options: [
        {
          name: 'rate',
          expected: 'a number >= 0 and < 1',
          check: numberIn(0, 1, false, true),
          positional: (v) => v.t === 'float' || v.t === 'int',
        },
      ],
      build: (o) => ({ op: 'dropout', rate: o['rate'] as number }),
    },
  ],
  infer: (_a, inputs) => ({ shape: [...(inputs[0] ?? [])], macs: 0 }),
  variables: () => [],
  describe: (a) => ({ head: `dropout ${a.rate}`, options: [] }),
  options: (a) => ({ kind: 'dropout', options: { rate: a.rate } }),
};
