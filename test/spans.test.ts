/**
 * compiler/syntax/spans.ts: where a file ends (the SourceFile's span, the "end of file" of a syntax error), against
 * the lines as String.prototype.split cuts them (`\n`, `\r\n` and `\r` each end a line: spec/language.md).
 */
import { endOfFileSpan, endPosition } from '../compiler/syntax/spans.js';

function expected(text: string): { line: number; column: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

describe('the end of a file', () => {
  test.each([
    ['', 1, 1],
    ['a', 1, 2],
    ['a\n', 2, 1],
    ['a\r\nbc', 2, 3],
    ['a\rbc\r', 3, 1],
    ['\n\r', 3, 1],
    ['\r\n\r\n', 3, 1],
    ['ab\n\ncd', 3, 3],
  ])('%j ends at line %i, column %i', (text, line, column) => {
    expect(endPosition(text)).toEqual({ line, column });
    expect(endOfFileSpan('f.incp', text)).toMatchObject({
      startLine: line,
      startColumn: column,
      endOffset: text.length,
    });
  });

  test('the same as the split lines on 20,000 generated texts', () => {
    const pieces = ['a', 'bc', ' ', '\n', '\r', '\r\n', '\n\r', '\r\r', '\u2028', 'é'];
    let seed = 5;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      for (let k = random(16); k > 0; k--) text += pieces[random(pieces.length)];
      const [actual, wanted] = [endPosition(text), expected(text)];
      if (actual.line !== wanted.line || actual.column !== wanted.column)
        expect({ text, end: actual }).toEqual({ text, end: wanted });
    }
  });
});
