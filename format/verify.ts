/**
 * The formatter's safety check: formatted text must mean what the original meant. `incc fmt` runs it on
 * every result before printing or writing it, and the format tests use the same definition of "same".
 */
import type * as A from '../compiler/syntax/ast.js';
import { parseSource } from '../compiler/syntax/parse.js';

/**
 * The AST without what formatting may change: spans, comments, parentheses (`Paren` nodes: the printer adds
 * them around compound bare arguments) and the spelling of a call (`conv(3x3, 8)` vs `conv 3x3 8`).
 */
export function normalizeAst(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeAst);
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  if (n['kind'] === 'Paren') return normalizeAst(n['expression']);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === 'span' || k === 'comments' || k === 'parenthesized') continue;
    out[k] = normalizeAst(v);
  }
  return out;
}

function parsed(text: string): A.SourceFile | undefined {
  const r = parseSource(text, 'x.incp');
  return r.ast && !r.diagnostics.some((d) => d.severity === 'error') ? r.ast : undefined;
}

/**
 * A file's comments as written (trailing spaces aside: the printer drops them), sorted: a line comment may
 * move to the end of its line, after a block comment that stood after it.
 */
export const commentTexts = (file: A.SourceFile): string[] => file.comments.map((c) => c.text.trim()).sort();

/**
 * Why `formatted` does not mean what `original` means, or undefined when it does: it parses, to the same AST
 * (spans, comments, parentheses and call spelling aside), and holds the same comments.
 * `original` must parse.
 */
export function formattingProblem(original: string, formatted: string): string | undefined {
  const before = parsed(original);
  if (!before) return 'the original does not parse';
  const after = parsed(formatted);
  if (!after) return 'the formatted text does not parse';
  if (JSON.stringify(normalizeAst(after)) !== JSON.stringify(normalizeAst(before)))
    return 'the formatted text has a different syntax tree';
  if (JSON.stringify(commentTexts(after)) !== JSON.stringify(commentTexts(before)))
    return 'the formatted text does not keep every comment as it was';
  return undefined;
}
