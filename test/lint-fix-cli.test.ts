/**
 * `incc lint --fix` and `--fix-dry-run` as a process (spec/lint.md, "Fixing findings"), on a copy of every
 * examples/lint/*.before.incp: the fixed file has no finding of its rule, compiles, and `incc summary` shows
 * the change in parameters and multiply-adds computed here by hand; a second --fix changes nothing; a dry
 * run writes nothing; files a std/rules rule cannot fix are left as they were; a fix that would not compile
 * is not written.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFile } from '../compiler/lint/engine/lint-file.js';
import { incc, repoRoot } from './helpers/cli.js';

const work = join(repoRoot, 'test-output', 'lint-fix-cli');
const examples = join(repoRoot, 'examples', 'lint');
const rules = readdirSync(examples)
  .filter((f) => f.endsWith('.before.incp'))
  .map((f) => f.replace('.before.incp', ''))
  .sort();

/**
 * What `incc summary` must show change, params and multiply-adds (after minus before), by hand. Batch norm
 * after a conv with bn_scale=false holds 3 values a channel (beta, moving mean, moving variance); the
 * `batchnorm` layer 4 (gamma too); pools and concat hold none and are not multiply-adds.
 */
const expectedChange: Record<string, { params: number; macs: number; apply: string }> = {
  // conv 5x5 64 on 35x35x64 -> conv 3x3 64 -> conv 3x3 64: (18 - 25)*64*64 weights, one more BN of 64.
  'large-unfactorized-kernel': {
    params: (18 - 25) * 64 * 64 + 3 * 64,
    macs: 35 * 35 * (18 - 25) * 64 * 64,
    apply: 'apply factor_5x5 to branch5x5/conv2',
  },
  // conv 3x3 64 (SAME) on 64x64x32 then maxpool 3x3/2 -> concat { conv 3x3/2 32 ; maxpool 3x3/2 } (32x32).
  'costly-grid-reduction': {
    params: 9 * 32 * 32 + 3 * 32 - (9 * 32 * 64 + 3 * 64),
    macs: 32 * 32 * 9 * 32 * 32 - 64 * 64 * 9 * 32 * 64,
    apply: 'apply efficient_grid_reduction_conv_pool to conv2, maxpool1',
  },
  // maxpool 3x3/2 valid (35 -> 17) then conv 1x1 768 on 17x17x288 -> concat { conv 3x3/2 480 valid ; maxpool }:
  // Figure 10 removes the bottleneck at a cost (the conv now sees 3x3 windows of all 288 channels).
  'representational-bottleneck': {
    params: 9 * 288 * 480 + 3 * 480 - (288 * 768 + 3 * 768),
    macs: 17 * 17 * 9 * 288 * 480 - 17 * 17 * 288 * 768,
    apply: 'apply efficient_grid_reduction to maxpool1, conv1',
  },
  // Each head's dense 1024 on 3200 with bias -> without bias, then batchnorm (4 a channel): 2 heads.
  'auxiliary-classifier': {
    params: 2 * (-1024 + 4 * 1024),
    macs: 0,
    apply: 'apply bn_auxiliary to aux1/dense1',
  },
};

function totals(file: string): { params: number; macs: number } {
  const r = incc(['summary', file, '--json']);
  expect(r.stderr).toBe('');
  const s = JSON.parse(r.stdout) as { params: { total: number }; macs: number };
  return { params: s.params.total, macs: s.macs };
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
});

describe.each(rules)('incc lint --fix on examples/lint/%s.before.incp', (rule) => {
  const file = join(work, `${rule}.incp`);
  const original = readFileSync(join(examples, `${rule}.before.incp`), 'utf8');

  test('fixes the finding if a std/rules rule can, and says what it saved; a second --fix changes nothing', () => {
    writeFileSync(file, original);
    const before = totals(file);
    const dry = incc(['lint', file, '--fix-dry-run']);
    expect(readFileSync(file, 'utf8')).toBe(original);
    const fixed = incc(['lint', file, '--fix']);
    expect(fixed.stderr).toBe('');
    const text = readFileSync(file, 'utf8');
    const expected = expectedChange[rule];
    if (!expected) {
      // No std/rules rule fixes this rule's findings: nothing written, nothing said.
      expect(text).toBe(original);
      expect(fixed.stdout).not.toMatch(/fixed \d+ finding/);
      return;
    }
    expect(dry.stdout).toContain(`would fix`);
    expect(fixed.stdout).toContain(`${rule}  ${expected.apply}`);
    const after = lintFile(file, { config: {} });
    expect(after.failures).toEqual([]);
    const left = after.messages.filter(
      (m) => m.ruleId === rule && (rule !== 'auxiliary-classifier' || m.messageId === 'unnormalizedLayer'),
    );
    expect(left).toEqual([]);
    const now = totals(file);
    expect({ params: now.params - before.params, macs: now.macs - before.macs }).toEqual({
      params: expected.params,
      macs: expected.macs,
    });
    // The network's totals in the --fix summary are those `incc summary` gives.
    const figure = (n: number) => n.toLocaleString('en-US');
    expect(fixed.stdout).toContain(`params ${figure(before.params)} -> ${figure(now.params)}`);
    expect(fixed.stdout).toContain(`mult-adds ${figure(before.macs)} -> ${figure(now.macs)}`);
    const mtime = statSync(file).mtimeMs;
    const again = incc(['lint', file, '--fix']);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(again.stdout).not.toMatch(/fixed \d+ finding/);
  });
});

test('a fix that would not compile is not written, and says why', () => {
  const dir = join(work, 'clash');
  mkdirSync(dir, { recursive: true });
  // The file's own factor_5x5 (imported from a file of its own) would clash with std/rules' one.
  writeFileSync(join(dir, 'myrules.incp'), 'rule factor_5x5 {\n  match conv 9x9\n  replace conv 9x9 filters\n}\n');
  const text =
    'import { factor_5x5 } from "./myrules"\n\ndefaults conv(bias=false, bn=true, act=relu)\n\n' +
    'network N {\n  input 35x35x64\n  big: conv 5x5 64\n}\n';
  const file = join(dir, 'main.incp');
  writeFileSync(file, text);
  const r = incc(['lint', file, '--fix']);
  expect(readFileSync(file, 'utf8')).toBe(text);
  expect(r.stdout).toMatch(
    /not fixed: 7:8 {2}large-unfactorized-kernel: the fixed file would not compile: .*already declared/,
  );
  expect(r.status).toBe(0); // a warning remains, as without --fix
});

test('--fix with --fix-dry-run is a usage error; a JSON report stays JSON, the summary going to stderr', () => {
  const file = join(work, 'json.incp');
  copyFileSync(join(examples, 'large-unfactorized-kernel.before.incp'), file);
  expect(incc(['lint', file, '--fix', '--fix-dry-run']).status).toBe(2);
  const r = incc(['lint', file, '--fix-dry-run', '--format', 'json']);
  expect(JSON.parse(r.stdout)[0].messages).toEqual([]);
  expect(r.stderr).toContain('would fix 1 finding in 1 file');
});
