/**
 * Code actions on the diagnostics of a range (the service's own, so that a client that drops `data` loses
 * nothing): for a did-you-mean diagnostic, the suggested name in place of the misspelt one; for a lint
 * finding, a comment that suppresses it on its line (`// incc-disable-next-line RULE -- reason`, spec/lint.md:
 * the reason is a placeholder to replace).
 */
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
 * (the usual case), for those only (matched by code and range).
 */
export function codeActions(analysis: Analysis, range: Range, clientDiagnostics: Diagnostic[]): CodeAction[] {
  const uri = analysis.path;
  const out: CodeAction[] = [];
  const asked = (d: Diagnostic) =>
    clientDiagnostics.length === 0 ||
    clientDiagnostics.some((c) => String(c.code) === d.code && sameRange(c.range, d.range));
  for (const d of analysis.diagnostics.filter((x) => overlaps(x.range, range) && asked(x))) {
    const suggestion = d.data?.suggestion;
    if (suggestion !== undefined) {
      const start = analysis.lines.offsetAt(d.range.start);
      const end = analysis.lines.offsetAt(d.range.end);
      // Only where the range is the misspelt name itself.
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(analysis.text.slice(start, end))) {
        out.push({
          title: `Change to \`${suggestion}\``,
          kind: 'quickfix',
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [uri]: [{ range: d.range, newText: suggestion }] } },
        });
      }
    }
    if (d.source === 'incc lint' && d.code !== 'unused-suppression') {
      const line = d.range.start.line;
      const indent = /^[ \t]*/.exec(analysis.lines.lineText(line))![0];
      const position = { line, character: 0 };
      out.push({
        title: `Suppress ${d.code} on this line (with a reason)`,
        kind: 'quickfix',
        diagnostics: [d],
        edit: {
          changes: {
            [uri]: [
              {
                range: { start: position, end: position },
                newText: `${indent}// incc-disable-next-line ${d.code} -- reason\n`,
              },
            ],
          },
        },
      });
    }
  }
  return out;
}
