/**
 * `incc fmt --write` loses nothing the user had (README, "Formatting"): it keeps a file's mode, owner and
 * group, writes through a symbolic link to its target (the link stays), keeps hard links, refuses a read-only
 * file, leaves no temporary file behind, and writes nothing that does not parse back to the same syntax
 * tree with the same comments (the guard, provoked here with a formatter that returns wrong text).
 */
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFile } from '../cli/commands/fmt.js';
import { formattingProblem } from '../format/verify.js';
import { incc } from './helpers/cli.js';

const unformatted = 'network N {\ninput 8x8x3\nconv   3x3 4 // four filters\n}\n';
const formatted = 'network N {\n  input 8x8x3\n  conv 3x3 4 // four filters\n}\n';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'incc-fmt-write-'));
}

test('the file keeps its mode, owner and group', () => {
  const dir = scratch();
  const file = join(dir, 'a.incp');
  writeFileSync(file, unformatted);
  chmodSync(file, 0o600);
  // As root, give the file to another user first: a plain rename would hand it to root.
  const isRoot = process.getuid?.() === 0;
  if (isRoot) chownSync(file, 4242, 4343);
  const before = statSync(file);
  const r = incc(['fmt', '--write', file]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(readFileSync(file, 'utf8')).toBe(formatted);
  const after = statSync(file);
  expect((after.mode & 0o7777).toString(8)).toBe('600');
  expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
  if (isRoot) expect([after.uid, after.gid]).toEqual([4242, 4343]);
  expect(readdirSync(dir)).toEqual(['a.incp']);
});

test('a symbolic link is written through: the target is formatted, the link stays a link', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'real.incp'), unformatted);
  symlinkSync('real.incp', join(dir, 'link.incp'));
  const r = incc(['fmt', '--write', join(dir, 'link.incp')]);
  expect(r.status).toBe(0);
  expect(lstatSync(join(dir, 'link.incp')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'real.incp'), 'utf8')).toBe(formatted);
  expect(readdirSync(dir).sort()).toEqual(['link.incp', 'real.incp']);
});

test('hard links stay linked: every name sees the formatted text', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'a.incp'), unformatted);
  linkSync(join(dir, 'a.incp'), join(dir, 'b.incp'));
  const inode = statSync(join(dir, 'a.incp')).ino;
  const r = incc(['fmt', '--write', join(dir, 'a.incp')]);
  expect(r.status).toBe(0);
  expect(readFileSync(join(dir, 'b.incp'), 'utf8')).toBe(formatted);
  expect(statSync(join(dir, 'a.incp')).ino).toBe(inode);
  expect(statSync(join(dir, 'a.incp')).nlink).toBe(2);
  expect(readdirSync(dir).sort()).toEqual(['a.incp', 'b.incp']);
});

test('a read-only file is refused, exit 2, and left as it was', () => {
  const dir = scratch();
  const file = join(dir, 'ro.incp');
  writeFileSync(file, unformatted);
  chmodSync(file, 0o444);
  const r = incc(['fmt', '--write', file]);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`${file} is read-only (mode 0444): not changed`);
  expect(readFileSync(file, 'utf8')).toBe(unformatted);
  expect((statSync(file).mode & 0o7777).toString(8)).toBe('444');
});

describe('the guard: nothing is written or printed that does not mean what the file meant', () => {
  const cases: [string, string][] = [
    ['a different syntax tree', formatted.replace('conv 3x3 4', 'conv 3x3 5')],
    ['text that does not parse', formatted.replace('conv 3x3 4', 'conv 3x3 4 ->')],
    ['a lost comment', formatted.replace(' // four filters', '')],
    ['a comment glued onto another', formatted.replace('// four filters', '// four // filters')],
  ];

  test.each(cases)('%s: exit 70 (internal), the file untouched', async (_, wrong) => {
    const dir = scratch();
    const file = join(dir, 'a.incp');
    writeFileSync(file, unformatted);
    expect(await formatFile(file, 'write', async () => wrong)).toBe('internal');
    expect(readFileSync(file, 'utf8')).toBe(unformatted);
    expect(readdirSync(dir)).toEqual(['a.incp']);
  });

  test('a formatter that throws: internal, the file untouched', async () => {
    const dir = scratch();
    const file = join(dir, 'a.incp');
    writeFileSync(file, unformatted);
    const outcome = await formatFile(file, 'write', async () => {
      throw new Error('Comment "// four filters" was not printed');
    });
    expect(outcome).toBe('internal');
    expect(readFileSync(file, 'utf8')).toBe(unformatted);
  });

  test('formattingProblem accepts the real formatting and names what is wrong otherwise', () => {
    expect(formattingProblem(unformatted, formatted)).toBeUndefined();
    expect(formattingProblem(unformatted, cases[0]![1])).toBe('the formatted text has a different syntax tree');
    expect(formattingProblem(unformatted, cases[1]![1])).toBe('the formatted text does not parse');
    expect(formattingProblem(unformatted, cases[2]![1])).toBe(
      'the formatted text does not keep every comment as it was',
    );
  });
});
