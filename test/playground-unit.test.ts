/**
 * The playground's parts that run without a browser (test/playground.test.ts drives the page):
 * - its highlighter (playground/language.ts) agrees with the lexer (grammar/tokens.ts) on every character of
 *   every stdlib and example file: each character gets the style of the lexer's token kind there;
 * - its memory host resolves `std/...` and relative imports as the node host does, and compiles the stdlib;
 * - the URL fragment round-trips a source (deflate-raw + base64url).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, type IToken } from 'chevrotain';
import { StringStream } from '@codemirror/language';
import * as T from '../grammar/tokens.js';
import { builtinLayerNames } from '../compiler/syntax/layer-names.js';
import { createProgram } from '../compiler/program/program.js';
import { buildProgram } from '../compiler/program/pipeline.js';
import { incpParser } from '../playground/language.js';
import { memoryHost } from '../playground/host.js';
import { decodeState, encodeState } from '../playground/share.js';
import { repoRoot } from './helpers/cli.js';

function incpFiles(dir: string, prefix: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    if (e.isDirectory()) incpFiles(join(dir, e.name), `${prefix}${e.name}/`, out);
    else if (e.name.endsWith('.incp')) out.set(`${prefix}${e.name}`, readFileSync(join(repoRoot, dir, e.name), 'utf8'));
  }
  return out;
}
const files = new Map([...incpFiles('stdlib', '/stdlib/'), ...incpFiles('examples', '/examples/')]);

/** The style each token kind of the lexer should get. */
function expectedStyle(tok: IToken): string {
  const name = tok.tokenType.name;
  if (/Comment$/.test(name)) return 'comment';
  if (/String$|^StringLiteral$/.test(name)) return 'string';
  if (name === 'IntegerLiteral' || name === 'FloatLiteral' || name === 'Cross') return 'number';
  if (T.keywords.includes(tok.image)) return 'keyword';
  if (name === 'Identifier')
    return (builtinLayerNames as readonly string[]).includes(tok.image) ? 'typeName' : 'variableName';
  if (/^[()[\]{},:;]$/.test(tok.image)) return 'punctuation';
  return 'operator';
}

describe('the playground without a browser', () => {
  test('the highlighter gives every character of the stdlib and examples the style of its lexer token', () => {
    const lexer = new Lexer(T.allTokens, { positionTracking: 'full' });
    const parser = incpParser(new Set(T.keywords), new Set(builtinLayerNames));
    const mismatches: string[] = [];
    let checked = 0;
    for (const [path, text] of files) {
      const lexed = lexer.tokenize(text);
      expect(lexed.errors).toEqual([]);
      const want: (string | undefined)[] = new Array(text.length);
      for (const tok of [...lexed.tokens, ...(lexed.groups['comments'] ?? [])]) {
        if (tok.tokenType === T.Newline) continue;
        for (let i = tok.startOffset; i <= tok.endOffset!; i++) want[i] = expectedStyle(tok);
      }
      const state = parser.startState!(2);
      let offset = 0;
      for (const line of text.split('\n')) {
        const stream = new StringStream(line, 2, 2);
        while (!stream.eol()) {
          const style = parser.token(stream, state);
          for (let i = stream.start; i < stream.pos; i++) {
            if (/\s/.test(line[i]!)) continue;
            checked++;
            const w = want[offset + i];
            if (w !== (style ?? undefined) && mismatches.length < 10)
              mismatches.push(`${path}: '${line.slice(stream.start, stream.pos)}' is ${style}, the lexer says ${w}`);
          }
          stream.start = stream.pos;
        }
        offset += line.length + 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });

  const host = memoryHost(files);

  test('the memory host resolves std/ and relative imports, and every stdlib and example file compiles', () => {
    expect(host.resolveImport('std/modules', '/examples/x.incp')).toBe('/stdlib/modules.incp');
    expect(host.resolveImport('./lib/blocks', '/examples/x.incp')).toBe('/examples/lib/blocks.incp');
    expect(host.resolveImport('../stdlib/rules.incp', '/examples/lib/a.incp')).toBe('/examples/stdlib/rules.incp');
    expect(host.displayName('/stdlib/modules.incp')).toBe('std/modules.incp');
    const failing: string[] = [];
    for (const path of files.keys()) {
      const built = buildProgram(createProgram(host, path), { every: true });
      const errors = built.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) failing.push(`${path}: ${errors[0]!.code}`);
    }
    expect(failing).toEqual([]);
  });

  const v3Text = files.get('/stdlib/inception_v3.incp')!;

  test('the URL fragment gives back the source, the file, the network and the arguments', async () => {
    const state = { file: '/stdlib/table3.incp', network: 'InceptionV2Table3', args: ['row=3'], text: v3Text };
    const fragment = await encodeState(state);
    expect(fragment.length).toBeLessThan(v3Text.length);
    expect(fragment).toMatch(/^[A-Za-z0-9%=&._~+-]+$/);
    expect(await decodeState(fragment)).toEqual(state);
    expect(await decodeState('file=%2Fx.incp&src=not-deflate')).toBeUndefined();
  });
});
