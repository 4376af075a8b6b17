/**
 * `.incp` highlighting for CodeMirror: a stream tokenizer that reads tokens as grammar/tokens.ts defines them
 * (comments, strings, numbers, the `x` of a size, keywords, names, operators, punctuation). The keywords are
 * the lexer's own list (given by the caller: the build injects grammar/tokens.ts's `keywords`), and
 * test/playground-language.test.ts checks every token of the stdlib and examples against the lexer.
 * Styles: `keyword`, `comment`, `string`, `number` (numbers and the `x` of `3x3`), `typeName` (a built-in
 * layer kind: an identifier to the lexer), `variableName`, `operator`, `punctuation`, `invalid`.
 */
import type { StreamParser, StringStream } from '@codemirror/language';

export interface IncpState {
  /** Inside a block comment that started on an earlier line. */
  inComment: boolean;
}

const OPERATORS = ['->', '..', '==', '!=', '<=', '>=', '.', '<', '>', '=', '+', '-', '*', '/', '%'];
const PUNCTUATION = '()[]{},:;';

export function incpParser(keywords: ReadonlySet<string>, layerNames: ReadonlySet<string>): StreamParser<IncpState> {
  const token = (stream: StringStream, state: IncpState): string | null => {
    if (state.inComment) {
      if (stream.skipTo('*/')) {
        stream.pos += 2;
        state.inComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    const start = stream.pos;
    const style = read(stream, state);
    if (stream.pos === start) {
      stream.next();
      return 'invalid';
    }
    return style;
  };

  const read = (stream: StringStream, state: IncpState): string | null => {
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      if (stream.skipTo('*/')) stream.pos += 2;
      else {
        stream.skipToEnd();
        state.inComment = true;
      }
      return 'comment';
    }
    if (stream.peek() === '"') {
      stream.next();
      let escaped = false;
      while (!stream.eol()) {
        const c = stream.next();
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') break;
      }
      return 'string';
    }
    if (stream.match(/^(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)/)) return 'number';
    if (stream.peek() === 'x') {
      // The `x` of a size: right after a digit or `)`, or a word on its own (grammar/tokens.ts, Cross).
      const before = stream.pos > 0 ? stream.string.charAt(stream.pos - 1) : '';
      const after = stream.string.charAt(stream.pos + 1);
      const standalone = !/[A-Za-z0-9_]/.test(before) && !/[A-Za-z0-9_]/.test(after);
      if (/[0-9)]/.test(before) || standalone) {
        stream.next();
        return 'number';
      }
    }
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) {
      if (keywords.has(word[0])) return 'keyword';
      return layerNames.has(word[0]) ? 'typeName' : 'variableName';
    }
    for (const op of OPERATORS) if (stream.match(op)) return 'operator';
    if (PUNCTUATION.includes(stream.peek() ?? '\n')) {
      stream.next();
      return 'punctuation';
    }
    return null;
  };

  return {
    name: 'incp',
    startState: () => ({ inComment: false }),
    copyState: (s) => ({ ...s }),
    token,
    languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
  };
}
