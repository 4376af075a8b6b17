/**
 * What "formatting is safe" means, as functions the format tests share: the AST with what formatting may
 * change taken out, the comment variants of a file (a comment inserted at one token boundary), and the
 * check a formatted variant must pass (it parses, has the same AST, keeps every comment, is a fixed point).
 */
import { tokenize } from '../../grammar/lexer.js';
import { parseSource } from '../../compiler/syntax/parse.js';
import { normalizeAst } from '../../format/verify.js';

export { normalizeAst };

/** The normalized AST of `text` (format/verify.ts), or undefined when it has a syntax error. */
export function astOf(text: string): unknown {
  const r = parseSource(text, 'x.incp');
  if (!r.ast || r.diagnostics.some((d) => d.severity === 'error')) return undefined;
  return normalizeAst(r.ast);
}

/** The comments of `text` as written (trimmed), sorted (format/verify.ts, `commentTexts`). */
export function commentsOf(text: string): string[] {
  return tokenize(text)
    .comments.map((c) => c.image.trim())
    .sort();
}

export interface Variant {
  /** Where the comment went: after this many characters of the original text. */
  offset: number;
  style: 'line' | 'block';
  text: string;
}

/**
 * `text` with one comment inserted at each token boundary (before the first token, after every token, the
 * file's own comments included), one variant each for a line comment (`// ...` and a line break) and a
 * block comment (`/* ... *\/` with a space on either side). The comment's text names its position.
 *
 * With `window`, a variant is not the whole file but the top-level declaration (import, block, network,
 * rule, defaults) the boundary belongs to, with the declarations before and after it and the comments and
 * blank lines between them, as they are in the file: the formatter prints each declaration on its own, so
 * this tests the same boundary in the same surroundings at a fraction of the cost for long files.
 */
export function commentVariants(text: string, window = false): Variant[] {
  const lexed = tokenize(text);
  const tokens = [...lexed.tokens.filter((t) => t.tokenType.name !== 'Newline'), ...lexed.comments].sort(
    (a, b) => a.startOffset - b.startOffset,
  );
  const offsets = [...new Set([tokens[0]?.startOffset ?? 0, ...tokens.map((t) => t.endOffset! + 1)])];
  // Declaration i owns the text from the end of declaration i - 1 to its own end (the last one, to the end).
  const items = window ? (parseSource(text, 'x.incp').ast?.items ?? []) : [];
  const bounds = [0, ...items.slice(0, -1).map((item) => item.span.endOffset), text.length];
  const owner = (offset: number) => {
    let i = 0;
    while (i + 2 < bounds.length && offset >= bounds[i + 1]!) i++;
    return i;
  };
  return offsets.flatMap((offset) => {
    const i = owner(offset);
    const from = window ? bounds[Math.max(0, i - 1)]! : 0;
    const to = window ? bounds[Math.min(bounds.length - 1, i + 2)]! : text.length;
    const before = text.slice(from, offset);
    const after = text.slice(offset, to);
    return [
      { offset, style: 'line' as const, text: `${before} // L${offset}\n${after}` },
      { offset, style: 'block' as const, text: `${before} /* B${offset} */ ${after}` },
    ];
  });
}

export type Verdict = { ok: true } | { ok: false; skipped: true } | { ok: false; skipped?: false; why: string };

/**
 * Checks that `format` is safe on `input`: when `input` parses, its formatted text parses to the same AST,
 * keeps every comment (the same texts), and formats to itself. `skipped` when `input` itself does
 * not parse (a line comment ends the line, which can end a statement: such a variant is not a valid file).
 */
export async function checkFormatSafe(input: string, format: (text: string) => Promise<string>): Promise<Verdict> {
  const before = astOf(input);
  if (before === undefined) return { ok: false, skipped: true };
  let once: string;
  try {
    once = await format(input);
  } catch (e) {
    return { ok: false, why: `the formatter threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  const after = astOf(once);
  if (after === undefined) return { ok: false, why: `the output does not parse:\n${once}` };
  if (JSON.stringify(after) !== JSON.stringify(before)) return { ok: false, why: `the output's AST differs:\n${once}` };
  const comments = commentsOf(input);
  const kept = commentsOf(once);
  if (JSON.stringify(kept) !== JSON.stringify(comments)) {
    return { ok: false, why: `comments changed: ${JSON.stringify(comments)} -> ${JSON.stringify(kept)}:\n${once}` };
  }
  const twice = await format(once);
  if (twice !== once) return { ok: false, why: `not idempotent:\n--- once\n${once}--- twice\n${twice}` };
  return { ok: true };
}
