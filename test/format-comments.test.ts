/**
 * The formatter never changes a file's meaning, wherever its comments are: for every .incp file of stdlib/
 * and examples/ and every format golden, a line comment and a block comment are inserted at every token
 * boundary, one at a time (test/helpers/format-safety.ts, `commentVariants`); each variant that parses must
 * format to text that parses to the same AST, keeps every comment (the same texts) and formats to
 * itself. A line comment ends its line, and a line break can end a statement: the variants that then no
 * longer parse are not valid files, and are counted but not formatted.
 *
 * Each variant is the declaration the boundary belongs to with its neighbours (`window`): the printer prints
 * each top-level declaration on its own, and whole-file variants cost as much per boundary as the file is
 * long. FORMAT_COMMENTS_WHOLE_FILES=1 runs whole files instead (slower; the same boundaries).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIncp } from '../format/index.js';
import { checkFormatSafe, commentVariants } from './helpers/format-safety.js';

function incpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? incpFiles(join(dir, e.name)) : e.name.endsWith('.incp') ? [join(dir, e.name)] : [],
    )
    .sort();
}

const files = [...incpFiles('stdlib'), ...incpFiles('examples'), ...incpFiles('test/format')];
const window = process.env['FORMAT_COMMENTS_WHOLE_FILES'] !== '1';
const totals = { variants: 0, formatted: 0, notValid: 0 };

describe('a comment at any token boundary survives formatting, meaning unchanged', () => {
  test.each(files)('%s', async (file) => {
    const failures: string[] = [];
    for (const variant of commentVariants(readFileSync(file, 'utf8'), window)) {
      totals.variants++;
      const verdict = await checkFormatSafe(variant.text, (t) => formatIncp(t));
      if (verdict.ok) {
        totals.formatted++;
      } else if (verdict.skipped) {
        totals.notValid++;
      } else if (failures.length < 3) {
        failures.push(
          `${variant.style} comment after offset ${variant.offset}: ${verdict.why}\n--- input\n${variant.text}`,
        );
      } else {
        failures.push(`${variant.style} comment after offset ${variant.offset}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('the variants are many, and most are valid files', () => {
    // About 19,000 variants over the corpus, of which about 1 in 9 does not parse (a line break that
    // ends a statement early).
    expect(totals.variants).toBeGreaterThan(10_000);
    expect(totals.formatted).toBeGreaterThan(totals.variants * 0.75);
    expect(totals.formatted + totals.notValid).toBe(totals.variants);
  });
});
