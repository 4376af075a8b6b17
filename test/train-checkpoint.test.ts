/**
 * Training never destroys a good checkpoint (README, "Training"), run through the built CLI:
 * - a diverging learning rate (examples/train/mini.incp with lr = 1e30) stops the run with exit 1, and the
 *   checkpoint on disk (bytes and mtimes) is the last finite one;
 * - every kind of damage to a real checkpoint (train-state.json truncated, empty or hand-edited,
 *   train-state.bin truncated, missing or non-finite, a weight shard truncated or missing, model.json
 *   truncated) makes --resume exit 1 or 2 with a message naming the file and what is wrong, and changes
 *   nothing on disk;
 * - a half-written last line of metrics.jsonl is dropped (said so) and the file rewritten whole; another bad
 *   line is refused with its line number, the file left as it is;
 * - a fresh run refuses a folder holding a checkpoint or a user's files (unless --force);
 * - a data folder entry that loops or points nowhere is a clear error.
 */
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { incc, repoRoot } from './helpers/cli.js';
import { snapshot, tempFolder } from './helpers/files.js';
import { joinedRegExp } from './helpers/regexp.js';

const work = tempFolder('incc-train-ckpt-');

const mini = join(repoRoot, 'examples', 'train', 'mini.incp');
const miniText = readFileSync(mini, 'utf8');
/** mini.incp with a learning rate that makes the weights overflow at once. */
const diverging = join(work, 'mini-diverging.incp');
const divergingText = miniText.replace(/rmsprop\(lr ?= ?0\.045/, 'rmsprop(lr=1e30');
if (divergingText === miniText)
  throw new Error('examples/train/mini.incp no longer has the learning rate this test rewrites');
writeFileSync(diverging, divergingText);

/** 64 synthetic images, 2 steps of 32 (the network's batch): a checkpoint in a few seconds. */
const trainArgs = (file: string, out: string, epochs: number, ...extra: string[]): string[] => [
  'train',
  file,
  '--data',
  'synthetic:64',
  '--epochs',
  String(epochs),
  '--steps-per-epoch',
  '2',
  '--seed',
  '3',
  '--out',
  out,
  ...extra,
];

const base = join(work, 'base');
let copies = 0;
/** A copy of the one-epoch checkpoint, for a test to damage. */
function copyOfBase(): string {
  const dir = join(work, `copy${++copies}`);
  cpSync(base, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

beforeAll(() => {
  const r = incc(trainArgs(mini, base, 1));
  if (r.status !== 0) throw new Error(`training the base checkpoint failed: ${r.stderr}`);
});

describe('a diverging run', () => {
  test('resumed with lr = 1e30: exit 1, the checkpoint on disk stays the last finite one', () => {
    const dir = copyOfBase();
    const before = snapshot(dir);
    const r = incc(trainArgs(diverging, dir, 3, '--resume'));
    expect(r.stderr).toMatch(
      joinedRegExp(
        /incc train: the /,
        /(loss is (NaN|-?Infinity)|weight \S+ is NaN or infinite|saved state \(\S+\) is NaN or infinite)/,
        / at step \d+: stopping without saving/,
      ),
    );
    expect(r.stderr).toContain(`${dir} keeps the checkpoint of epoch 1`);
    expect(r.status).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  test('from the start: exit 1, no checkpoint written', () => {
    const dir = join(work, 'diverged-fresh');
    const r = incc(trainArgs(diverging, dir, 2));
    expect(r.stderr).toMatch(/stopping without saving .*; .*diverged-fresh has no checkpoint/);
    expect(r.status).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** Each damage: what to do to a copy of the checkpoint, and what the message must say. */
const DAMAGE: [string, (dir: string) => void, RegExp][] = [
  [
    'train-state.json truncated',
    (d) => truncateSync(join(d, 'train-state.json'), 100),
    /train-state\.json is not valid JSON \(truncated\?\)/,
  ],
  ['train-state.json empty', (d) => writeFileSync(join(d, 'train-state.json'), ''), /train-state\.json is empty/],
  [
    'train-state.json with a negative epoch',
    (d) => {
      const p = join(d, 'train-state.json');
      writeFileSync(p, readFileSync(p, 'utf8').replace(/"epoch": 1,/, '"epoch": -1,'));
    },
    /train-state\.json: epoch is -1; it must be a whole number of at least 0/,
  ],
  [
    'train-state.bin truncated',
    (d) => truncateSync(join(d, 'train-state.bin'), statSync(join(d, 'train-state.bin')).size - 8),
    /train-state\.bin holds \d+ bytes; .*train-state\.json needs \d+ \(truncated\?\)/,
  ],
  [
    'train-state.bin missing',
    (d) => rmSync(join(d, 'train-state.bin')),
    /cannot read .*train-state\.bin: it is missing/,
  ],
  [
    'train-state.bin with a NaN (a corrupt optimizer state)',
    (d) => {
      const p = join(d, 'train-state.bin');
      const b = readFileSync(p);
      b.writeFloatLE(NaN, 4 * 7);
      writeFileSync(p, b);
    },
    /train-state\.bin: \S+ holds NaN or infinite values/,
  ],
  [
    'a weight shard truncated',
    (d) => truncateSync(join(d, 'group1-shard1of1.bin'), 1000),
    /model\.json: the weights files \(group1-shard1of1\.bin\) end at byte 1000, before weight/,
  ],
  [
    'a weight shard missing',
    (d) => rmSync(join(d, 'group1-shard1of1.bin')),
    /cannot read the weights file .*group1-shard1of1\.bin/,
  ],
  ['model.json truncated', (d) => truncateSync(join(d, 'model.json'), 50), /cannot read .*model\.json: .*JSON/],
];

describe('a damaged checkpoint: --resume says which file and what, and changes nothing', () => {
  test.each(DAMAGE)('%s', (_name, damage, message) => {
    const dir = copyOfBase();
    damage(dir);
    const before = snapshot(dir);
    const r = incc(trainArgs(mini, dir, 2, '--resume'));
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    expect([1, 2]).toContain(r.status);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('metrics.jsonl', () => {
  test('a half-written last line is dropped, said so, and the file rewritten whole', () => {
    const dir = copyOfBase();
    const metrics = join(dir, 'metrics.jsonl');
    writeFileSync(metrics, `${readFileSync(metrics, 'utf8')}{"epoch":2,"step":4,"lr":0.0`);
    const r = incc(trainArgs(mini, dir, 2, '--resume'));
    expect(r.stderr).toMatch(/metrics\.jsonl: dropped a half-written last line \(\d+ bytes\)/);
    expect(r.status).toBe(0);
    const text = readFileSync(metrics, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { epoch: number }).epoch),
    ).toEqual([1, 2]);
  });

  test('a line that is not a record is refused with its number; the file is left as it is', () => {
    const dir = copyOfBase();
    const metrics = join(dir, 'metrics.jsonl');
    writeFileSync(metrics, `not json\n${readFileSync(metrics, 'utf8')}`);
    const before = snapshot(dir);
    const r = incc(trainArgs(mini, dir, 2, '--resume'));
    expect(r.stderr).toMatch(/metrics\.jsonl:1: not a JSON record; fix or remove that line/);
    expect(r.status).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the --out folder', () => {
  test('a fresh run refuses a folder holding a checkpoint unless --force', () => {
    const dir = copyOfBase();
    const before = snapshot(dir);
    const r = incc(trainArgs(mini, dir, 1));
    expect(r.stderr).toMatch(/holds a checkpoint: --resume continues it; --force starts over/);
    expect(r.status).toBe(1);
    expect(snapshot(dir)).toEqual(before);
    const forced = incc(trainArgs(mini, dir, 1, '--force'));
    expect(forced.status).toBe(0);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  test("a folder with a user's files is refused (exit 2); --force writes beside them", () => {
    const dir = join(work, 'users');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = incc(trainArgs(mini, dir, 1));
    expect(r.stderr).toMatch(/users holds files incc did not write \(notes\.txt\)/);
    expect(r.status).toBe(2);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(incc(trainArgs(mini, dir, 1, '--force')).status).toBe(0);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir)).toContain('train-state.json');
  });
});

describe('data folders', () => {
  function dataFolder(name: string): string {
    const dir = join(work, name);
    for (const cls of ['a', 'b', 'c', 'd']) {
      mkdirSync(join(dir, cls), { recursive: true });
      const png = new PNG({ width: 4, height: 4 });
      png.data.fill(cls.charCodeAt(0));
      writeFileSync(join(dir, cls, 'x.png'), PNG.sync.write(png));
    }
    return dir;
  }

  test('an entry that is a symbolic link loop, or points nowhere, is an error naming it', () => {
    const looped = dataFolder('looped');
    symlinkSync('loop', join(looped, 'loop'));
    const r = incc(['train', mini, '--data', looped, '--epochs', '1']);
    expect(r.stderr).toMatch(
      /looped\/loop: cannot read this entry of the data folder: it is a symbolic link that loops back on itself/,
    );
    expect(r.status).toBe(1);

    const dangling = dataFolder('dangling');
    symlinkSync(join(work, 'nowhere'), join(dangling, 'e'));
    const d = incc(['train', mini, '--data', dangling, '--epochs', '1']);
    expect(d.stderr).toMatch(
      /dangling\/e: cannot read this entry of the data folder: it is a symbolic link to something that does not exist/,
    );
    expect(d.status).toBe(1);
  });
});
