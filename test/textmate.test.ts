/**
 * The TextMate grammar of .incp (editors/vscode/syntaxes/incp.tmLanguage.json), run by vscode-textmate and
 * vscode-oniguruma, the engine VS Code itself uses, over every stdlib and example file:
 * - golden files of the scopes (test/golden/textmate/<path>.scopes): after a grammar change, run
 *     UPDATE_GOLDEN=1 npm test -- textmate
 *   and review the diff of test/golden/textmate/ before committing;
 * - every token the lexer (grammar/tokens.ts) makes gets the scope the table of spec/editor.md gives its
 *   kind, and names get theirs from the parser's AST (layer kinds, declarations, calls, labels), so the
 *   grammar and the parser cannot drift: a keyword or layer kind added to the language and not to the
 *   grammar fails here;
 * - no character outside whitespace is left with the file's scope alone.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Oniguruma from 'vscode-oniguruma';
import type * as Textmate from 'vscode-textmate';
import { dirname, join } from 'node:path';
import { tokenize } from '../grammar/lexer.js';
import { keywords } from '../grammar/tokens.js';
import { builtinLayerNames } from '../compiler/syntax/layer-names.js';
import { activations, paddings } from '../compiler/ir/kinds/options.js';
import { parseSource } from '../compiler/syntax/parse.js';
import type * as A from '../compiler/syntax/ast.js';
import { incpFiles, repoRoot } from './helpers/cli.js';

const require = createRequire(import.meta.url);
// Both are CommonJS packages: required, as VS Code loads them.
const oniguruma = require('vscode-oniguruma') as typeof Oniguruma;
const textmate = require('vscode-textmate') as typeof Textmate;
const grammarPath = join(repoRoot, 'editors', 'vscode', 'syntaxes', 'incp.tmLanguage.json');
const update = process.env['UPDATE_GOLDEN'] === '1';

/** The reviewed table (spec/editor.md, "Highlighting"): the scope each kind of lexer token must carry. */
const TOKEN_SCOPES: Record<string, string> = {
  LineComment: 'comment.line.double-slash.incp',
  BlockComment: 'comment.block.incp',
  StringLiteral: 'string.quoted.double.incp',
  IntegerLiteral: 'constant.numeric.integer.incp',
  FloatLiteral: 'constant.numeric.float.incp',
  Cross: 'keyword.operator.size.incp',
  Import: 'keyword.control.import.incp',
  From: 'keyword.control.import.incp',
  Block: 'storage.type.incp',
  Network: 'storage.type.incp',
  Rule: 'storage.type.incp',
  Defaults: 'keyword.control.incp',
  Concat: 'keyword.control.incp',
  Repeat: 'keyword.control.incp',
  In: 'keyword.control.incp',
  If: 'keyword.control.incp',
  Else: 'keyword.control.incp',
  Aux: 'keyword.control.incp',
  Weight: 'keyword.control.incp',
  Apply: 'keyword.control.incp',
  To: 'keyword.control.incp',
  Train: 'keyword.control.incp',
  Match: 'keyword.control.incp',
  When: 'keyword.control.incp',
  Replace: 'keyword.control.incp',
  True: 'constant.language.boolean.incp',
  False: 'constant.language.boolean.incp',
  And: 'keyword.operator.logical.incp',
  Or: 'keyword.operator.logical.incp',
  Not: 'keyword.operator.logical.incp',
  Arrow: 'keyword.operator.arrow.incp',
  DotDot: 'keyword.operator.range.incp',
  Dot: 'punctuation.accessor.incp',
  EqEq: 'keyword.operator.comparison.incp',
  NotEq: 'keyword.operator.comparison.incp',
  LessEq: 'keyword.operator.comparison.incp',
  GreaterEq: 'keyword.operator.comparison.incp',
  Less: 'keyword.operator.comparison.incp',
  Greater: 'keyword.operator.comparison.incp',
  Equals: 'keyword.operator.assignment.incp',
  Plus: 'keyword.operator.arithmetic.incp',
  Minus: 'keyword.operator.arithmetic.incp',
  Star: 'keyword.operator.arithmetic.incp',
  Percent: 'keyword.operator.arithmetic.incp',
  LParen: 'punctuation.section.parens.begin.incp',
  RParen: 'punctuation.section.parens.end.incp',
  LBracket: 'punctuation.section.brackets.begin.incp',
  RBracket: 'punctuation.section.brackets.end.incp',
  LBrace: 'punctuation.section.braces.begin.incp',
  RBrace: 'punctuation.section.braces.end.incp',
  Comma: 'punctuation.separator.comma.incp',
  Colon: 'punctuation.separator.colon.incp',
  Semicolon: 'punctuation.terminator.statement.incp',
};
/** Slash is a stride after a size or before a stride value (`3x3/2`, `/2`), else division: the AST says which. */
const STRIDE = 'keyword.operator.stride.incp';
const DIVISION = 'keyword.operator.arithmetic.incp';
/** Names, by what the parser makes of them. */
const LAYER = 'support.function.layer.incp';
const OPTION_WORD = 'support.constant.option.incp';
const DECLARED_TYPE = 'entity.name.type.incp';
const DECLARED_RULE = 'entity.name.function.incp';
const CALL = 'entity.name.function.call.incp';
const LABEL = 'entity.name.label.incp';
const PARAMETER = 'variable.parameter.incp';
const TYPE = 'support.type.incp';
const NAME = 'variable.other.incp';
const NAME_SCOPES = [LAYER, OPTION_WORD, DECLARED_TYPE, DECLARED_RULE, CALL, LABEL, PARAMETER, TYPE, NAME];

