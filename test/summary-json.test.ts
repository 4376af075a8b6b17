/**
 * `incc summary stdlib/inception_v3.incp --json`, run as a CLI process (dist/cli/incc.js; `npm test`
 * builds it first). The expected numbers are the reference implementations' published counts
 * (../shared/paper/FACTS.md), not incc's output:
 *
 *   Keras Inception-v3, 1000 classes, with the top: 23,851,784 params (23,817,352 trainable, 34,432
 *   non-trainable); without the top 21,802,784; about 5.71 G multiply-adds at 299x299.
 *   Block outputs: stem 35x35x192; mixed0 35x35x256; mixed1, mixed2 35x35x288; mixed3 17x17x768;
 *   mixed4-7 17x17x768; mixed8 8x8x1280; mixed9, mixed10 8x8x2048.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from '../compiler/print/summary.js';
import { plainEnv } from './helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'incc.js');

function incc(...args: string[]): string {
  return execFileSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: plainEnv() });
}

/** What `incc summary --json` prints: compiler/print/summary.ts's Summary. */
type JsonSummary = Summary;

function summary(...extra: string[]): JsonSummary {
  return JSON.parse(incc('summary', 'stdlib/inception_v3.incp', '--json', ...extra)) as JsonSummary;
}

// Keras Inception-v3 (FACTS.md).
const KERAS_TOTAL = 23_851_784;
const KERAS_TRAINABLE = 23_817_352;
const KERAS_NON_TRAINABLE = 34_432;
const KERAS_NO_TOP = 21_802_784;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build with \`npx tsc -p tsconfig.json\` (npm test does)`);
});

describe('incc summary stdlib/inception_v3.incp --json', () => {
  const s = summary();

  test('has the documented fields', () => {
    expect(s.network).toBe('InceptionV3');
    expect(s.file).toBe('std/inception_v3.incp');
    expect(s.input).toEqual([299, 299, 3]);
    expect(s.output).toEqual([1000]);
    expect(Object.keys(s.params).sort()).toEqual(['nonTrainable', 'total', 'trainable']);
    expect(typeof s.macs).toBe('number');
    expect(s.args).toEqual({
      classes: 1000,
      include_top: true,
      aux_head: false,
      dropout_rate: 0,
      count_include_pad: false,
    });
    expect(Array.isArray(s.nodes)).toBe(true);
    for (const n of s.nodes) {
      expect(typeof n.name).toBe('string');
      expect(typeof n.op).toBe('string');
      expect(Array.isArray(n.outputShape)).toBe(true);
      expect(Number.isInteger(n.params)).toBe(true);
      expect(n.params).toBe(n.trainable + n.nonTrainable);
      expect(Number.isInteger(n.macs)).toBe(true);
      expect(n.source.file).toMatch(/^std\/(inception_v3|modules)\.incp$/);
      expect(n.source.line).toBeGreaterThan(0);
      expect(n.source.column).toBeGreaterThan(0);
    }
    expect(new Set(s.nodes.map((n) => n.name)).size).toBe(s.nodes.length);
    // the first node is the input, the last the classifier
    expect(s.nodes[0]).toMatchObject({ name: 'input', op: 'input', outputShape: [299, 299, 3] });
    expect(s.nodes[s.nodes.length - 1]).toMatchObject({ name: 'predictions', op: 'dense', outputShape: [1000] });
  });

  test('exactly the Keras parameter counts', () => {
    expect(s.params).toEqual({ total: KERAS_TOTAL, trainable: KERAS_TRAINABLE, nonTrainable: KERAS_NON_TRAINABLE });
    // 34,432 non-trainable = 2 (moving mean, variance) x 17,216 batch-norm channels
    expect(KERAS_NON_TRAINABLE).toBe(2 * 17_216);
    // the totals are the sums over the nodes
    expect(s.nodes.reduce((a, n) => a + n.params, 0)).toBe(KERAS_TOTAL);
    expect(s.nodes.reduce((a, n) => a + n.macs, 0)).toBe(s.macs);
    expect(s.aux).toEqual([]);
    expect(s.main.params).toEqual(s.params);
  });

  test('multiply-adds within 0.5% of 5.71 G', () => {
    expect(Math.abs(s.macs - 5.71e9) / 5.71e9).toBeLessThan(0.005);
  });

  test('block output shapes (FACTS.md)', () => {
    const shape = (name: string) => {
      const n = s.nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n.outputShape;
    };
    // The stem's last node: what every first layer of mixed0's branches reads.
    const mixed0Inputs = new Set(
      s.nodes
        .filter((n) => n.name.startsWith('mixed0/') && n.inputs.every((i) => !i.startsWith('mixed0')))
        .flatMap((n) => n.inputs),
    );
    expect(mixed0Inputs.size).toBe(1);
    const stem = [...mixed0Inputs][0]!;
    expect(shape(stem)).toEqual([35, 35, 192]);
    expect(s.nodes.find((n) => n.name === stem)!.source.file).toBe('std/inception_v3.incp');

    expect(shape('mixed0')).toEqual([35, 35, 256]);
    expect(shape('mixed1')).toEqual([35, 35, 288]);
    expect(shape('mixed2')).toEqual([35, 35, 288]);
    expect(shape('mixed3')).toEqual([17, 17, 768]);
    for (const m of ['mixed4', 'mixed5', 'mixed6', 'mixed7']) expect(shape(m)).toEqual([17, 17, 768]);
    expect(shape('mixed8')).toEqual([8, 8, 1280]);
    expect(shape('mixed9')).toEqual([8, 8, 2048]);
    expect(shape('mixed10')).toEqual([8, 8, 2048]);
    for (let i = 0; i <= 10; i++) expect(s.nodes.find((n) => n.name === `mixed${i}`)!.op).toBe('concat');
    expect(shape('avg_pool')).toEqual([2048]);
  });

  test('source locations point into the .incp files', () => {
    const mixed4 = s.nodes.find((n) => n.name === 'mixed4')!;
    expect(mixed4.source.file).toBe('std/modules.incp'); // the concat of block Figure6
    const predictions = s.nodes.find((n) => n.name === 'predictions')!;
    expect(predictions.source.file).toBe('std/inception_v3.incp');
  });
});

