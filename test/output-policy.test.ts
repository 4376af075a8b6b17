/**
 * The output policy (backends/common/output.ts, README "Output files"), for every command and target that
 * writes: the tfjs and pytorch folders, the ONNX file, `graph --out` in each format. An existing destination incc did
 * not write is refused (exit 2, the bytes and the mtime unchanged) unless --force; incc's own output is
 * replaced; a symbolic link is written through (the link stays), a dangling one refused; temporary files
 * of killed runs are cleaned by the next run, and a folder an interrupted replace had moved aside is put
 * back; a signal during a write waits for the write to finish, then ends the process, leaving no temporary
 * file; SIGKILL leaves one, which the next write removes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incc, repoRoot } from './helpers/cli.js';
import { snapshot } from './helpers/files.js';

const NET = 'network Tiny {\n  input 8x8x3\n  conv 3x3 4\n  gap\n  dense 4 act=softmax\n}\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-output-'));
  writeFileSync(join(dir, 'tiny.incp'), NET);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Writer {
  name: string;
  /** The arguments that write `out` (relative to dir). */
  args: (out: string) => string[];
  folder: boolean;
}

const WRITERS: Writer[] = [
  {
    name: 'compile --target tfjs',
    args: (out) => ['compile', 'tiny.incp', '--target', 'tfjs', '--out', out],
    folder: true,
  },
  {
    name: 'compile --target pytorch',
    args: (out) => ['compile', 'tiny.incp', '--target', 'pytorch', '--out', out],
    folder: true,
  },
  {
    name: 'compile --target onnx',
    args: (out) => ['compile', 'tiny.incp', '--target', 'onnx', '--out', out],
    folder: false,
  },
  ...['svg', 'dot', 'mermaid', 'html'].map((format) => ({
    name: `graph --format ${format} --out`,
    args: (out: string) => ['graph', 'tiny.incp', '--format', format, '--out', out],
    folder: false,
  })),
];

/** What the writer made at `path`: its file, or the file names of its folder. */
const made = (path: string, w: Writer): string =>
  w.folder ? readdirSync(path).sort().join(',') : readFileSync(path, 'utf8');

const temps = (d: string): string[] => readdirSync(d).filter((n) => n.includes('.incc-'));

