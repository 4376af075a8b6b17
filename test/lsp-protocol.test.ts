/**
 * The language server at the protocol level: `startServer` (language-server/server.ts) on in-memory streams,
 * driven by vscode-jsonrpc's own client connection, over real files in a temporary folder (and the stdlib).
 * Every feature: diagnostics (compiler errors, lint findings, re-publishing an importer when its import
 * changes), hover, definition, references, completion, document symbols, folding, semantic tokens,
 * formatting and code actions. Expected counts are worked out by hand in the comments.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { startServer } from '../language-server/server.js';
import { stdlibDir } from '../compiler/program/node-host.js';
import { formatIncp } from '../format/index.js';
import { semanticTokenLegend } from '../language-service/index.js';
import { DEFAULT_REASON } from '../compiler/lint/fix.js';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Diagnostic {
  range: Range;
  severity: number;
  code: string;
  codeDescription?: { href: string };
  source: string;
  message: string;
}
interface Edit {
  range: Range;
  newText: string;
}

const LIB = `// The stem: one strided convolution.
block Stem(width: int = 32) {
  conv 3x3/2 width valid
}
`;

const MAIN = `import { Stem } from "./lib"
import { factor_5x5 } from "std/rules"

defaults conv(bias=false, bn=true, bn_scale=false, act=relu)

network Net(classes: int = 10) {
  input 35x35x64
  Stem(48)
  b: concat {
    left: conv 1x1 32
    right: conv 5x5 32
  }
  gap
  dense classes act=softmax
}
`;

const OTHER = `network Alone {
  input 8x8x3
  conv 1x1 4
}
`;

let dir: string;
let client: MessageConnection;
const published: { uri: string; diagnostics: Diagnostic[] }[] = [];
const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;
const versions = new Map<string, number>();

function applyEdits(text: string, edits: Edit[]): string {
  const offset = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

/** The next diagnostics published for `name` after `action` (a notification sent to the server). */
async function diagnosticsAfter(name: string, action: () => Promise<void>): Promise<Diagnostic[]> {
  const before = published.length;
  await action();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const hit = published.slice(before).find((p) => p.uri === uriOf(name));
    if (hit) return hit.diagnostics;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no diagnostics published for ${name}`);
}

const open = (name: string, text: string) =>
  diagnosticsAfter(name, async () => {
    versions.set(name, 1);
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(name), languageId: 'incp', version: 1, text },
    });
  });

const change = (name: string, text: string, watch = name) =>
  diagnosticsAfter(watch, async () => {
    const version = (versions.get(name) ?? 1) + 1;
    versions.set(name, version);
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri: uriOf(name), version },
      contentChanges: [{ text }],
    });
  });

const request = <T>(method: string, name: string, params: object = {}) =>
  client.sendRequest(method, { textDocument: { uri: uriOf(name) }, ...params }) as Promise<T>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'incc-lsp-'));
  writeFileSync(join(dir, 'lib.incp'), LIB);
  writeFileSync(join(dir, 'main.incp'), MAIN);
  writeFileSync(join(dir, 'other.incp'), OTHER);
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(toServer, toClient, { docsUrl: 'https://docs.example/incc' });
  client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
    published.push(p);
  });
  client.listen();
  const init = (await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as {
    capabilities: Record<string, unknown>;
  };
  expect(init.capabilities).toMatchObject({
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
    foldingRangeProvider: true,
    documentFormattingProvider: true,
  });
  await client.sendNotification('initialized', {});
}, 60_000);

afterAll(() => {
  client.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('incc lsp over the protocol', () => {
  test('diagnostics: a lint finding with its rule page, then a compiler error with its code', async () => {
    const clean = await open('main.incp', MAIN);
    // No compiler diagnostic; lint findings only, among them conv 5x5 32 (on 17x17x48), the one large kernel.
    expect(clean.every((d) => d.source === 'incc lint')).toBe(true);
    const kernel = clean.filter((d) => d.code === 'large-unfactorized-kernel');
    expect(kernel.map((d) => [d.range.start.line, d.range.start.character])).toEqual([[10, 11]]);
    expect(kernel[0]!.codeDescription!.href).toBe('https://docs.example/incc/spec/lint/large-unfactorized-kernel.md');
    expect(kernel[0]!.severity).toBe(2);
    const broken = await change('main.incp', MAIN.replace('left: conv 1x1', 'left: cnv 1x1'));
    const error = broken.find((d) => d.code === 'unknown-layer-kind')!;
    expect(error).toMatchObject({ severity: 1, source: 'incc', range: { start: { line: 9, character: 10 } } });
    expect(error.range.end).toEqual({ line: 9, character: 13 });
    expect(error.message).toMatch(/did you mean `conv`/);
    expect(error.codeDescription!.href).toBe('https://docs.example/incc/spec/diagnostics.md#unknown-layer-kind');
    // The quick fix puts the suggestion in place of the misspelt name.
    const actions = await request<{ title: string; edit: { changes: Record<string, Edit[]> } }[]>(
      'textDocument/codeAction',
      'main.incp',
      { range: error.range, context: { diagnostics: [error] } },
    );
    const fix = actions.find((a) => a.title.includes('conv'))!;
    const fixed = applyEdits(MAIN.replace('left: conv 1x1', 'left: cnv 1x1'), fix.edit.changes[uriOf('main.incp')]!);
    expect(fixed).toBe(MAIN);
    expect((await change('main.incp', fixed)).map((d) => d.code)).toEqual(clean.map((d) => d.code));
  }, 60_000);

  test('an edit to an imported file re-publishes its importer, and only it', async () => {
    await open('lib.incp', LIB);
    await open('other.incp', OTHER);
    const before = published.length;
    const importer = await change('lib.incp', LIB.replace('3x3/2 width', '3x3/2 widht'), 'main.incp');
    const shown = importer.find((d) => d.code === 'unknown-name')!;
    // Shown on the import that brings lib.incp in, naming where it is.
    expect(shown.range.start.line).toBe(0);
    expect(shown.message).toMatch(/lib\.incp:3:14: unknown name `widht`/);
    await new Promise((r) => setTimeout(r, 200));
    expect(published.slice(before).some((p) => p.uri === uriOf('other.incp'))).toBe(false);
    const again = await change('lib.incp', LIB, 'main.incp');
    expect(again.every((d) => d.source === 'incc lint')).toBe(true);
  }, 60_000);

  test('hover: a layer, a block call, a branch, a network and a lint rule', async () => {
    const hover = async (line: number, character: number) =>
      (
        await request<{ contents: { value: string } } | null>('textDocument/hover', 'main.incp', {
          position: { line, character },
        })
      )?.contents.value ?? '';
    // right: conv 5x5 32 on 17x17x48: 5*5*48*32 = 38,400 weights + 32 beta + 64 moving statistics.
    const layer = await hover(10, 12);
    expect(layer).toMatch(/\| b\/right \| 17x17x32 \| 38,496 \| 38,432 \| 11,097,600 \|/);
    // Stem(48): conv 3x3/2 48 valid on 35x35x64: (35-3)/2+1 = 17. lib.incp has no `defaults`, so the conv has
    // a bias and no batch norm: 9*64*48 = 27,648 weights + 48 biases, all trainable; 17*17 * 27,648 MACs.
    const call = await hover(7, 3);
    expect(call).toContain('block Stem(width: int = 32)');
    expect(call).toContain('The stem: one strided convolution.');
    expect(call).toMatch(/\| Stem1 \| 17x17x48 \| 27,696 \| 27,696 \| 7,990,272 \|/);
    // Branch left: conv 1x1 32 on 17x17x48: 48*32 + 32 + 64 = 1,632.
    expect(await hover(9, 5)).toMatch(/branch \*\*left\*\*[^]*\| 17x17x32 \| 1,632 \|/);
    const network = await hover(5, 9);
    expect(network).toContain('output 10');
    // A rewrite rule's name (imported from the stdlib): its signature and doc comment.
    const rule = await hover(1, 12);
    expect(rule).toContain('rule factor_5x5(mid: int = filters, first_act = act)');
    expect(rule).toContain('std/rules');
    // A network parameter: its declaration and the value it has.
    expect(await hover(13, 9)).toMatch(/classes: int = 10[^]*parameter of network Net[^]*value here: `10`/);
    // In a suppression comment: the rule's summary and page.
    const text = MAIN.replace(
      '    right:',
      '    // incc-disable-next-line large-unfactorized-kernel -- kept\n    right:',
    );
    await change('main.incp', text);
    expect(await hover(10, 40)).toContain('spec/lint/large-unfactorized-kernel.md');
    await change('main.incp', MAIN);
  }, 60_000);

  test('definition and references: a block across files, an imported rule in the stdlib, a parameter', async () => {
    const definition = (line: number, character: number) =>
      request<{ uri: string; range: Range }[]>('textDocument/definition', 'main.incp', {
        position: { line, character },
      });
    expect(await definition(7, 3)).toEqual([
      { uri: uriOf('lib.incp'), range: { start: { line: 1, character: 6 }, end: { line: 1, character: 10 } } },
    ]);
    const rule = await definition(1, 12);
    expect(rule[0]!.uri).toBe(pathToFileURL(join(stdlibDir, 'rules.incp')).href);
    expect(rule[0]!.range.start.line).toBe(10); // `rule factor_5x5(` is line 11 of std/rules
    expect(await definition(13, 9)).toEqual([
      { uri: uriOf('main.incp'), range: { start: { line: 5, character: 12 }, end: { line: 5, character: 19 } } },
    ]);
    const refs = await request<{ uri: string; range: Range }[]>('textDocument/references', 'main.incp', {
      position: { line: 7, character: 3 },
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => [r.uri.endsWith('lib.incp') ? 'lib' : 'main', r.range.start.line]).sort()).toEqual([
      ['lib', 1],
      ['main', 0],
      ['main', 7],
    ]);
  }, 60_000);

  test('completion: layer options, rules, import paths and names, block parameters, statements', async () => {
    const labels = async (text: string, line: number, character: number) => {
      await change('main.incp', text);
      const items = await request<{ label: string }[]>('textDocument/completion', 'main.incp', {
        position: { line, character },
      });
      return items.map((i) => i.label);
    };
    const withLine = (extra: string) => MAIN.replace('  gap\n', `  gap\n${extra}\n`);
    const options = await labels(withLine('  conv 3x3 64 '), 13, 14);
    expect(options).toEqual(expect.arrayContaining(['act=', 'bias=', 'bn=', 'valid', 'same']));
    expect(options).not.toContain('kernel=');
    expect(options).not.toContain('filters=');
    expect(await labels(withLine('  conv 3x3 64 act='), 13, 18)).toEqual(
      expect.arrayContaining(['relu', 'linear', 'softmax']),
    );
    expect(await labels(withLine('  apply '), 13, 8)).toEqual(['factor_5x5']);
    expect(await labels(withLine('  Stem('), 13, 7)).toEqual(expect.arrayContaining(['width=', 'classes']));
    expect(await labels(withLine('  '), 13, 2)).toEqual(expect.arrayContaining(['conv', 'Stem', 'concat', 'repeat']));
    const paths = await labels(`import { Figure6 } from "\n${MAIN}`, 0, 25);
    expect(paths).toEqual(expect.arrayContaining(['std/modules', 'std/rules', './lib', './other']));
    const names = await labels(`import {  } from "std/modules"\n${MAIN}`, 0, 9);
    expect(names).toEqual(expect.arrayContaining(['Figure5', 'Figure6', 'Figure7', 'AuxHead']));
    await change('main.incp', MAIN);
  }, 60_000);

  test('document symbols, folding ranges and semantic tokens', async () => {
    const symbols = await request<
      { name: string; kind: number; children?: { name: string; children?: { name: string }[] }[] }[]
    >('textDocument/documentSymbol', 'main.incp');
    expect(symbols.map((s) => s.name)).toEqual(['Net']);
    expect(symbols[0]!.children!.map((c) => c.name)).toEqual(['classes', 'b']);
    expect(symbols[0]!.children![1]!.children!.map((c) => c.name)).toEqual(['left', 'right']);
    const folds = await request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', 'main.incp');
    expect(folds).toEqual(
      expect.arrayContaining([
        { startLine: 5, endLine: 13 },
        { startLine: 8, endLine: 10 },
      ]),
    );
    const { data } = await request<{ data: number[] }>('textDocument/semanticTokens/full', 'main.incp');
    // Decode LSP's relative encoding into [line, character, text, type].
    const lines = MAIN.split('\n');
    const tokens: [number, number, string, string][] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      character = data[i]! === 0 ? character + data[i + 1]! : data[i + 1]!;
      const text = lines[line]!.slice(character, character + data[i + 2]!);
      tokens.push([line, character, text, semanticTokenLegend.tokenTypes[data[i + 3]!]!]);
    }
    const typeOf = (l: number, text: string) => tokens.find((t) => t[0] === l && t[2] === text)?.[3];
    expect(typeOf(0, 'import')).toBe('keyword');
    expect(typeOf(0, '"./lib"')).toBe('string');
    expect(typeOf(7, 'Stem')).toBe('class');
    expect(typeOf(9, 'conv')).toBe('type');
    expect(typeOf(9, 'left')).toBe('property');
    expect(typeOf(13, 'classes')).toBe('parameter');
    expect(typeOf(13, 'softmax')).toBe('enumMember');
    expect(typeOf(6, '35')).toBe('number');
    expect(typeOf(5, 'Net')).toBe('namespace');
  }, 60_000);

  test('formatting gives the bytes of incc fmt; a file that does not parse gets no edit', async () => {
    const messy = MAIN.replace('  gap\n', '    gap  \n').replace('left: conv 1x1 32', 'left:   conv   1x1   32');
    await change('main.incp', messy);
    const edits = await request<Edit[]>('textDocument/formatting', 'main.incp', {
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits.length).toBeGreaterThan(0);
    expect(applyEdits(messy, edits)).toBe(await formatIncp(messy));
    expect(applyEdits(messy, edits)).toBe(MAIN);
    await change('main.incp', `${MAIN}block {`);
    expect(await request<Edit[]>('textDocument/formatting', 'main.incp', { options: { tabSize: 2 } })).toEqual([]);
    await change('main.incp', MAIN);
  }, 60_000);

  test('code actions on a lint finding: apply the std rule that fixes it, or suppress it with a reason', async () => {
    const diagnostics = await change('main.incp', MAIN.replace('gap', 'gap '));
    const finding = diagnostics.find((d) => d.code === 'large-unfactorized-kernel')!;
    const actions = await request<{ title: string; kind: string; edit: { changes: Record<string, Edit[]> } }[]>(
      'textDocument/codeAction',
      'main.incp',
      { range: finding.range, context: { diagnostics: [finding] } },
    );
    // The 5x5 (48 -> 32 channels) becomes two 3x3 through 32: factor_5x5 as is, already imported.
    const apply = actions.find((a) => a.title.startsWith('Apply factor_5x5'))!;
    expect(apply.kind).toBe('quickfix');
    const applied = applyEdits(MAIN, apply.edit.changes[uriOf('main.incp')]!);
    expect(applied).toContain('  apply factor_5x5 to b/right\n}');
    expect(applied.match(/import/g)).toHaveLength(2);
    const afterApply = await change('main.incp', applied);
    expect(afterApply.some((d) => d.severity === 1)).toBe(false);
    expect(afterApply.filter((d) => d.code === 'large-unfactorized-kernel')).toEqual([]);

    await change('main.incp', MAIN);
    const suppress = actions.find((a) => a.title.startsWith('Suppress large-unfactorized-kernel'))!;
    expect(suppress.kind).toBe('quickfix');
    const text = applyEdits(MAIN, suppress.edit.changes[uriOf('main.incp')]!);
    expect(text.split('\n')[10]).toBe(`    // incc-disable-next-line large-unfactorized-kernel -- ${DEFAULT_REASON}`);
    const after = await change('main.incp', text);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((d) => d.code === 'large-unfactorized-kernel' || d.code === 'unused-suppression')).toEqual([]);
  }, 60_000);
});
