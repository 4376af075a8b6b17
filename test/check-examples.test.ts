/**
 * Every file of examples/ and stdlib/ passes `incc check` (run as a process): exit 0, nothing printed.
 * And the examples, together, show the whole language: every built-in layer kind and every kind of
 * AST node appears in at least one of them (spec/language.md points readers to examples/ for that).
 */
import { parseSource } from '../compiler/syntax/parse.js';
import { layerSpecs } from '../compiler/ir/layers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { incc, incpFiles, repoRoot } from './helpers/cli.js';

const examples = incpFiles('examples');
const stdlib = incpFiles('stdlib');

/** Every AST node kind (compiler/syntax/ast.ts). */
const astKinds = [
  'SourceFile',
  'Comment',
  'Identifier',
  'Import',
  'BlockDecl',
  'NetworkDecl',
  'RuleDecl',
  'Param',
  'Match',
  'When',
  'Replace',
  'Body',
  'Label',
  'Defaults',
  'ApplyRules',
  'Target',
  'Path',
  'Train',
  'Setting',
  'Aux',
  'Chain',
  'Layer',
  'Concat',
  'Repeat',
  'If',
  'NamedArg',
  'PositionalArg',
  'StrideArg',
  'Integer',
  'Float',
  'String',
  'Boolean',
  'Name',
  'Size',
  'Binary',
  'Unary',
  'Range',
  'List',
  'Call',
  'Member',
  'Paren',
];

/** The node kinds, layer names, operators and comment styles found in the examples' ASTs. */
function usage(): {
  kinds: Set<string>;
  layers: Set<string>;
  operators: Set<string>;
  comments: Set<string>;
  imports: Set<string>;
} {
  const imports = new Set<string>();
  const kinds = new Set<string>();
  const layers = new Set<string>();
  const operators = new Set<string>();
  const comments = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n['kind'] === 'string') kinds.add(n['kind']);
    if (n['kind'] === 'Layer') layers.add((n['callee'] as { name: string }).name);
    if (n['kind'] === 'Binary' || n['kind'] === 'Unary') operators.add(n['op'] as string);
    if (n['kind'] === 'Comment') comments.add(n['style'] as string);
    if (n['kind'] === 'Import') imports.add((n['path'] as { value: string }).value);
    Object.values(n).forEach(visit);
  };
  for (const file of examples) {
    const parsed = parseSource(readFileSync(join(repoRoot, file), 'utf8'), file);
    if (parsed.diagnostics.length > 0)
      throw new Error(`${file}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
    visit(parsed.ast);
  }
  return { kinds, layers, operators, comments, imports };
}

describe('incc check on examples/ and stdlib/', () => {
  test('there are at least five examples, one of them in a subfolder (for relative imports)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(examples.some((f) => f.split('/').length > 2)).toBe(true);
  });

  test.each([...examples, ...stdlib])('%s', (file) => {
    const run = incc(['check', file]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('the examples cover the language', () => {
  const used = usage();

  test('every built-in layer kind', () => {
    expect([...layerSpecs.keys()].filter((k) => !used.layers.has(k))).toEqual([]);
  });

  test('every kind of AST node', () => {
    expect(astKinds.filter((k) => !used.kinds.has(k))).toEqual([]);
  });

  test('both comment styles, integer arithmetic and the boolean operators', () => {
    expect([...used.comments].sort()).toEqual(['block', 'line']);
    for (const op of ['+', '*', '/', 'in', '==', '>', '>=', 'not']) expect(used.operators).toContain(op);
  });

  test('std and relative imports', () => {
    const imports = [...used.imports];
    expect(imports.some((p) => p.startsWith('std/'))).toBe(true);
    expect(imports.some((p) => p.startsWith('./') || p.startsWith('../'))).toBe(true);
  });
});