/** A process id that is not running (a child that has exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe.each(WRITERS)('$name', (w) => {
  test('refuses what incc did not write unless --force; replaces its own output', () => {
    const out = join(dir, 'out');
    // A user's file (or folder) where the output goes: refused, untouched.
    if (w.folder) {
      mkdirSync(out);
      writeFileSync(join(out, 'notes.txt'), 'mine');
    } else writeFileSync(out, 'my own notes\n');
    utimesSync(w.folder ? join(out, 'notes.txt') : out, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const before = snapshot(out);
    const refused = incc(w.args('out'), dir);
    expect(refused.stderr).toMatch(
      /out (holds files incc did not write \(notes\.txt\)|exists and incc did not write it).*--force/,
    );
    expect(refused.status).toBe(2);
    expect(snapshot(out)).toEqual(before);
    expect(temps(dir)).toEqual([]);

    // --force replaces it.
    const forced = incc([...w.args('out'), '--force'], dir);
    expect(forced.stderr).toBe('');
    expect(forced.status).toBe(0);
    const first = made(out, w);
    expect(first).not.toContain('mine');

    // incc's own output is replaced without --force, with the same result.
    const again = incc(w.args('out'), dir);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(made(out, w)).toBe(first);
    expect(temps(dir)).toEqual([]);
  });

  test('writes through a symbolic link (the link stays); refuses a dangling one', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real', 'target'), join(dir, 'link'));
    const dangling = incc(w.args('link'), dir);
    expect(dangling.stderr).toMatch(/link is a symbolic link to .*target, which does not exist/);
    expect(dangling.status).toBe(2);
    expect(readdirSync(join(dir, 'real'))).toEqual([]);

    // The link points at incc's output: it is replaced where it is, the link kept.
    expect(incc(w.args(join('real', 'target')), dir).status).toBe(0);
    const r = incc([...w.args('link')], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(made(join(dir, 'link'), w)).toBe(made(join(dir, 'real', 'target'), w));
    expect(temps(dir)).toEqual([]);
    expect(temps(join(dir, 'real'))).toEqual([]);

    // The link points at a user's file: refused, as the file itself would be.
    rmSync(join(dir, 'real', 'target'), { recursive: true });
    writeFileSync(join(dir, 'real', 'target'), 'mine');
    expect(incc(w.args('link'), dir).status).toBe(2);
    expect(readFileSync(join(dir, 'real', 'target'), 'utf8')).toBe('mine');
  });

  test('removes the temporary files of a killed run', () => {
    const pid = deadPid();
    const stale = `.out.incc-tmp-${pid}-0badc0de`;
    if (w.folder) {
      mkdirSync(join(dir, stale));
      writeFileSync(join(dir, stale, 'model.json'), 'half');
    } else writeFileSync(join(dir, stale), 'half');
    const running = `.out.incc-tmp-${process.pid}-00c0ffee`; // a live process's: left alone
    writeFileSync(join(dir, running), 'in progress');
    const r = incc(w.args('out'), dir);
    expect(r.status).toBe(0);
    expect(temps(dir)).toEqual([running]);
  });
});

test('a folder moved aside by an interrupted replace is put back by the next run', () => {
  const pid = deadPid();
  mkdirSync(join(dir, `.model.incc-old-${pid}-12345678`));
  writeFileSync(join(dir, `.model.incc-old-${pid}-12345678`, 'model.json'), 'the previous model');
  expect(incc(['compile', 'tiny.incp', '--target', 'tfjs', '--out', 'other'], dir).status).toBe(0);
  expect(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).toBe('the previous model');
  expect(temps(dir)).toEqual([]);
});

test('the current folder is never replaced, even with --force', () => {
  mkdirSync(join(dir, 'sub'));
  const r = incc(['compile', join('..', 'tiny.incp'), '--target', 'tfjs', '--out', '.', '--force'], join(dir, 'sub'));
  expect(r.stderr).toMatch(/\. is the current folder/);
  expect(r.status).toBe(2);
  expect(existsSync(join(dir, 'sub'))).toBe(true);
});

describe('signals during a write', () => {
  const outputModule = join(repoRoot, 'dist', 'backends', 'common', 'output.js');
  /** A process that writes a 200 MB file with writeFileAtomic; resolves once its temporary file appears. */
  function bigWrite(): {
    started: Promise<void>;
    ended: Promise<{ status: number | null; signal: string | null }>;
    pid: number;
  } {
    const script =
      `import(${JSON.stringify(outputModule)}).then((m) => m.writeFileAtomic('big.bin', new Uint8Array(200 * ` +
      `1024 * 1024).fill(7)))`;
    const child = spawn(process.execPath, ['-e', script], { cwd: dir, stdio: 'ignore' });
    const started = new Promise<void>((done, fail) => {
      const poll = setInterval(() => {
        if (temps(dir).length > 0) {
          clearInterval(poll);
          done();
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          fail(new Error('the write ended before its temporary file was seen'));
        }
      }, 2);
    });
    const ended = new Promise<{ status: number | null; signal: string | null }>((done) =>
      child.on('close', (status, signal) => done({ status, signal })),
    );
    return { started, ended, pid: child.pid! };
  }

  test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s waits for the write, then ends the process; no temporary file is left',
    async (signal) => {
      const run = bigWrite();
      await run.started;
      process.kill(run.pid, signal);
      // Killed by the signal once the write is done (or, when the write was its last act, ended normally).
      expect([
        { status: null, signal },
        { status: 0, signal: null },
      ]).toContainEqual(await run.ended);
      expect(temps(dir)).toEqual([]);
      expect(statSync(join(dir, 'big.bin')).size).toBe(200 * 1024 * 1024);
    },
  );

  test('SIGKILL leaves the temporary file; the next write removes it', async () => {
    const run = bigWrite();
    await run.started;
    process.kill(run.pid, 'SIGKILL');
    expect(await run.ended).toEqual({ status: null, signal: 'SIGKILL' });
    expect(temps(dir)).toHaveLength(1);
    expect(existsSync(join(dir, 'big.bin'))).toBe(false);
    const r = incc(['compile', 'tiny.incp', '--target', 'onnx', '--out', 'big.bin'], dir);
    expect(r.status).toBe(0);
    expect(temps(dir)).toEqual([]);
  });
});
