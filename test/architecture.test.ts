/**
 * The boundaries of the source tree, read from its import graph: every .ts file outside test/ (and
 * node_modules/, dist/), parsed with the TypeScript compiler API; its static imports and re-exports (type-only
 * ones included: they name a dependency as much as a value import does) and its dynamic `import()` calls (one
 * by a template, `import(`./commands/${name}.js`)`, reaches every file the template can name).
 *
 * - the compiler (compiler/) imports no backend, no format/ and no cli/;
 * - lint (compiler/lint/) reaches neither tfjs nor onnxruntime (nor onnx-proto), directly or through any
 *   chain of value imports, static or dynamic;
 * - a backend (backends/NAME/) imports no other backend (backends/common/ is neutral: it imports none), and
 *   none of the compiler's syntax or program-loading modules (compiler/syntax/, compiler/program/): a backend
 *   takes a built graph;
 * - nothing outside cli/ imports cli/;
 * - the front end (grammar/, compiler/syntax, program, ir, rewrite, diagnostics, print, the lint engine and
 *   rules) reads sources through a CompilerHost: no `node:` module, except in the node host
 *   (compiler/program/node-host.ts) and the path-taking conveniences over it (compiler/program/check.ts,
 *   compiler/lint/engine/lint-file.ts, config-file.ts and fix-file.ts), so a browser runs it (the playground);
 * - the language service (language-service/) runs in a browser: no `node:` module, no node host, nothing of
 *   cli/ or language-server/, and neither tfjs nor onnxruntime; only cli/ starts the language server;
 * - no import cycle anywhere (the cycle is named).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './helpers/cli.js';

const SKIP = new Set(['node_modules', 'dist', 'test', 'test-output', '.git', 'build']);

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const path = dir === '' ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith('.') ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Import {
  /** A source file (repository-relative, `.ts`) or a package / node: specifier as written. */
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}