describe('incc summary with --set', () => {
  test('include_top=false: 21,802,784 (Keras, no top)', () => {
    const s = summary('--set', 'include_top=false');
    expect(s.params.total).toBe(KERAS_NO_TOP);
    // The top is gap + dense(2048 -> 1000): 2048 * 1000 + 1000 = 2,049,000 = 23,851,784 - 21,802,784.
    expect(KERAS_TOTAL - KERAS_NO_TOP).toBe(2048 * 1000 + 1000);
    expect(s.params.nonTrainable).toBe(KERAS_NON_TRAINABLE);
    expect(s.output).toEqual([8, 8, 2048]);
  });

  test('aux_head=true: the aux head counted separately, Keras convention', () => {
    // torchvision: 27,161,264 with the aux head, 23,834,568 without -> its aux head is 3,326,696,
    // counting batch norm gamma and beta but not the running statistics. The head's BN layers have
    // 128 + 768 = 896 channels. Keras with scale=false: drop the 896 gammas, add 2 x 896 moving
    // mean and variance (non-trainable).
    const torchAux = 27_161_264 - 23_834_568;
    expect(torchAux).toBe(3_326_696);
    const bnChannels = 128 + 768;
    const auxTrainable = torchAux - bnChannels; // 3,325,800
    const auxNonTrainable = 2 * bnChannels; // 1,792
    const auxTotal = auxTrainable + auxNonTrainable; // 3,327,592

    const s = summary('--set', 'aux_head=true');
    expect(s.aux).toHaveLength(1);
    const aux = s.aux[0]!;
    expect(aux.name).toBe('aux_logits');
    expect(aux.from).toBe('mixed7');
    expect(aux.weight).toBe(0.4);
    expect(aux.output).toEqual([1000]);
    expect(aux.params).toEqual({ total: auxTotal, trainable: auxTrainable, nonTrainable: auxNonTrainable });
    expect(s.params).toEqual({
      total: KERAS_TOTAL + auxTotal,
      trainable: KERAS_TRAINABLE + auxTrainable,
      nonTrainable: KERAS_NON_TRAINABLE + auxNonTrainable,
    });
    expect(s.main.params).toEqual({
      total: KERAS_TOTAL,
      trainable: KERAS_TRAINABLE,
      nonTrainable: KERAS_NON_TRAINABLE,
    });
    // Every aux node is tagged with the head's name; the rest are `main`.
    const auxNodes = s.nodes.filter((n) => n.head === 'aux_logits');
    expect(auxNodes.reduce((a, n) => a + n.params, 0)).toBe(auxTotal);
    expect(s.nodes.filter((n) => n.head === 'main').reduce((a, n) => a + n.params, 0)).toBe(KERAS_TOTAL);
    // The aux multiply-adds by hand: 17x17x768 -> avgpool 5x5/3 VALID: ceil(13 / 3) = 5 -> 5x5x768;
    // 1x1 128: 25 * 768 * 128 = 2,457,600; 5x5 VALID 768: 1x1 * 25 * 128 * 768 = 2,457,600;
    // 1x1 1000: 768 * 1000 = 768,000. Total 5,683,200.
    expect(aux.macs).toBe(2_457_600 + 2_457_600 + 768_000);
  });
});

describe('incc summary table', () => {
  test('prints the totals line', () => {
    const out = incc('summary', 'stdlib/inception_v3.incp');
    expect(out).toContain('Total params: 23,851,784 (trainable 23,817,352, non-trainable 34,432)');
    expect(out).toContain('Input 299x299x3, output 1000');
    expect(out).toMatch(/Multiply-adds: [\d,]+ \(5\.71 G\)/);
    expect(out).toMatch(/^mixed0\s+concat\s+35x35x256\s/m);
  });
});
