/**
 * The VS Code extension (editors/vscode/, spec/editor.md): `npm run vsix` builds a .vsix with @vscode/vsce
 * (a zip), which holds the manifest with the .incp language and grammar contributions, the grammar as in the
 * repository, the language configuration and the bundled client that starts `incc lsp`, and no
 * node_modules; and the client picks the `incc` to start as its setting and the workspace say.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { serverCommand } from '../editors/vscode/src/server-command.js';
import { repoRoot } from './helpers/cli.js';

const work = join(repoRoot, 'test-output', 'vscode');

/** The files of a zip archive by name (stored or deflated), read through its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

describe('the .vsix', () => {
  let files: Map<string, Buffer>;

  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const out = join(work, 'incc.vsix');
    const r = spawnSync(process.execPath, [join(repoRoot, 'editors', 'vscode', 'build.mjs'), '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`npm run vsix failed: ${r.stderr}${r.stdout}`);
    files = unzip(readFileSync(out));
  });

  test('holds the manifest, the grammar, the language configuration and the client, and no node_modules', () => {
    const names = [...files.keys()].sort();
    expect(names).toEqual(
      expect.arrayContaining([
        '[Content_Types].xml',
        'extension.vsixmanifest',
        'extension/package.json',
        'extension/syntaxes/incp.tmLanguage.json',
        'extension/language-configuration.json',
        'extension/dist/extension.js',
        'extension/readme.md',
        'extension/LICENSE.txt',
      ]),
    );
    expect(names.filter((n) => n.includes('node_modules') || n.includes('/src/'))).toEqual([]);
  });

  test('the manifest contributes the .incp language and its grammar, and starts on it', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.contributes.languages).toEqual([
      expect.objectContaining({ id: 'incp', extensions: ['.incp'], configuration: './language-configuration.json' }),
    ]);
    expect(manifest.contributes.grammars).toEqual([
      { language: 'incp', scopeName: 'source.incp', path: './syntaxes/incp.tmLanguage.json' },
    ]);
    expect(manifest.contributes.configuration.properties['incc.path'].type).toBe('string');
    const vsixManifest = files.get('extension.vsixmanifest')!.toString('utf8');
    expect(vsixManifest).toContain('Id="incc-vscode"');
    expect(vsixManifest).toContain('Publisher="incc-lang"');
  });

  test('the grammar is the repository one; the configuration has the comments and brackets', () => {
    const packed = files.get('extension/syntaxes/incp.tmLanguage.json')!.toString('utf8');
    expect(packed).toBe(readFileSync(join(repoRoot, 'editors/vscode/syntaxes/incp.tmLanguage.json'), 'utf8'));
    const config = JSON.parse(files.get('extension/language-configuration.json')!.toString('utf8'));
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
    expect(config.brackets).toEqual([
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ]);
  });

  test('the client is bundled: vscode-languageclient inside, only `vscode` required from outside', () => {
    const client = files.get('extension/dist/extension.js')!.toString('utf8');
    expect(client).toContain('incc.restartServer');
    expect(client).toContain('--stdio');
    expect(client).toMatch(/Content-Length/); // the client's own JSON-RPC framing, bundled
    const required = [...client.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.filter((m) => !m.startsWith('node:') && !isBuiltin(m) && m !== 'vscode')).toEqual([]);
  });
});

function isBuiltin(name: string): boolean {
  return builtinModules.includes(name);
}

describe('which incc the client starts', () => {
  const folder = join(work, 'workspace');

  test('the setting, resolved; else the workspace install; else incc on the PATH', () => {
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    const args = ['lsp', '--stdio'];
    expect(serverCommand('', folder)).toEqual({ command: 'incc', args });
    expect(serverCommand('', undefined, true)).toEqual({ command: 'incc.cmd', args });
    mkdirSync(join(folder, 'node_modules', '.bin'), { recursive: true });
    const local = join(folder, 'node_modules', '.bin', 'incc');
    writeFileSync(local, '#!/bin/sh\n');
    chmodSync(local, 0o755);
    expect(serverCommand('', folder)).toEqual({ command: local, args });
    expect(serverCommand('/opt/incc/bin/incc', folder)).toEqual({ command: '/opt/incc/bin/incc', args });
    expect(serverCommand('tools/incc', folder)).toEqual({ command: join(folder, 'tools/incc'), args });
    expect(serverCommand('~/bin/incc', folder)).toEqual({ command: join(homedir(), 'bin/incc'), args });
    expect(serverCommand('  incc-dev ', folder)).toEqual({ command: 'incc-dev', args });
  });
});
