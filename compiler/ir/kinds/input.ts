/** `input HxWxC`: the network input. */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';
import { shape3 } from './options.js';

export const input: LayerKind<AttrsOf<'input'>> = {
  syntax: [
    {
      name: 'input',
      summary: 'the network input, H x W x C',
      options: [
        {
          name: 'shape',
          expected: 'a size H x W x C like 299x299x3',
          check: shape3,
          positional: (v) => v.t === 'size',
        },
      ],
      build: (o) => ({ op: 'input', shape: o['shape'] as number[] }),
    },
  ],
  infer: (a) => ({ shape: [...a.shape], macs: 0 }),
  variables: () => [],
  describe: () => ({ head: 'input', options: [] }),
  options: (a) => ({ kind: 'input', options: { shape: a.shape } }),
};
