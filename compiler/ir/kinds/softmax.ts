/** `softmax`: softmax over the last axis. */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';

export const softmax: LayerKind<AttrsOf<'softmax'>> = {
  syntax: [{ name: 'softmax', summary: 'softmax over the last axis', options: [], build: () => ({ op: 'softmax' }) }],
  infer: (_a, inputs) => ({ shape: [...(inputs[0] ?? [])], macs: 0 }),
  variables: () => [],
  describe: () => ({ head: 'softmax', options: [] }),
  options: () => ({ kind: 'softmax', options: {} }),
};
