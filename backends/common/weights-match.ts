/**
 * Checking a set of weight values against the variables of a graph (backends/common/weights.ts): every variable
 * present, nothing extra, every shape right. The error names the first mismatches of each kind. Knows no
 * backend's format: a backend maps its checkpoint's names to these (backends/tfjs/checkpoint.ts).
 */
import type { IRGraph } from '../../compiler/ir/ir.js';
import { weightSpecs, type WeightSpec } from './weights.js';

/** How many mismatches of each kind an error message names. */
const SHOWN = 5;

export class WeightsMismatchError extends Error {
  constructor(
    readonly missing: string[],
    readonly extra: string[],
    readonly wrongShape: { name: string; expected: number[]; actual: number[] }[],
    readonly source: string,
  ) {
    super(WeightsMismatchError.describe(missing, extra, wrongShape, source));
  }

  static describe(
    missing: string[],
    extra: string[],
    wrongShape: { name: string; expected: number[]; actual: number[] }[],
    source: string,
  ): string {
    const list = (xs: string[]): string =>
      xs.slice(0, SHOWN).join(', ') + (xs.length > SHOWN ? `, ... (${xs.length - SHOWN} more)` : '');
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`${missing.length} missing: ${list(missing)}`);
    if (extra.length > 0) parts.push(`${extra.length} not in the network: ${list(extra)}`);
    if (wrongShape.length > 0)
      parts.push(
        `${wrongShape.length} with the wrong shape: ` +
          list(
            wrongShape.map(
              (w) => `${w.name} is [${w.actual.join(', ')}], the network needs [${w.expected.join(', ')}]`,
            ),
          ),
      );
    return `the weights in ${source} do not match the network: ${parts.join('; ')}`;
  }
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Matches named values (with their shapes) to the graph's variables. Returns the values by variable name,
 * or throws WeightsMismatchError. A value whose shape is unknown (`shape` undefined) is checked by its length.
 */
export function matchWeights(
  graph: IRGraph,
  values: Iterable<{ name: string; shape?: readonly number[]; values: Float32Array }>,
  source = 'the weights given',
): Map<string, Float32Array> {
  const specs = new Map<string, WeightSpec>(weightSpecs(graph).map((s) => [s.name, s]));
  const out = new Map<string, Float32Array>();
  const extra: string[] = [];
  const wrongShape: { name: string; expected: number[]; actual: number[] }[] = [];
  for (const v of values) {
    const spec = specs.get(v.name);
    if (!spec) {
      extra.push(v.name);
      continue;
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if ((v.shape !== undefined && !sameShape(v.shape, spec.shape)) || v.values.length !== size) {
      wrongShape.push({ name: v.name, expected: spec.shape, actual: v.shape ? [...v.shape] : [v.values.length] });
      continue;
    }
    out.set(v.name, v.values);
  }
  const wrong = new Set(wrongShape.map((w) => w.name));
  const missing = [...specs.keys()].filter((n) => !out.has(n) && !wrong.has(n));
  if (missing.length > 0 || extra.length > 0 || wrongShape.length > 0)
    throw new WeightsMismatchError(missing, extra, wrongShape, source);
  return out;
}
