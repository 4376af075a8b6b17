/**
 * incc fmt and the Prettier plugin: golden input/output pairs (test/format/NN-*.input.incp ->
 * .output.incp, reviewed by hand), idempotency, the AST unchanged by formatting, and the CLI.
 * To regenerate an output after an intended change: format the input and review the diff.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSource } from '../compiler/syntax/parse.js';
import { formatIncp } from '../format/index.js';
import { normalizeAst as normalize } from '../format/verify.js';

const goldenDir = 'test/format';
const inputs = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.input.incp'))
  .sort();

function incpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? incpFiles(join(dir, e.name)) : e.name.endsWith('.incp') ? [join(dir, e.name)] : [],
  );
}
const corpus = [
  ...incpFiles('stdlib'),
  ...incpFiles('examples'),
  ...inputs.map((f) => join(goldenDir, f.replace('.input.', '.output.'))),
];

function astOf(text: string): unknown {
  const r = parseSource(text, 'x.incp');
  if (!r.ast) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return normalize(r.ast);
}

describe('golden pairs', () => {
  test('there are at least 15', () => expect(inputs.length).toBeGreaterThanOrEqual(15));
  test.each(inputs)('%s', async (input) => {
    const text = readFileSync(join(goldenDir, input), 'utf8');
    const expected = readFileSync(join(goldenDir, input.replace('.input.', '.output.')), 'utf8');
    expect(await formatIncp(text)).toBe(expected);
  });
});

describe('formatting twice changes nothing', () => {
  test.each(corpus)('%s', async (file) => {
    const once = await formatIncp(readFileSync(file, 'utf8'));
    expect(await formatIncp(once)).toBe(once);
  });
});

describe('formatting keeps the AST (spans, comments and parentheses aside)', () => {
  test.each(corpus)('%s', async (file) => {
    const text = readFileSync(file, 'utf8');
    expect(astOf(await formatIncp(text))).toEqual(astOf(text));
  });
});

describe('every comment is kept', () => {
  test.each(corpus)('%s', async (file) => {
    const text = readFileSync(file, 'utf8');
    const comments = (t: string) => parseSource(t, 'x.incp').ast!.comments.map((c) => c.text.trim());
    expect(comments(await formatIncp(text))).toEqual(comments(text));
  });
});

test('printWidth is respected: no line longer than the width, unless one token is', async () => {
  for (const file of corpus) {
    const out = await formatIncp(readFileSync(file, 'utf8'), { printWidth: 60 });
    // Comments are kept as written: blank them out before measuring.
    let code = out;
    for (const c of parseSource(out, 'x.incp').ast!.comments) {
      code = code.slice(0, c.span.startOffset) + c.text.replace(/[^\n]/g, ' ') + code.slice(c.span.endOffset);
    }
    for (const l of code.split('\n').map((x) => x.trimEnd())) {
      // A bare layer line never breaks (a newline would end it): it may be long, alone or as a chain element.
      if (
        l.length > 60 &&
        !/^\s*("[^"]*"|\w+(\.\.\w+)?): |^\s*(conv|maxpool|avgpool|dense|input|dropout|gap|flatten) /.test(l) &&
        !/->$/.test(l)
      ) {
        throw new Error(`${file}: line over 60 columns: ${l}`);
      }
    }
  }
});

describe('incc fmt', () => {
  const cli = (args: string[], cwd?: string) =>
    spawnSync('node', [join(process.cwd(), 'dist/cli/incc.js'), 'fmt', ...args], { encoding: 'utf8', cwd });

  test('prints the formatted file', () => {
    const r = cli([join(goldenDir, '01-spacing.input.incp')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(goldenDir, '01-spacing.output.incp'), 'utf8'));
  });

  test('--check lists the files that would change and exits 1; --write fixes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incc-fmt-'));
    writeFileSync(join(dir, 'a.incp'), readFileSync(join(goldenDir, '01-spacing.input.incp')));
    writeFileSync(join(dir, 'b.incp'), readFileSync(join(goldenDir, '01-spacing.output.incp')));
    const check = cli(['--check', dir]);
    expect(check.status).toBe(1);
    expect(check.stdout.trim().split('\n')).toEqual([join(dir, 'a.incp')]);
    expect(cli(['--write', dir]).status).toBe(0);
    expect(readFileSync(join(dir, 'a.incp'), 'utf8')).toBe(
      readFileSync(join(goldenDir, '01-spacing.output.incp'), 'utf8'),
    );
    expect(cli(['--check', dir]).status).toBe(0);
  });

  test('a file with syntax errors: the diagnostic, exit 1, the file untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'incc-fmt-'));
    const file = join(dir, 'broken.incp');
    const text = 'network N {\n  input 8x8x3\n  conv 3x3 4 ->\n}\n';
    writeFileSync(file, text);
    const r = cli(['--write', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/broken\.incp:4:1: error syntax-error/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  test('usage errors exit 2', () => {
    expect(cli([]).status).toBe(2);
    expect(cli(['--check', '--write', 'x.incp']).status).toBe(2);
    expect(cli(['no-such-file.incp']).status).toBe(2);
  });
});

test('stock Prettier formats .incp with the plugin', () => {
  const out = execFileSync(
    'node',
    [
      'node_modules/prettier/bin/prettier.cjs',
      // This project's .prettierignore leaves .incp files to incc fmt: a user's project does not.
      '--ignore-path',
      '/dev/null',
      '--plugin',
      './dist/format/plugin.js',
      '--print-width',
      '100',
      join(goldenDir, '05-long-concat.input.incp'),
    ],
    { encoding: 'utf8' },
  );
  expect(out).toBe(readFileSync(join(goldenDir, '05-long-concat.output.incp'), 'utf8'));
});

describe('one style: `incc fmt` and stock Prettier with the plugin give the same bytes', () => {
  // Every stdlib, example and golden file, formatted by both in a folder of its own: without any Prettier
  // configuration (the plugin's printWidth 100 applies to both), and with a .prettierrc that both must honour.
  const files = [...new Set(corpus)];
  const prettier = join(process.cwd(), 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const plugin = join(process.cwd(), 'dist', 'format', 'plugin.js');
  const inccCli = join(process.cwd(), 'dist', 'bin', 'incc.js');

  test.each([
    ['no configuration', undefined],
    ['a .prettierrc with printWidth 60', '{ "printWidth": 60 }'],
  ])('%s', (_name, prettierrc) => {
    const root = mkdtempSync(join(tmpdir(), 'incc-one-style-'));
    const copy = (side: string): string[] => {
      const dir = join(root, side);
      mkdirSync(dir);
      if (prettierrc !== undefined) writeFileSync(join(dir, '.prettierrc'), prettierrc);
      return files.map((f, i) => {
        const path = join(dir, `${i}-${f.split('/').at(-1)}`);
        writeFileSync(path, readFileSync(f, 'utf8'));
        return path;
      });
    };
    const viaPrettier = copy('prettier');
    const viaIncc = copy('incc');
    execFileSync('node', [prettier, '--no-editorconfig', '--plugin', plugin, '--write', ...viaPrettier], {
      cwd: join(root, 'prettier'),
      encoding: 'utf8',
    });
    const r = spawnSync('node', [inccCli, 'fmt', '--write', ...viaIncc], { cwd: join(root, 'incc'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const differing = viaIncc.filter((p, i) => readFileSync(p, 'utf8') !== readFileSync(viaPrettier[i]!, 'utf8'));
    expect(differing).toEqual([]);
    if (prettierrc !== undefined) {
      // The configuration really applied: some file is laid out differently at 60 columns than at 100.
      const at100 = files.map((f) => readFileSync(f, 'utf8'));
      expect(viaIncc.some((p, i) => readFileSync(p, 'utf8') !== at100[i] && files[i]!.includes('output'))).toBe(true);
    }
    rmSync(root, { recursive: true, force: true });
  });
});
