/**
 * A text's tokens as columns, one typed array per position field and one array of types, without an object per
 * token: what the scanner writes and what compiler/syntax/valid-parser.ts reads. The tokens of a 5,000-line file
 * are 40,000 objects that all live until the parse ends, so the garbage collector copied each of them while it
 * ran; these arrays live outside the collected heap. `token(i)` makes the object Chevrotain's Lexer makes, for
 * Chevrotain's parser and everything else that reads tokens.
 */
import type { IToken, TokenType } from 'chevrotain';

export class TokenTable {
  count = 0;
  /** Each token's type; past `count`, undefined (Chevrotain's EOF). */
  readonly types: TokenType[] = [];
  startOffset: Int32Array;
  /** Inclusive, as Chevrotain's. */
  endOffset: Int32Array;
  startLine: Int32Array;
  startColumn: Int32Array;
  endLine: Int32Array;
  /** Inclusive, as Chevrotain's. */
  endColumn: Int32Array;

  constructor(
    readonly text: string,
    capacity = 16,
  ) {
    this.startOffset = new Int32Array(capacity);
    this.endOffset = new Int32Array(capacity);
    this.startLine = new Int32Array(capacity);
    this.startColumn = new Int32Array(capacity);
    this.endLine = new Int32Array(capacity);
    this.endColumn = new Int32Array(capacity);
  }

  /** Adds a token from `startOffset` to `endOffset` (inclusive), starting and ending on the given lines and columns. */
  push(
    type: TokenType,
    startOffset: number,
    endOffset: number,
    line: number,
    column: number,
    endLine: number,
    endColumn: number,
  ): void {
    const i = this.count++;
    if (i === this.startOffset.length) this.grow();
    this.types[i] = type;
    this.startOffset[i] = startOffset;
    this.endOffset[i] = endOffset;
    this.startLine[i] = line;
    this.startColumn[i] = column;
    this.endLine[i] = endLine;
    this.endColumn[i] = endColumn;
  }

  private grow(): void {
    const grown = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.startOffset = grown(this.startOffset);
    this.endOffset = grown(this.endOffset);
    this.startLine = grown(this.startLine);
    this.startColumn = grown(this.startColumn);
    this.endLine = grown(this.endLine);
    this.endColumn = grown(this.endColumn);
  }

  /** Puts token `from` at index `to` (<= from): the tables filters keep the tokens they keep in place. */
  move(from: number, to: number): void {
    if (from === to) return;
    this.types[to] = this.types[from]!;
    this.startOffset[to] = this.startOffset[from]!;
    this.endOffset[to] = this.endOffset[from]!;
    this.startLine[to] = this.startLine[from]!;
    this.startColumn[to] = this.startColumn[from]!;
    this.endLine[to] = this.endLine[from]!;
    this.endColumn[to] = this.endColumn[from]!;
  }

  /** Keeps the first `count` tokens. */
  truncate(count: number): void {
    this.count = count;
    this.types.length = count;
  }

  image(i: number): string {
    return this.text.substring(this.startOffset[i]!, this.endOffset[i]! + 1);
  }

  /** Token `i` as Chevrotain's Lexer makes it (with recovery and full position tracking). */
  token(i: number): IToken {
    const type = this.types[i]!;
    return {
      image: this.image(i),
      startOffset: this.startOffset[i]!,
      endOffset: this.endOffset[i]!,
      startLine: this.startLine[i]!,
      endLine: this.endLine[i]!,
      startColumn: this.startColumn[i]!,
      endColumn: this.endColumn[i]!,
      tokenTypeIdx: type.tokenTypeIdx!,
      tokenType: type,
    };
  }

  tokens(): IToken[] {
    const out: IToken[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.token(i));
    return out;
  }
}
