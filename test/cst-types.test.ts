/**
 * The AST builder is typed against the parser (issue 16): grammar/cst.ts, the CST's types, must be what
 * scripts/cst-types.mjs makes from the parser's productions now (so it cannot drift from the grammar), and
 * the builder must have a method for every rule (Chevrotain's own validateVisitor; tsc checks the same
 * through `implements`, with each rule's children typed).
 */
import { readFileSync } from 'node:fs';
import { baseCstVisitor, grammarProductions } from '../grammar/parser.js';
import { AstBuilder } from '../compiler/syntax/builder.js';
import { cstTypesPath, cstTypesText } from '../scripts/cst-types.mjs';

describe('the typed CST', () => {
  test('grammar/cst.ts is what scripts/cst-types.mjs makes from the parser', async () => {
    const expected = await cstTypesText(grammarProductions());
    // On failure: `npx tsc -p tsconfig.json && node scripts/cst-types.mjs`, then fix what tsc reports in the builder.
    expect(readFileSync(cstTypesPath, 'utf8')).toBe(expected);
  });

  test('the builder has a visitor method for every rule (Chevrotain validateVisitor)', () => {
    const Base = baseCstVisitor();
    const validate = Base.prototype.validateVisitor as (this: object) => void;
    expect(() => validate.call(new AstBuilder('x.incp'))).not.toThrow();
    // and the check can fail: an object without the methods is rejected
    expect(() => validate.call({})).toThrow(/Missing visitor method: <file>/);
  });
});
