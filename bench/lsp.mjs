#!/usr/bin/env node
/**
 * `incc lsp` benchmark (plain JS over dist/: `npm run build` first; `npm run bench:lsp`). The language server
 * runs in-process on in-memory streams, driven by vscode-jsonrpc's client connection, as an editor drives it:
 *
 *   - the 5,000-line program of bench/program.mjs (the one `npm run bench` checks) is opened, then edited N
 *     times by one character (incremental didChange), alternately in a comment and in a number of a block's
 *     parameter default; for each edit, the time from sending the change to receiving the diagnostics of that
 *     version (median; target under 100 ms);
 *   - hover on a layer of a block in stdlib/inception_v3.incp: N requests on the analysed file (median; target
 *     under 20 ms), and the first hover after a one-character edit of that file (which re-analyses it).
 *
 * The load average is printed before and after: on a shared machine the times grow with it.
 *
 * Usage: node bench/lsp.mjs [--runs N] [--lines L]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { program } from './program.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startServer } = await import(join(root, 'dist', 'language-server', 'server.js'));

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}
const runs = option('--runs', 9);
const lines = option('--lines', 5000);

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} on ${cpus().length} cores`;
console.log(load());

const toServer = new PassThrough();
const toClient = new PassThrough();
startServer(toServer, toClient, {});
const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
const waiting = new Map();
client.onNotification('textDocument/publishDiagnostics', (p) => {
  const key = `${p.uri}@${p.version}`;
  waiting.get(key)?.(p);
  waiting.delete(key);
});
client.listen();
await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
await client.sendNotification('initialized', {});

const published = (uri, version) => new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// ---- diagnostics after a one-character edit, 5,000 lines ----------------------------------------------------
const text = program(lines);
const uri = pathToFileURL(join(root, 'bench-lsp-5000.incp')).href; // never written: the buffer is the text
let version = 1;
let t0 = performance.now();
let done = published(uri, 1);
await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'incp', version, text } });
const first = await done;
const openMs = performance.now() - t0;
console.log(
  `${uri.split('/').pop()}: ${text.split('\n').length} lines; open to first diagnostics ${fmt(openMs)} ` +
    `(${first.diagnostics.length} diagnostics)`,
);
const at = (offset) => {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};
// A comment in the middle of the file, and a parameter default of a block there (`c: int = 48` and the like).
const middle = Math.floor(text.length / 2);
const commentEnd = text.indexOf('\n', text.indexOf('// Module', middle));
const defaultAt = text.indexOf('c: int = ', middle) + 'c: int = '.length;
const edits = { comment: [], code: [] };
for (let i = 0; i < runs * 2; i++) {
  const kind = i % 2 === 0 ? 'comment' : 'code';
  const round = Math.floor(i / 2) % 2; // insert, then remove
  const offset = kind === 'comment' ? commentEnd : defaultAt;
  const change =
    round === 0
      ? { range: { start: at(offset), end: at(offset) }, text: kind === 'comment' ? '!' : '1' }
      : { range: { start: at(offset), end: { ...at(offset), character: at(offset).character + 1 } }, text: '' };
  version++;
  done = published(uri, version);
  t0 = performance.now();
  await client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  await done;
  edits[kind].push(performance.now() - t0);
}
console.log(`one-character edit to diagnostics published, median of ${runs} (target under 100 ms):`);
console.log(`  in a comment                 ${fmt(median(edits.comment))}`);
console.log(`  in a parameter default       ${fmt(median(edits.code))}`);

// ---- hover on inception_v3 -----------------------------------------------------------------------------------
const v3Path = join(root, 'stdlib', 'inception_v3.incp');
const v3 = readFileSync(v3Path, 'utf8');
const v3Uri = pathToFileURL(v3Path).href;
done = published(v3Uri, 1);
await client.sendNotification('textDocument/didOpen', {
  textDocument: { uri: v3Uri, languageId: 'incp', version: 1, text: v3 },
});
await done;
const layerLine = v3.split('\n').findIndex((l) => /^\s+branch3x3dbl: conv/.test(l));
const position = { line: layerLine, character: v3.split('\n')[layerLine].indexOf('conv') + 1 };
const hoverMs = [];
let hover;
for (let i = 0; i < runs; i++) {
  t0 = performance.now();
  hover = await client.sendRequest('textDocument/hover', { textDocument: { uri: v3Uri }, position });
  hoverMs.push(performance.now() - t0);
}
const rows = hover?.contents.value.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| node')).length;
console.log(
  `hover on stdlib/inception_v3.incp:${layerLine + 1} (${rows} instances), median of ${runs} (target under 20 ms):`,
);
console.log(`  analysed file                ${fmt(median(hoverMs))}`);
const afterEdit = [];
for (let i = 0; i < Math.min(runs, 5); i++) {
  const end = v3.indexOf('\n');
  const change = {
    range: { start: { line: 0, character: end }, end: { line: 0, character: end } },
    text: i % 2 ? '' : '',
  };
  await client.sendNotification('textDocument/didChange', {
    textDocument: { uri: v3Uri, version: i + 2 },
    contentChanges: [
      i % 2 === 0
        ? { ...change, text: '!' }
        : { range: { start: { line: 0, character: end }, end: { line: 0, character: end + 1 } }, text: '' },
    ],
  });
  t0 = performance.now();
  await client.sendRequest('textDocument/hover', { textDocument: { uri: v3Uri }, position });
  afterEdit.push(performance.now() - t0);
}
console.log(`  first hover after an edit    ${fmt(median(afterEdit))} (re-analyses the file)`);
console.log(load());
client.dispose();
process.exit(0);
