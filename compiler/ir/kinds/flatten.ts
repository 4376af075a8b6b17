/** `flatten`: H x W x C -> H·W·C, in NHWC order. */
import type { AttrsOf } from '../ir.js';
import type { LayerKind } from './kind.js';

export const flatten: LayerKind<AttrsOf<'flatten'>> = {
  syntax: [
    { name: 'flatten', summary: 'H x W x C -> H*W*C, in NHWC order', options: [], build: () => ({ op: 'flatten' }) },
  ],
  infer: (_a, inputs) => ({ shape: [(inputs[0] ?? []).reduce((a, b) => a * b, 1)], macs: 0 }),
  variables: () => [],
  describe: () => ({ head: 'flatten', options: [] }),
  options: () => ({ kind: 'flatten', options: {} }),
};
