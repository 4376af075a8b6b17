/**
 * Golden ASTs: `incc parse FILE --json` for every file under examples/ (but examples/lint/) must print exactly
 * test/golden/parse/<path under examples, .json for .incp>. The CLI runs as a process from the repository
 * root, so span files read `examples/...`.
 *
 * To regenerate after an intended change to the AST or the examples:
 *
 *     UPDATE_GOLDEN=1 npm test -- parse-golden
 *
 * then review the diff of test/golden/ before committing (git diff --stat, and read the changed nodes).
 * Besides the exact comparison, every golden is checked for what a reviewer would check by eye: each
 * span's line and column agree with its offsets in the source, identifiers, literals and layer names
 * cover exactly their text, and every node lies inside its parent.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Span } from '../compiler/syntax/ast.js';
import { incc, incpFiles, repoRoot } from './helpers/cli.js';

const update = process.env['UPDATE_GOLDEN'] === '1';
// examples/lint/ holds lint before/after pairs (checked by the lint tests), not language examples.
const examples = incpFiles('examples').filter((f) => !f.startsWith('examples/lint/'));

function goldenPath(example: string): string {
  return join(repoRoot, 'test', 'golden', 'parse', example.replace(/^examples\//, '').replace(/\.incp$/, '.json'));
}

type Json = { [k: string]: unknown };

/** 1-based line and column of a 0-based offset. */
function position(text: string, offset: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, offset - lineStart + 1];
}

/** Problems with the spans of one AST (empty when it is consistent with its source). */
function spanProblems(ast: Json, text: string, file: string): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, parent: Span | undefined, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => visit(n, parent, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Json;
    const span = n['span'] as Span | undefined;
    let inner = parent;
    if (typeof n['kind'] === 'string') {
      const where = `${path} (${n['kind']})`;
      if (!span) {
        problems.push(`${where}: no span`);
      } else if (n['kind'] !== 'SourceFile') {
        if (span.file !== file) problems.push(`${where}: span file ${span.file}`);
        if (!(span.startOffset < span.endOffset)) problems.push(`${where}: empty span`);
        const [sl, sc] = position(text, span.startOffset);
        const [el, ec] = position(text, span.endOffset - 1);
        if (sl !== span.startLine || sc !== span.startColumn)
          problems.push(`${where}: starts at ${span.startLine}:${span.startColumn}, offset says ${sl}:${sc}`);
        if (el !== span.endLine || ec + 1 !== span.endColumn)
          problems.push(`${where}: ends at ${span.endLine}:${span.endColumn}, offset says ${el}:${ec + 1}`);
        if (parent && (span.startOffset < parent.startOffset || span.endOffset > parent.endOffset))
          problems.push(`${where}: outside its parent`);
        const source = text.slice(span.startOffset, span.endOffset);
        const expected =
          n['kind'] === 'Identifier'
            ? n['name']
            : n['kind'] === 'Name'
              ? n['name']
              : n['kind'] === 'Integer' || n['kind'] === 'Float'
                ? n['raw']
                : n['kind'] === 'Comment'
                  ? n['text']
                  : undefined;
        if (expected !== undefined && source !== expected)
          problems.push(`${where}: covers ${JSON.stringify(source)}, not ${JSON.stringify(expected)}`);
        if (n['kind'] === 'String' && JSON.parse(source) !== n['value']) problems.push(`${where}: covers ${source}`);
        if (
          n['kind'] === 'Layer' &&
          !source.startsWith(((n['label'] as Json | undefined) ? '' : (n['callee'] as Json)['name']) as string)
        )
          problems.push(`${where}: does not start with its name`);
      } else if (span.startOffset !== 0 || span.endOffset !== text.length) {
        problems.push(`${where}: does not cover the file`);
      }
      inner = span ?? parent;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'span') visit(v, inner, `${path}.${k}`);
  };
  visit(ast, undefined, '$');
  return problems;
}

describe('golden ASTs of examples/', () => {
  test('there are examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  test.each(examples)('%s', (example) => {
    const run = incc(['parse', example, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const golden = goldenPath(example);
    if (update || !existsSync(golden)) {
      if (!update)
        throw new Error(`no golden for ${example}: run UPDATE_GOLDEN=1 npm test -- parse-golden, then review it`);
      mkdirSync(dirname(golden), { recursive: true });
      writeFileSync(golden, run.stdout);
    }
    const expected = readFileSync(golden, 'utf8');
    expect(run.stdout).toBe(expected);
    const text = readFileSync(join(repoRoot, example), 'utf8');
    expect(spanProblems(JSON.parse(expected) as Json, text, example)).toEqual([]);
  });
});