/** The imports of one file: import and export declarations, `import x = require()`, and `import()` calls. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean, dynamic: boolean) => {
    let to = spec;
    if (spec.startsWith('.')) {
      to = normalize(join(dirname(file), spec))
        .replace(/\\/g, '/')
        .replace(/\.js$/, '.ts');
    }
    out.push({ to, typeOnly, dynamic });
  };
  /**
   * `import(`./commands/${name}.js`)`: an edge to every source file the template can name, each `${...}`
   * standing for part of a file name in the folder the template's head names.
   */
  const addTemplate = (template: ts.TemplateExpression) => {
    const head = template.head.text;
    if (!head.startsWith('.') || !head.includes('/')) return;
    const folder = normalize(join(dirname(file), head.slice(0, head.lastIndexOf('/')))).replace(/\\/g, '/');
    const literals = [head.slice(head.lastIndexOf('/') + 1), ...template.templateSpans.map((s) => s.literal.text)];
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const name = new RegExp(`^${literals.map(escape).join('[^/]*')}$`);
    for (const f of sources(folder)) {
      const rest = f.slice(folder.length + 1).replace(/\.ts$/, '.js');
      if (!rest.includes('/') && name.test(rest)) out.push({ to: f, typeOnly: false, dynamic: true });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly, false);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node.moduleReference.expression.text, node.isTypeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, true);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isTemplateExpression(node.arguments[0])
    ) {
      addTemplate(node.arguments[0]);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const files = sources('');
const graph = new Map<string, Import[]>(files.map((f) => [f, importsOf(f)]));
const isSource = (to: string) => graph.has(to);
const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
/** backends/NAME/... -> NAME (common included). */
const backendOf = (path: string) => (under(path, 'backends') ? path.split('/')[1] : undefined);

/** `from -> to` for every import of a file under `from` that breaks `forbidden`. */
function violations(select: (file: string) => boolean, forbidden: (to: string, from: string) => boolean): string[] {
  return files.filter(select).flatMap((from) =>
    graph
      .get(from)!
      .filter((i) => forbidden(i.to, from))
      .map((i) => `${from} -> ${i.to}`),
  );
}

describe('the import graph of the source tree', () => {
  test('the scanner sees the sources and each kind of import', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'cli/incc.ts', 'compiler/ir/elaborate.ts']));
    // A dynamic import (compile targets), a type-only import and a re-export are all read.
    expect(graph.get('cli/commands/compile.ts')).toEqual(
      expect.arrayContaining([{ to: 'backends/tfjs/target.ts', typeOnly: false, dynamic: true }]),
    );
    // A dynamic import by a template (the commands, loaded by name) reaches every file it can name.
    const commands = sources('cli/commands');
    expect(commands.length).toBeGreaterThan(10);
    expect(
      graph
        .get('cli/registry.ts')!
        .filter((i) => i.dynamic && under(i.to, 'cli/commands'))
        .map((i) => i.to),
    ).toEqual(commands);
    expect(graph.get('index.ts')!.some((i) => i.to === 'compiler/syntax/parse.ts')).toBe(true);
    expect(
      graph.get('compiler/lint/engine/lint.ts')!.some((i) => i.to === 'compiler/syntax/ast.ts' && i.typeOnly),
    ).toBe(true);
    // Every relative import names a file that exists.
    const dangling = [...graph].flatMap(([from, imports]) =>
      imports
        .filter((i) => /^(compiler|backends|cli|format|grammar)\//.test(i.to) && !isSource(i.to))
        .map((i) => `${from} -> ${i.to}`),
    );
    expect(dangling).toEqual([]);
  });

  test('the compiler imports no backend, no format/ and no cli/', () => {
    const crossing = violations(
      (f) => under(f, 'compiler'),
      (to) => under(to, 'backends') || under(to, 'format') || under(to, 'cli'),
    );
    expect(crossing).toEqual([]);
  });

  test('lint reaches neither tfjs nor onnxruntime, directly or transitively', () => {
    const HEAVY = /^(@tensorflow\/|onnxruntime|onnx-proto)/;
    // Breadth-first over value imports (static and dynamic) from every lint module, keeping the path.
    const paths: string[] = [];
    const seen = new Map<string, string[]>();
    const queue: string[] = files.filter((f) => under(f, 'compiler/lint'));
    for (const f of queue) seen.set(f, [f]);
    while (queue.length > 0) {
      const f = queue.shift()!;
      for (const i of graph.get(f)!) {
        if (i.typeOnly) continue;
        if (HEAVY.test(i.to)) paths.push([...seen.get(f)!, i.to].join(' -> '));
        if (isSource(i.to) && !seen.has(i.to)) {
          seen.set(i.to, [...seen.get(f)!, i.to]);
          queue.push(i.to);
        }
      }
    }
    expect(paths).toEqual([]);
    expect(seen.has('compiler/ir/elaborate.ts')).toBe(true);
  });

  test('a backend imports no other backend and no syntax or program-loading module', () => {
    const crossing = violations(
      (f) => under(f, 'backends'),
      (to, from) => {
        const target = backendOf(to);
        if (target !== undefined && target !== backendOf(from) && target !== 'common') return true;
        return under(to, 'compiler/syntax') || under(to, 'compiler/program');
      },
    );
    expect(crossing).toEqual([]);
  });

  test('nothing outside cli/ imports cli/', () => {
    expect(
      violations(
        (f) => !under(f, 'cli'),
        (to) => under(to, 'cli'),
      ),
    ).toEqual([]);
  });

  test('the front end uses no node: module outside the node host', () => {
    const FRONT = [
      'grammar',
      'compiler/syntax',
      'compiler/program',
      'compiler/ir',
      'compiler/rewrite',
      'compiler/diagnostics',
      'compiler/print',
      'compiler/lint/engine',
      'compiler/lint/rules',
    ];
    const NODE_SIDE = new Set([
      'compiler/program/node-host.ts',
      'compiler/program/check.ts',
      'compiler/lint/engine/lint-file.ts',
      'compiler/lint/engine/config-file.ts',
      'compiler/lint/engine/fix-file.ts',
    ]);
    const front = (f: string) => FRONT.some((d) => under(f, d)) && !NODE_SIDE.has(f);
    const crossing = violations(
      front,
      (to) => to.startsWith('node:') || NODE_SIDE.has(to) || to === 'compiler/package.ts',
    );
    expect(crossing).toEqual([]);
  });

  test(
    'the language service is pure: no node: module, no node host, no heavy runtime; cli/ alone starts the ' + 'server',
    () => {
      const NODE_SIDE = new Set([
        'compiler/program/node-host.ts',
        'compiler/program/check.ts',
        'compiler/package.ts',
        'compiler/lint/engine/lint-file.ts',
        'compiler/lint/engine/config-file.ts',
        'compiler/lint/engine/fix-file.ts',
      ]);
      const HEAVY = /^(@tensorflow\/|onnxruntime|onnx-proto)/;
      // Everything the service reaches through value imports, followed transitively.
      const reached = new Set(files.filter((f) => under(f, 'language-service')));
      const queue = [...reached];
      const bad: string[] = [];
      while (queue.length > 0) {
        const f = queue.shift()!;
        for (const i of graph.get(f)!) {
          if (i.typeOnly) continue;
          if (i.to.startsWith('node:') || NODE_SIDE.has(i.to) || HEAVY.test(i.to)) bad.push(`${f} -> ${i.to}`);
          if (under(i.to, 'cli') || under(i.to, 'language-server') || under(i.to, 'backends'))
            bad.push(`${f} -> ${i.to}`);
          if (isSource(i.to) && !reached.has(i.to)) {
            reached.add(i.to);
            queue.push(i.to);
          }
        }
      }
      expect(bad).toEqual([]);
      expect(reached.has('compiler/lint/engine/lint.ts')).toBe(true);
      expect(reached.has('format/plugin.ts')).toBe(true);
      expect(
        violations(
          (f) => !under(f, 'cli') && !under(f, 'language-server'),
          (to) => under(to, 'language-server'),
        ),
      ).toEqual([]);
    },
  );

  test('no import cycle', () => {
    // Depth-first search; the first back edge found from each start is reported with its cycle.
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const i of graph.get(f)!) {
        if (!isSource(i.to)) continue;
        const s = state.get(i.to);
        if (s === 'open') cycles.push([...stack.slice(stack.indexOf(i.to)), i.to].join(' -> '));
        else if (s === undefined) visit(i.to);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
