/**
 * Shape inference, parameter and multiply-add counts for one IR node (spec/ir.md, "Shapes" and "Cost"),
 * from its kind's descriptor (compiler/ir/kinds/): the descriptor gives the output shape and multiply-adds,
 * and the learned variables, whose sizes are the parameters (Keras's count: trainable, and batch norm's
 * moving statistics non-trainable). Every count must stay an exact integer (`shape-overflow`).
 */
import type { Span } from '../syntax/ast.js';
import { fail } from '../diagnostics/diagnostics.js';
import type { NodeAttrs, ParamCount, Shape } from './ir.js';
import { kindOf } from './kinds/index.js';

export interface NodeCost {
  shape: Shape;
  params: ParamCount;
  macs: number;
}

function safe(value: number, what: string, node: string, span: Span): number {
  if (!Number.isSafeInteger(value)) fail('shape-overflow', span, { what, node, value: value.toExponential(3) });
  return value;
}

/** The cost of a node given the shapes of its inputs. `name` is used in messages only. */
export function inferNode(attrs: NodeAttrs, inputs: Shape[], name: string, span: Span): NodeCost {
  const kind = kindOf(attrs);
  const { shape, macs } = kind.infer(attrs, inputs, span);
  const params = { trainable: 0, nonTrainable: 0 };
  for (const v of kind.variables(attrs, inputs[0] ?? [])) {
    const size = v.shape.reduce((a, b) => a * b, 1);
    if (v.trainable) params.trainable += size;
    else params.nonTrainable += size;
  }
  safe(
    shape.reduce((a, b) => a * b, 1),
    'output size',
    name,
    span,
  );
  safe(params.trainable + params.nonTrainable, 'parameter count', name, span);
  safe(macs, 'multiply-add count', name, span);
  return { shape, params, macs };
}
