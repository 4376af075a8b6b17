/**
 * Image folders stream from disk (backends/common/data.ts): training on 20,000 images peaks at about
 * the memory of training on 2,000 (under 1.5x), where holding the images in memory would add 20,000 x
 * 128 x 128 x 3 bytes (about 1 GB) and more than double the peak. The images are small PNGs of two classes
 * made here; the network resizes them to 128x128. Peak memory: the process's maxRSS (test/helpers/peak-rss.mjs).
 * Also: --augment trains, and a file that does not decode stops training naming it.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { cliPath, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'incc-scale-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const net = join(work, 'scale.incp');
writeFileSync(
  net,
  'network Scale(classes: int = 2) {\n  input 128x128x3\n  conv 3x3/4 8 valid bn=true act=relu\n  gap\n  ' +
    'dense classes act=softmax\n' +
    '  train {\n    batch_size = 32\n    validation_split = 0.01\n  }\n}\n',
);

/** 16x16 PNGs, a bright left or right half by class, DISTINCT of them (then hard links up to `count`). */
function makeFolder(name: string, count: number): string {
  const dir = join(work, name);
  const DISTINCT = 500;
  for (const [label, cls] of ['left', 'right'].entries()) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < count / 2; i++) {
      const file = join(dir, cls, `${String(i).padStart(5, '0')}.png`);
      if (i >= DISTINCT) {
        linkSync(join(dir, cls, `${String(i % DISTINCT).padStart(5, '0')}.png`), file);
        continue;
      }
      const png = new pngjs.PNG({ width: 16, height: 16 });
      for (let p = 0; p < 256; p++) {
        const bright = p % 16 < 8 === (label === 0);
        png.data.set([bright ? 200 + (i % 50) : 30, 40 + (p % 7), (i * 7) % 255, 255], p * 4);
      }
      writeFileSync(file, pngjs.PNG.sync.write(png));
    }
  }
  return dir;
}

function train(data: string, extra: string[] = []): { status: number | null; stderr: string; peakKb: number } {
  const r = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'test', 'helpers', 'peak-rss.mjs'),
      cliPath,
      'train',
      net,
      '--data',
      data,
      '--epochs',
      '1',
      '--steps-per-epoch',
      '6',
      ...extra,
    ],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  const m = /peak-rss-kb (\d+)/.exec(r.stderr);
  return { status: r.status, stderr: r.stderr, peakKb: m ? Number(m[1]) : NaN };
}

test('20,000 images train in about the memory of 2,000 (peak under 1.5x)', () => {
  const small = train(makeFolder('small', 2000));
  const large = train(makeFolder('large', 20000));
  expect(small.stderr).toContain('1980 training and 20 validation images at 128x128x3');
  expect(large.stderr).toContain('19800 training and 200 validation images at 128x128x3');
  expect([small.status, large.status]).toEqual([0, 0]);
  process.stderr.write(
    `test/train-data-scale.test.ts: peak RSS ${small.peakKb} KB for 2,000 images, ${large.peakKb} KB for 20,000\n`,
  );
  expect(large.peakKb / small.peakKb).toBeLessThan(1.5);
});

test('--augment trains; an image that does not decode stops training, naming the file (exit 1)', () => {
  const dir = makeFolder('augment', 200);
  expect(train(dir, ['--augment']).status).toBe(0);
  writeFileSync(join(dir, 'left', '00000.png'), 'not a PNG');
  const r = train(dir, ['--steps-per-epoch', '100']);
  expect(r.stderr).toContain(`${join(dir, 'left', '00000.png')}: cannot decode this PNG image`);
  expect(r.status).toBe(1);
});
