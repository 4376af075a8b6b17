/**
 * Printing diagnostics for people: `file:line:col: error CODE: message`, the source line with a caret
 * under the span, then "expected one of ..." for syntax errors and the related locations.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';

/** Where the text of each file comes from when a code frame is printed. */
export type SourceLookup = (file: string) => string | undefined;

export function formatDiagnostic(d: Diagnostic, lookup: SourceLookup, options: { color?: boolean } = {}): string {
  const paint = options.color ? colors : noColors;
  const sev =
    d.severity === 'error'
      ? paint.red(d.severity)
      : d.severity === 'warning'
        ? paint.yellow(d.severity)
        : paint.blue(d.severity);
  const where = d.span ? `${d.span.file}:${d.span.startLine}:${d.span.startColumn}: ` : '';
  const lines = [`${paint.bold(where)}${sev} ${d.code}: ${d.message}`];
  if (d.span) {
    const text = lookup(d.span.file);
    if (text !== undefined)
      lines.push(...codeFrame(text, d.span.startLine, d.span.startColumn, d.span.endLine, d.span.endColumn, paint));
  }
  if (d.expected && d.expected.length > 0) {
    lines.push(d.expected.length === 1 ? `  expected ${d.expected[0]}` : `  expected one of ${d.expected.join(', ')}`);
  }
  for (const r of d.related ?? []) {
    lines.push(`  note: ${r.span.file}:${r.span.startLine}:${r.span.startColumn}: ${r.message}`);
  }
  return lines.join('\n');
}

const MAX_FRAME_WIDTH = 160;

function codeFrame(
  text: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
  paint: Paint,
): string[] {
  const lineText = sourceLine(text, line);
  if (lineText === undefined) return [];
  // Long lines (a minified or generated file) are cut around the caret.
  let shown = lineText.replace(/\t/g, ' ');
  let caretAt = column - 1;
  if (shown.length > MAX_FRAME_WIDTH) {
    const start = Math.max(0, caretAt - 40);
    shown = (start > 0 ? '...' : '') + shown.slice(start, start + MAX_FRAME_WIDTH) + '...';
    caretAt = caretAt - start + (start > 0 ? 3 : 0);
  }
  const width =
    endLine === line
      ? Math.max(1, Math.min(endColumn - column, shown.length - caretAt))
      : Math.max(1, shown.length - caretAt);
  const gutter = String(line);
  return [
    `  ${paint.dim(gutter)} | ${shown}`,
    `  ${' '.repeat(gutter.length)} | ` +
      `${' '.repeat(Math.max(0, caretAt))}${paint.red('^'.repeat(Math.min(width, MAX_FRAME_WIDTH)))}`,
  ];
}

/** Line `line` (1-based) of the text, lines ending as the lexer ends them: `\n`, `\r\n` or `\r`. */
function sourceLine(text: string, line: number): string | undefined {
  const lineBreak = /\r\n|\r|\n/g;
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = lineBreak.exec(text);
    if (next === null) return undefined;
    start = next.index + next[0].length;
  }
  const end = lineBreak.exec(text)?.index ?? text.length;
  return text.slice(start, end);
}

type Paint = Record<'red' | 'yellow' | 'blue' | 'bold' | 'dim', (s: string) => string>;
const noColors: Paint = { red: (s) => s, yellow: (s) => s, blue: (s) => s, bold: (s) => s, dim: (s) => s };
const colors: Paint = {
  red: (s) => `\x1b[31m${s}\x1b[39m`,
  yellow: (s) => `\x1b[33m${s}\x1b[39m`,
  blue: (s) => `\x1b[34m${s}\x1b[39m`,
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};