interface ScopedToken {
  start: number;
  end: number;
  scopes: string[];
}

let grammar: Textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.incp' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  const g = await registry.loadGrammar('source.incp');
  if (!g) throw new Error('the grammar did not load');
  grammar = g;
});

/** The grammar's tokens of a text, with offsets into it (lines broken at \n, \r\n or \r). */
function scopesOf(text: string): ScopedToken[] {
  const out: ScopedToken[] = [];
  let stack = textmate.INITIAL;
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (;;) {
    const m = re.exec(text);
    const end = m ? m.index : text.length;
    const line = text.slice(start, end);
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ start: start + t.startIndex, end: start + Math.min(t.endIndex, line.length), scopes: t.scopes });
    }
    stack = r.ruleStack;
    if (!m) break;
    start = m.index + m[0].length;
  }
  return out.filter((t) => t.end > t.start);
}

const short = (s: string) => s.replace(/\.incp$/, '');

/** The golden form: each line that has tokens, then each token's text and its innermost scopes. */
function golden(text: string, tokens: ScopedToken[]): string {
  const lines: string[] = [];
  let current = -1;
  const lineStarts = [0];
  for (const m of text.matchAll(/\r\n|\n|\r/g)) lineStarts.push(m.index + m[0].length);
  for (const t of tokens) {
    const image = text.slice(t.start, t.end);
    if (image.trim() === '') continue;
    let line = lineStarts.findIndex((s) => s > t.start);
    line = line === -1 ? lineStarts.length : line;
    if (line !== current) {
      lines.push(`${line}:`);
      current = line;
    }
    lines.push(`  ${JSON.stringify(image)} ${t.scopes.slice(1).map(short).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

const files = [...incpFiles('stdlib'), ...incpFiles('examples')];

describe('golden scopes of stdlib/ and examples/', () => {
  test.each(files)('%s', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const actual = golden(text, scopesOf(text));
    const path = join(repoRoot, 'test', 'golden', 'textmate', `${file}.scopes`);
    if (update || !existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, actual);
    }
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });
});

type AstNode = { kind?: string; span?: A.Span } & Record<string, unknown>;

/** Calls `f` on every node of the AST, a parent before its children. */
function walk(node: unknown, f: (n: AstNode) => void): void {
  if (Array.isArray(node)) return node.forEach((x) => walk(x, f));
  if (!node || typeof node !== 'object') return;
  f(node as AstNode);
  for (const [k, v] of Object.entries(node)) if (k !== 'span') walk(v, f);
}

/** The names each kind of AST node carries, with the scope each must have (an absent one, as a Param's type: none). */
const NAMES_BY_KIND: Record<string, (n: AstNode) => [unknown, string][]> = {
  BlockDecl: (n) => [[n['name'], DECLARED_TYPE]],
  NetworkDecl: (n) => [[n['name'], DECLARED_TYPE]],
  RuleDecl: (n) => [[n['name'], DECLARED_RULE]],
  Layer: (n) => {
    const l = n as unknown as A.LayerElement;
    const builtin = (builtinLayerNames as readonly string[]).includes(l.callee.name);
    return [[l.callee, builtin ? LAYER : l.parenthesized ? CALL : NAME]];
  },
  Call: (n) => [[n['callee'], CALL]],
  Label: (n) =>
    n['exact']
      ? []
      : [
          [n['name'], LABEL],
          [n['last'], LABEL],
        ],
  NamedArg: (n) => [[n['name'], PARAMETER]],
  Setting: (n) => [[n['key'], PARAMETER]],
  Defaults: (n) => [[n['target'], LAYER]],
  Param: (n) => [
    [n['name'], PARAMETER],
    [n['type'], TYPE],
  ],
};

/** The scope each name of the AST must carry, by offset: from declarations, layers, calls, labels, options. */
function nameScopes(ast: A.SourceFile): Map<number, string> {
  const at = new Map<number, string>();
  walk(ast, (n) => {
    for (const [name, scope] of NAMES_BY_KIND[n.kind ?? '']?.(n) ?? [])
      if (name) at.set((name as A.Identifier).span.startOffset, scope);
  });
  return at;
}

/** The offsets of the `/` of every stride argument. */
function strideSlashes(ast: A.SourceFile): Set<number> {
  const out = new Set<number>();
  walk(ast, (n) => {
    if (n.kind === 'StrideArg' && n.span) out.add(n.span.startOffset);
  });
  return out;
}

describe('the scopes agree with the lexer and the parser', () => {
  test.each(files)('%s', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const scoped = scopesOf(text);
    const ast = parseSource(text, file).ast!;
    const names = nameScopes(ast);
    const strides = strideSlashes(ast);
    const lexed = tokenize(text);
    const problems: string[] = [];
    const covering = (start: number, end: number) => scoped.filter((t) => t.start < end && t.end > start);
    for (const tok of [...lexed.tokens, ...lexed.comments]) {
      const kind = tok.tokenType.name;
      if (kind === 'Newline') continue;
      const start = tok.startOffset;
      const end = (tok.endOffset ?? start) + 1;
      let expected: string[];
      if (kind === 'Identifier') {
        const word = tok.image;
        const byAst = names.get(start);
        expected = byAst
          ? [byAst]
          : (paddings as readonly string[]).includes(word) || (activations as readonly string[]).includes(word)
            ? [OPTION_WORD, LAYER]
            : NAME_SCOPES;
      } else if (kind === 'Slash') expected = [strides.has(start) ? STRIDE : DIVISION];
      else {
        const scope = TOKEN_SCOPES[kind];
        if (!scope) {
          problems.push(`no scope in the table for the lexer's ${kind}`);
          continue;
        }
        expected = [scope];
      }
      for (const t of covering(start, end)) {
        if (!expected.some((e) => t.scopes.includes(e)))
          problems.push(
            `${kind} ${JSON.stringify(tok.image)} at offset ${start}: ${t.scopes.join(' ')}; expected ` +
              `${expected.join(' or ')}`,
          );
      }
    }
    for (const t of scoped) {
      if (t.scopes.length === 1 && text.slice(t.start, t.end).trim() !== '')
        problems.push(`${JSON.stringify(text.slice(t.start, t.end))} at offset ${t.start} has no scope`);
    }
    expect(problems).toEqual([]);
  });

  test('every keyword of grammar/tokens.ts and every layer kind has its scope', () => {
    const tokenName = (w: string) => w[0]!.toUpperCase() + w.slice(1);
    const problems: string[] = [];
    for (const w of keywords) {
      const expected = TOKEN_SCOPES[tokenName(w)];
      if (!expected) problems.push(`keyword ${w} is not in the table`);
      // The keyword alone on a line, and inside a statement.
      for (const line of [w, `x = ${w} y`]) {
        const t = scopesOf(line).find((s) => line.slice(s.start, s.end) === w);
        if (!t?.scopes.includes(expected!)) problems.push(`${w} in ${JSON.stringify(line)}: ${t?.scopes.join(' ')}`);
      }
    }
    for (const kind of builtinLayerNames) {
      const line = `  branch: ${kind} 3x3/2 64 act=relu`;
      const t = scopesOf(line).find((s) => line.slice(s.start, s.end) === kind);
      if (!t?.scopes.includes(LAYER)) problems.push(`layer kind ${kind}: ${t?.scopes.join(' ')}`);
    }
    for (const word of [...paddings, ...activations]) {
      const line = `conv 3x3 64 act=${word}`;
      const t = scopesOf(line).find((s) => s.start === line.length - word.length);
      if (!t?.scopes.includes(OPTION_WORD)) problems.push(`option word ${word}: ${t?.scopes.join(' ')}`);
    }
    expect(problems).toEqual([]);
  });

  test('a kernel size with a stride, and sizes with names', () => {
    const line = 'conv 3x3/2 64 -> conv 1xn filters /1xsw -> conv (n)x1 c /sh x 1';
    const got = scopesOf(line).map((t) => [line.slice(t.start, t.end), t.scopes[t.scopes.length - 1]]);
    expect(got.filter(([image]) => image!.trim() !== '')).toEqual([
      ['conv', LAYER],
      ['3', 'constant.numeric.integer.incp'],
      ['x', 'keyword.operator.size.incp'],
      ['3', 'constant.numeric.integer.incp'],
      ['/', STRIDE],
      ['2', 'constant.numeric.integer.incp'],
      ['64', 'constant.numeric.integer.incp'],
      ['->', 'keyword.operator.arrow.incp'],
      ['conv', LAYER],
      ['1', 'constant.numeric.integer.incp'],
      ['x', 'keyword.operator.size.incp'],
      ['n', NAME],
      ['filters', NAME],
      ['/', STRIDE],
      ['1', 'constant.numeric.integer.incp'],
      ['x', 'keyword.operator.size.incp'],
      ['sw', NAME],
      ['->', 'keyword.operator.arrow.incp'],
      ['conv', LAYER],
      ['(', 'punctuation.section.parens.begin.incp'],
      ['n', NAME],
      [')', 'punctuation.section.parens.end.incp'],
      ['x', 'keyword.operator.size.incp'],
      ['1', 'constant.numeric.integer.incp'],
      ['c', NAME],
      ['/', STRIDE],
      ['sh', NAME],
      ['x', 'keyword.operator.size.incp'],
      ['1', 'constant.numeric.integer.incp'],
    ]);
  });
});
