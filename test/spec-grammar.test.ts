/**
 * spec/language.md's EBNF and grammar/parser.ts agree on the productions: every rule the parser documents
 * (`/** Name := ... *\/` above each parser rule) is defined in the spec's grammar block, and the spec
 * defines no production the parser lacks (besides the helpers it names: BareExpr, NamedArg, Arg).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/cli.js';

const parser = readFileSync(join(repoRoot, 'grammar', 'parser.ts'), 'utf8');
const spec = readFileSync(join(repoRoot, 'spec', 'language.md'), 'utf8');

const documented = new Set([...parser.matchAll(/^\s*(?:\/\*\*|\*)\s*([A-Z][A-Za-z]*)\s*:=/gm)].map((m) => m[1]!));
// `ArgList := [ Arg ... ]    Arg := ...` documents two productions on one line.
for (const m of parser.matchAll(/\s{2,}([A-Z][A-Za-z]*)\s*:=/g)) documented.add(m[1]!);

const ebnf = /```ebnf\n([\s\S]*?)```/.exec(spec)?.[1] ?? '';
const defined = new Set([...ebnf.matchAll(/^([A-Z][A-Za-z]*)(?:\([A-Z]\))?\s*=/gm)].map((m) => m[1]!));

describe('the grammar in spec/language.md', () => {
  test('has an EBNF block', () => {
    expect(defined.size).toBeGreaterThan(30);
  });

  test('defines every production the parser documents', () => {
    expect([...documented].filter((p) => !defined.has(p)).sort()).toEqual([]);
  });

  test('defines no production the parser does not have', () => {
    const helpers = new Set(['BareExpr', 'NamedArg', 'Arg']);
    expect([...defined].filter((p) => !documented.has(p) && !helpers.has(p)).sort()).toEqual([]);
  });
});
