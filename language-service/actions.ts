/**
 * Code actions on the diagnostics of a range, made by compiler/lint/fix.ts, the fixes `incc lint --fix`
 * writes (one fact, one place): for a lint finding that a std/rules rule fixes, "apply RULE to NODE" (an
 * `apply` statement in the network and the rule's import); for any lint finding, a suppression comment with
 * a reason to fill in; for a did-you-mean diagnostic, the suggested name in place of the misspelt one. The
 * service's own diagnostics are used (matched to those the client names by code and range), so a client
 * that drops `data` loses nothing.
 */
import { ruleFix, suggestionFix, suppressionFix, type Fix } from '../compiler/lint/fix.js';
import type { Analysis } from './analysis.js';
import type { CodeAction, Diagnostic, Range } from './types.js';

const before = (a: Range['start'], b: Range['start']) =>
  a.line < b.line || (a.line === b.line && a.character <= b.character);
const overlaps = (a: Range, b: Range) => before(a.start, b.end) && before(b.start, a.end);
const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line &&
  a.start.character === b.start.character &&
  a.end.line === b.end.line &&
  a.end.character === b.end.character;

/**
 * The actions for the service's diagnostics in `range`; when the client names the diagnostics it asks about
 * (the usual case), for those only.
 */
export function codeActions(analysis: Analysis, range: Range, clientDiagnostics: Diagnostic[]): CodeAction[] {
  const uri = analysis.path;
  const text = analysis.text;
  const ast = analysis.program.entry.ast;
  const out: CodeAction[] = [];
  const action = (fix: Fix | undefined, d: Diagnostic, preferred: boolean) => {
    if (!fix || fix.edits.length === 0) return;
    const edits = fix.edits.map((e) => ({ range: analysis.lines.range(e.start, e.end), newText: e.newText }));
    out.push({
      title: fix.title.charAt(0).toUpperCase() + fix.title.slice(1),
      kind: 'quickfix',
      diagnostics: [d],
      ...(preferred ? { isPreferred: true } : {}),
      edit: { changes: { [uri]: edits } },
    });
  };
  const asked = (d: Diagnostic) =>
    clientDiagnostics.length === 0 ||
    clientDiagnostics.some((c) => String(c.code) === d.code && sameRange(c.range, d.range));
  analysis.diagnostics.forEach((d, i) => {
    if (!overlaps(d.range, range) || !asked(d)) return;
    const origin = analysis.origins[i]!;
    if ('diagnostic' in origin) {
      if (origin.diagnostic.span?.file === analysis.program.entry.displayName)
        action(suggestionFix(text, origin.diagnostic), d, true);
      return;
    }
    const m = origin.finding;
    if (m.ruleId === 'unused-suppression') return;
    if (ast) action(ruleFix(text, ast, m), d, true);
    action(suppressionFix(text, m.ruleId, m.line), d, false);
  });
  return out;
}
