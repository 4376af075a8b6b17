/**
 * One document analysed: its program (the document and everything it imports, open buffers read before the
 * disk), every network built as `incc check` builds them, the lint run over them, and the diagnostics an
 * editor shows. An analysis records every file it read and the text it got, so that the service can tell
 * which analyses an edit makes stale (service.ts).
 */
import type * as A from '../compiler/syntax/ast.js';
import type { Diagnostic as CompilerDiagnostic } from '../compiler/diagnostics/diagnostics.js';
import type { IRGraph } from '../compiler/ir/ir.js';
import { lintProgram, type LintMessage, type LintResult } from '../compiler/lint/engine/lint.js';
import { buildProgram, type ProgramBuild } from '../compiler/program/pipeline.js';
import type { BuildCache } from '../compiler/program/build-cache.js';
import { createProgram, type LoadedFile, type Program } from '../compiler/program/program.js';
import { DEFAULT_DOCS_URL, type LanguageServiceHost } from './host.js';
import { declarationFiles, indexFile, type Occurrence } from './symbols.js';
import { LineIndex, rangeOfSpan } from './text.js';
import type { Diagnostic, DiagnosticSeverity, Range } from './types.js';

export interface Analysis {
  path: string;
  text: string;
  lines: LineIndex;
  program: Program;
  built: ProgramBuild;
  lint: LintResult;
  /** Every file the analysis read (the document included), with the text it got (undefined: unreadable). */
  reads: Map<string, string | undefined>;
  diagnostics: Diagnostic[];
  /** What each of `diagnostics` came from (same order): the compiler's diagnostic or the lint finding. */
  origins: ({ diagnostic: CompilerDiagnostic } | { finding: LintMessage })[];
  /** The networks built, after their rewrites (as compiled), for hover's counts. */
  graphs: IRGraph[];
  /** The name index of a loaded file, built on first use. */
  occurrences(file: LoadedFile): Occurrence[];
  /** The loaded file with this display name (spans name files by display name). */
  fileByDisplayName(name: string): LoadedFile | undefined;
}

const severityOf = { error: 1, warning: 2, info: 3 } as const satisfies Record<string, DiagnosticSeverity>;

/**
 * Analyses `path` with `text`, reading through `host` (which the caller has made to read open documents);
 * `reads` collects each path read and its text. Networks whose sources did not change since `cache` kept
 * them are not built or linted again (compiler/program/build-cache.ts).
 */
export function analyse(
  host: LanguageServiceHost,
  path: string,
  text: string,
  reads: Map<string, string | undefined>,
  cache?: BuildCache,
): Analysis {
  reads.set(path, text);
  const program = createProgram(host, path, text);
  const built = buildProgram(program, { every: true, ...(cache ? { cache } : {}) });
  // Lint runs on the networks that built (lintProgram leaves the others, whose errors are the compiler's).
  const config = () => host.lintConfig?.(path) ?? {};
  const lint = lintProgram(program, { config, built, ...(cache ? { cache } : {}) });
  const lines = new LineIndex(text);
  const byDisplayName = new Map<string, LoadedFile>();
  for (const f of program.files.values()) byDisplayName.set(f.displayName, f);
  const docsUrl = (host.docsUrl ?? DEFAULT_DOCS_URL).replace(/\/+$/, '');
  const entry = program.entry;

  /** Where a problem in another file shows in this one: on the import that brings that file in. */
  const importRange = (file: string): Range => {
    const imports = (entry.ast?.items ?? []).filter((i): i is A.ImportDecl => i.kind === 'Import');
    const direct = imports.find((i) => byDisplayName.get(file)?.path === host.resolveImport(i.path.value, path));
    const at = direct ?? imports[0];
    return at ? lines.rangeOf(at.span) : lines.range(0, 0);
  };

  const compilerDiagnostic = (d: CompilerDiagnostic): Diagnostic => {
    const inHere = d.span?.file === entry.displayName;
    const where = d.span && !inHere ? `${d.span.file}:${d.span.startLine}:${d.span.startColumn}: ` : '';
    const out: Diagnostic = {
      range: d.span ? (inHere ? lines.rangeOf(d.span) : importRange(d.span.file)) : lines.range(0, 0),
      severity: severityOf[d.severity],
      code: d.code,
      codeDescription: { href: `${docsUrl}/spec/diagnostics.md#${d.code}` },
      source: 'incc',
      message: `${where}${d.message}`,
    };
    if (inHere && d.suggestion) out.data = { suggestion: d.suggestion.replacement };
    const related = (d.related ?? []).flatMap((r) => {
      const f = byDisplayName.get(r.span.file);
      return f ? [{ location: { uri: f.path, range: rangeOfSpan(r.span) }, message: r.message }] : [];
    });
    if (related.length > 0) out.relatedInformation = related;
    return out;
  };

  const lintDiagnostic = (m: LintMessage): Diagnostic => {
    const start = lines.offsetAt({ line: m.line - 1, character: m.column - 1 });
    const end = lines.offsetAt({ line: m.endLine - 1, character: m.endColumn - 1 });
    const page = m.ruleId === 'unused-suppression' ? 'spec/lint.md' : `spec/lint/${m.ruleId}.md`;
    const out: Diagnostic = {
      range: lines.range(start, Math.max(start, end)),
      severity: severityOf[m.severity],
      code: m.ruleId,
      codeDescription: { href: `${docsUrl}/${page}` },
      source: 'incc lint',
      message: m.message,
    };
    if (m.node !== undefined) out.data = { node: m.node, ...(m.network !== undefined ? { network: m.network } : {}) };
    const related = (m.related ?? []).flatMap((r) => {
      const f = byDisplayName.get(r.file);
      if (!f) return [];
      const position = { line: r.line - 1, character: r.column - 1 };
      return [{ location: { uri: f.path, range: { start: position, end: position } }, message: r.message }];
    });
    if (related.length > 0) out.relatedInformation = related;
    return out;
  };

  const findings = lint.messages.filter((m) => m.file === entry.displayName);
  const diagnostics = [...built.diagnostics.map(compilerDiagnostic), ...findings.map(lintDiagnostic)];
  const origins = [...built.diagnostics.map((d) => ({ diagnostic: d })), ...findings.map((m) => ({ finding: m }))];
  const graphs = built.networks.flatMap((n) => (n.graph ? [n.graph] : n.elaborated ? [n.elaborated] : []));
  let files: ReturnType<typeof declarationFiles> | undefined;
  const index = new Map<LoadedFile, Occurrence[]>();
  return {
    path,
    text,
    lines,
    program,
    built,
    lint,
    reads,
    diagnostics,
    origins,
    graphs,
    occurrences(file) {
      let o = index.get(file);
      if (!o) {
        files ??= declarationFiles(program);
        index.set(file, (o = indexFile(file, program, files)));
      }
      return o;
    },
    fileByDisplayName: (name) => byDisplayName.get(name),
  };
}
