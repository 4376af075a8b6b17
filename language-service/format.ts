/**
 * Formatting: the printer of `incc fmt` (format/, a Prettier plugin) through Prettier's standalone build,
 * which needs no file system (the server resolves `.prettierrc` through its host). The answer is one edit
 * replacing what differs between the text and its canonical form, so the cursor before and after it stays.
 * Range formatting is not offered: the printer prints a whole file (a declaration's layout depends on the
 * comments and blank lines around it), and spec/language-service.md says so.
 */
import { format } from 'prettier/standalone';
import plugin, { IncpSyntaxError } from '../format/plugin.js';
import type { LineIndex } from './text.js';
import type { TextEdit } from './types.js';

/** The canonical form of `text`, or undefined when it does not parse (nothing to format). */
export async function canonicalText(text: string, printWidth?: number): Promise<string | undefined> {
  try {
    return await format(text, {
      parser: 'incp',
      plugins: [plugin],
      ...(printWidth !== undefined ? { printWidth } : {}),
    });
  } catch (e) {
    if (e instanceof IncpSyntaxError) return undefined;
    throw e;
  }
}

export async function formatDocument(text: string, lines: LineIndex, printWidth?: number): Promise<TextEdit[]> {
  const formatted = await canonicalText(text, printWidth);
  if (formatted === undefined || formatted === text) return [];
  let start = 0;
  while (start < text.length && start < formatted.length && text[start] === formatted[start]) start++;
  let end = 0;
  while (
    end < text.length - start &&
    end < formatted.length - start &&
    text[text.length - 1 - end] === formatted[formatted.length - 1 - end]
  )
    end++;
  return [{ range: lines.range(start, text.length - end), newText: formatted.slice(start, formatted.length - end) }];
}
