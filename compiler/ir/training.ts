/**
 * The `train { ... }` section of a network (spec/language.md, "Training"): known settings, evaluated to
 * plain values. What each setting means, its arguments and defaults are the recipe schema's (recipe.ts),
 * which elaboration checks once the network's sections are collected.
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, DiagnosticError, didYouMean } from '../diagnostics/diagnostics.js';
import type { TrainingSetting } from './ir.js';
import { trainingKeys } from './recipe.js';
import { evaluate, toPlain, type Env } from './values.js';

export function trainingSettings(stmt: A.TrainStmt, env: Env): TrainingSetting[] {
  const seen = new Map<string, A.Span>();
  return stmt.settings.map((s) => {
    const key = s.key.name;
    if (!trainingKeys.includes(key)) {
      throw new DiagnosticError(
        diagnostic('unknown-setting', s.key.span, { name: key, hint: didYouMean(key, trainingKeys) }),
      );
    }
    const previous = seen.get(key);
    if (previous) {
      throw new DiagnosticError(
        diagnostic(
          'duplicate-name',
          s.key.span,
          { what: 'training setting', name: key },
          { related: [{ message: 'first set here', span: previous }] },
        ),
      );
    }
    seen.set(key, s.key.span);
    // Bare words are values here (`optimizer = rmsprop`, `schedule = constant`).
    return { key, value: toPlain(evaluate(s.value, env, () => true)), span: s.span };
  });
}
