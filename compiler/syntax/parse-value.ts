/** One .incp expression given outside a file (`incc summary --set classes=10`), evaluated with no names in scope. */
import { parseSource } from './parse.js';
import { DiagnosticError } from '../diagnostics/diagnostics.js';
import { emptyEnv, evaluate, type Value } from '../ir/values.js';

export function parseValue(text: string): Value | undefined {
  const wrapped = parseSource(`network N(v = ${text}) {}`, '<--set>');
  const param = wrapped.ast?.items[0]?.kind === 'NetworkDecl' ? wrapped.ast.items[0].params[0] : undefined;
  if (!param?.default || wrapped.ast!.items.length !== 1 || wrapped.diagnostics.length > 0) return undefined;
  try {
    return evaluate(param.default, emptyEnv, () => true);
  } catch (e) {
    if (e instanceof DiagnosticError) return undefined;
    throw e;
  }
}

/**
 * Why `text` is not a value, when the reason is about the value itself rather than its syntax (a number out
 * of range, arithmetic that overflows): the diagnostic's message, for the command line to show.
 */
export function valueProblem(text: string): string | undefined {
  const wrapped = parseSource(`network N(v = ${text}) {}`, '<--set>');
  const numeric = new Set(['number-out-of-range', 'integer-overflow', 'non-finite-value', 'division-by-zero']);
  const found = wrapped.diagnostics.find((d) => numeric.has(d.code));
  if (found) return found.message;
  const param = wrapped.ast?.items[0]?.kind === 'NetworkDecl' ? wrapped.ast.items[0].params[0] : undefined;
  if (!param?.default) return undefined;
  try {
    evaluate(param.default, emptyEnv, () => true);
  } catch (e) {
    if (e instanceof DiagnosticError && numeric.has(e.diagnostic.code)) return e.diagnostic.message;
  }
  return undefined;
}
