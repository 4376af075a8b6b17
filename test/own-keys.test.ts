/**
 * Names that are also properties of every JavaScript object (`__proto__`, `constructor`, `toString`, ...)
 * used wherever a user writes a name: incc must treat them as the plain names they are (a diagnostic or a
 * result), never reach Object.prototype through them (an internal error, a wrong type, "must be a undefined").
 * Generated over every place a name goes, in the source and on the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { incc } from './helpers/cli.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];

/** Source texts with NAME in one place each. */
const sources: [string, (name: string) => string][] = [
  ['block name', (n) => `block ${n}(c: int) { conv 1x1 c }\nnetwork N { input 8x8x3; ${n}(4) }\n`],
  ['network name', (n) => `network ${n} { input 8x8x3; conv 3x3 4 }\n`],
  ['parameter', (n) => `network N(${n}: int = 4) { input 8x8x3; conv 3x3 ${n} }\n`],
  ['named argument', (n) => `block B(c: int) { conv 1x1 c }\nnetwork N { input 8x8x3; B(${n}=4) }\n`],
  ['layer option', (n) => `network N { input 8x8x3; conv 3x3 4 ${n}=1 }\n`],
  ['defaults option', (n) => `defaults conv(${n}=1)\nnetwork N { input 8x8x3; conv 3x3 4 }\n`],
  ['label', (n) => `network N { input 8x8x3; ${n}: conv 3x3 4; conv 1x1 2 }\n`],
  ['exact label', (n) => `network N { input 8x8x3; "${n}": conv 3x3 4 }\n`],
  ['name in an expression', (n) => `network N { input 8x8x3; conv 3x3 (${n} + 1) }\n`],
  ['function', (n) => `network N { input 8x8x3; conv 3x3 ${n}(4) }\n`],
  ['training setting', (n) => `network N { input 8x8x3; conv 3x3 4; train { ${n} = 1 } }\n`],
  ['optimizer argument', (n) => `network N { input 8x8x3; conv 3x3 4; train { optimizer = rmsprop(${n}=1) } }\n`],
  ['optimizer', (n) => `network N { input 8x8x3; conv 3x3 4; train { optimizer = ${n}(lr=1) } }\n`],
  ['rule applied', (n) => `network N { input 8x8x3; a: conv 5x5 4; apply ${n} to a }\n`],
  [
    'apply target',
    (n) => `import { factor_5x5 } from "std/rules"\nnetwork N { input 8x8x3; conv 5x5 4; apply factor_5x5 to ${n} }\n`,
  ],
  ['imported name', (n) => `import { ${n} } from "std/modules"\nnetwork N { input 8x8x3; conv 3x3 4 }\n`],
  ['aux source', (n) => `network N { input 8x8x3; conv 3x3 4; aux from ${n} { gap -> dense 2 } }\n`],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'incc-own-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectPlain(r: { status: number | null; stderr: string; stdout: string }): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/undefined|\[object Object\]|function /);
  expect([0, 1, 2]).toContain(r.status);
}

describe.each(sources)('%s', (_place, make) => {
  test.each(NAMES)('%s', (name) => {
    writeFileSync(join(dir, 'main.incp'), make(name));
    expectPlain(incc(['check', 'main.incp'], dir));
    expectPlain(incc(['lint', 'main.incp'], dir));
  });
});

describe('the command line', () => {
  beforeAll(() => writeFileSync(join(dir, 'ok.incp'), 'network N(a: int = 2) { input 8x8x3; conv 3x3 4 }\n'));
  test.each(NAMES)('%s', (name) => {
    expectPlain(incc(['summary', 'ok.incp', '--set', `${name}=3`], dir));
    expectPlain(incc(['summary', 'ok.incp', '--network', name], dir));
    expectPlain(incc(['summary', 'ok.incp', '--rules', name], dir));
    expectPlain(incc(['lint', 'ok.incp', '--rule', `large-unfactorized-kernel.${name}=1`], dir));
    expectPlain(incc(['lint', 'ok.incp', '--rule', `${name.replace(/[^a-z-]/g, '') || 'x'}=warn`], dir));
    writeFileSync(
      join(dir, 'incc.config.json'),
      `{ "rules": { "large-unfactorized-kernel": ["warn", { "${name}": 1 }] } }`,
    );
    expectPlain(incc(['lint', 'ok.incp'], dir));
    writeFileSync(join(dir, 'incc.config.json'), `{ "rules": { "${name}": "warn" } }`);
    expectPlain(incc(['lint', 'ok.incp'], dir));
    rmSync(join(dir, 'incc.config.json'));
  });
});
