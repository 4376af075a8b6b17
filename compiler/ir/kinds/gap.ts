/** `gap`: global average pooling, H x W x C -> C. */
import type { AttrsOf } from '../ir.js';
import { shapeText } from '../../print/text.js';
import type { LayerKind } from './kind.js';
import { fail } from '../../diagnostics/diagnostics.js';

export const gap: LayerKind<AttrsOf<'gap'>> = {
  syntax: [
    { name: 'gap', summary: 'global average pooling: H x W x C -> C', options: [], build: () => ({ op: 'gap' }) },
  ],
  infer(_a, inputs, span) {
    const input = inputs[0] ?? [];
    if (input.length !== 3) fail('spatial-after-flatten', span, { op: 'gap', shape: shapeText(input) });
    return { shape: [input[2]!], macs: 0 };
  },
  variables: () => [],
  describe: () => ({ head: 'gap', options: [] }),
  options: () => ({ kind: 'gap', options: {} }),
};
