/**
 * Semantic tokens: the lexer's tokens (grammar/lexer.ts), each name classified by the name index
 * (symbols.ts): blocks as classes, networks as namespaces, rules as functions, layer kinds as types,
 * parameters, repeat variables, options and labels as what they are; keywords, numbers, strings, comments
 * and operators as such. A comment or string over several lines is split into one token a line.
 */
import { tokenize } from '../grammar/lexer.js';
import { wordOptions } from '../compiler/ir/layers.js';
import type { Analysis } from './analysis.js';
import type { OccurrenceKind } from './symbols.js';
import type { SemanticTokens } from './types.js';

/** The legend the server announces: token types by index, then modifiers by bit. */
export const semanticTokenLegend = {
  tokenTypes: [
    'keyword',
    'type',
    'class',
    'namespace',
    'function',
    'parameter',
    'variable',
    'property',
    'enumMember',
    'number',
    'string',
    'comment',
    'operator',
  ],
  tokenModifiers: ['declaration', 'defaultLibrary'],
};

type TokenType = (typeof semanticTokenLegend.tokenTypes)[number];
const typeIndex = (t: TokenType) => semanticTokenLegend.tokenTypes.indexOf(t);
const DECLARATION = 1;
const DEFAULT_LIBRARY = 2;

const typeOfOccurrence: Record<OccurrenceKind, TokenType> = {
  block: 'class',
  network: 'namespace',
  rule: 'function',
  parameter: 'parameter',
  variable: 'variable',
  layer: 'type',
  option: 'property',
  label: 'property',
  function: 'function',
  file: 'string',
};

const words = new Set(Object.values(wordOptions).flat());

export function semanticTokens(analysis: Analysis): SemanticTokens {
  const text = analysis.text;
  const lexed = tokenize(text);
  const occurrences = new Map(analysis.occurrences(analysis.program.entry).map((o) => [o.span.startOffset, o]));
  const raw: { offset: number; length: number; type: number; modifiers: number }[] = [];
  for (const t of lexed.tokens) {
    const name = t.tokenType.name;
    let type: TokenType | undefined;
    let modifiers = 0;
    if (name === 'Identifier') {
      const o = occurrences.get(t.startOffset);
      if (o) {
        type = typeOfOccurrence[o.kind];
        if (o.declaration) modifiers |= DECLARATION;
        if (o.kind === 'layer' || o.kind === 'function') modifiers |= DEFAULT_LIBRARY;
      } else type = words.has(t.image) ? 'enumMember' : 'variable';
    } else if (name === 'IntegerLiteral' || name === 'FloatLiteral') type = 'number';
    else if (name.endsWith('String') || name === 'StringLiteral') type = 'string';
    else if (name === 'Cross') type = 'number';
    else if (/^[a-z]+$/.test(t.image) && name.toLowerCase() === t.image) type = 'keyword';
    else if (name !== 'Newline' && name !== 'Semicolon' && !/^[LR](Paren|Bracket|Brace)$|^Comma$|^Colon$/.test(name))
      type = 'operator';
    if (type !== undefined)
      raw.push({ offset: t.startOffset, length: t.image.length, type: typeIndex(type), modifiers });
  }
  for (const c of lexed.comments)
    raw.push({ offset: c.startOffset, length: c.image.length, type: typeIndex('comment'), modifiers: 0 });
  raw.sort((a, b) => a.offset - b.offset);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  const lines = analysis.lines;
  for (const r of raw) {
    // One token a line: a block comment over three lines is three tokens.
    let offset = r.offset;
    const end = r.offset + r.length;
    while (offset < end) {
      const start = lines.positionAt(offset);
      const lineEnd = lines.offsetAt({ line: start.line + 1, character: 0 });
      const stop = Math.min(end, lineEnd);
      const length = text.slice(offset, stop).replace(/\r?\n$|\r$/, '').length;
      if (length > 0) {
        data.push(
          start.line - prevLine,
          start.line === prevLine ? start.character - prevChar : start.character,
          length,
          r.type,
          r.modifiers,
        );
        prevLine = start.line;
        prevChar = start.character;
      }
      if (stop <= offset) break;
      offset = stop;
    }
  }
  return { data };
}
