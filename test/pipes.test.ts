/**
 * Every command that prints ends quietly when its reader goes away (`incc parse --json | head`): status
 * 141 (128 + SIGPIPE, what the shell reports for `cat` or `yes` in that pipe), no error and no stack trace
 * on stderr. Commands with long output are piped into `head -c 16`; their inputs are generated so that the
 * output is well over a pipe's buffer (64 KiB): the pipe is closed before the last write. Commands that
 * print one line (or only to stderr) get a pipe that is closed as they start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'incc-pipes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A chain of n unfactorized 5x5 convolutions (each one a lint finding) with long labels: long output everywhere. */
function chain(n: number): string {
  const file = join(work, `chain${n}.incp`);
  if (!existsSync(file)) {
    const layers = Array.from(
      { length: n },
      (_, i) => `  a_rather_long_layer_label_to_make_every_output_longer_${String(i).padStart(5, '0')}: conv 5x5 8\n`,
    );
    writeFileSync(
      file,
      `network Chain(classes: int = 10) {\n  input 16x16x3\n${layers.join('')}  gap\n  dense classes act=softmax\n}\n`,
    );
  }
  return file;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * `incc ARGS | head -c 16`: head reads the first bytes and exits, closing the pipe; incc's status and
 * stderr are returned.
 */
function runIntoHead(args: string[]): Run {
  const script = '"$@" | head -c 16 >/dev/null; exit "${PIPESTATUS[0]}"';
  const r = spawnSync('bash', ['-c', script, 'bash', process.execPath, cliPath, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

/** incc with `stream` (stdout or stderr) a pipe closed as it starts; stderr is collected when it is not that stream. */
function runClosedAtStart(args: string[], stream: 'stdout' | 'stderr'): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child[stream].destroy();
    let stderr = '';
    if (stream === 'stdout') {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (s: string) => (stderr += s));
    } else child.stdout.resume();
    child.on('error', fail);
    child.on('close', (status, signal) => done({ status, signal, stderr }));
  });
}

/** What a crash on a closed pipe printed: Node's `Error: write EPIPE` and its stack, or incc's internal error. */
const CRASH = /EPIPE|Error|internal error|^\s+at /m;

/** Each command that prints a lot, with the chain length that makes its output several pipe buffers long. */
const LONG: [string, string[], number][] = [
  ['parse --json', ['parse', '--json'], 40],
  ['summary', ['summary'], 1500],
  ['summary --json', ['summary', '--json'], 400],
  ['lint (stylish)', ['lint'], 400],
  ['lint --format json', ['lint', '--format', 'json'], 300],
  ['lint --format sarif', ['lint', '--format', 'sarif'], 150],
  ['lint --format github', ['lint', '--format', 'github'], 500],
  ['graph (svg)', ['graph'], 200],
  ['graph --format dot', ['graph', '--format', 'dot'], 400],
  ['graph --format mermaid', ['graph', '--format', 'mermaid'], 1500],
  ['graph --format html', ['graph', '--format', 'html'], 60],
  ['fmt (one file, printed)', ['fmt'], 2500],
  ['rewrite --emit', ['rewrite', '--emit'], 2500],
  ['rewrite --explain', ['rewrite', '--explain', '--rules', 'factor_5x5'], 600],
];

describe('stdout closed after the first bytes', () => {
  test.each(LONG)('%s ends quietly with status 141', (_name, args, n) => {
    const [command, ...options] = args;
    const r = runIntoHead([command!, chain(n), ...options]);
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(141);
  });
});

describe('output closed as the command starts', () => {
  const tiny = join(work, 'tiny.incp');
  writeFileSync(tiny, 'network Tiny {\n  input 8x8x3\n  conv 3x3 4\n  gap\n  dense 4 act=softmax\n}\n');
  const broken = join(work, 'broken.incp');
  writeFileSync(broken, `network Broken {\n  input 8x8x3\n${'  cnv 3x3 4\n'.repeat(50)}}\n`);
  const unformatted = join(work, 'unformatted.incp');
  writeFileSync(unformatted, 'network   Tiny {\n input 8x8x3\n    conv 3x3 4\n}\n');
  const CASES: [string, string[], 'stdout' | 'stderr'][] = [
    ['--version', ['--version'], 'stdout'],
    ['--help', ['--help'], 'stdout'],
    ['check --help', ['check', '--help'], 'stdout'],
    ['check (diagnostics on stderr)', ['check', broken], 'stderr'],
    [
      'compile --target onnx (one line)',
      ['compile', tiny, '--target', 'onnx', '--out', join(work, 'tiny.onnx')],
      'stdout',
    ],
    [
      'compile --target tfjs (one line)',
      ['compile', tiny, '--target', 'tfjs', '--out', join(work, 'tiny-tfjs')],
      'stdout',
    ],
    ['fmt --check (file names)', ['fmt', '--check', unformatted], 'stdout'],
    [
      'train (progress on stderr)',
      [
        'train',
        join(repoRoot, 'examples', 'train', 'mini.incp'),
        '--data',
        'synthetic:8',
        '--epochs',
        '1',
        '--backend',
        'cpu',
      ],
      'stderr',
    ],
  ];
  test.each(CASES)('%s ends quietly with status 141', async (_name, args, stream) => {
    const r = await runClosedAtStart(args, stream);
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(141);
  });
});
