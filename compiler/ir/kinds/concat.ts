/**
 * `concat { ... }`: the branches joined on the channel axis; their H x W must agree. A keyword of the
 * language rather than a layer kind (no options), so it has no syntax entry here.
 */
import type { AttrsOf } from '../ir.js';
import { shapeText } from '../../print/text.js';
import type { LayerKind } from './kind.js';
import { fail } from '../../diagnostics/diagnostics.js';

export const concat: LayerKind<AttrsOf<'concat'>> = {
  syntax: [],
  infer(_a, inputs, span) {
    if (inputs.length === 0) fail('empty-concat', span);
    const first = inputs[0]!;
    const mismatch = inputs.some((s) => s.length !== first.length || s.slice(0, -1).some((d, i) => d !== first[i]));
    if (mismatch) fail('concat-shape-mismatch', span, { shapes: inputs.map(shapeText).join(', ') });
    const channels = inputs.reduce((sum, s) => sum + s[s.length - 1]!, 0);
    return { shape: [...first.slice(0, -1), channels], macs: 0 };
  },
  variables: () => [],
  describe: () => ({ head: 'concat', options: [] }),
  options: () => ({ kind: 'concat', options: {} }),
};
