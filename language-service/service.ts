/**
 * The language service: the editor features of .incp over the compiler, with no Node built-in (it runs in
 * the language server, language-server/, and in a browser). Documents are opened, updated and closed by
 * path (the host's names for files; the server uses file paths, a playground its own). Each document is
 * analysed on demand (analysis.ts) and the analysis kept until a file it read changes: an edit to a
 * document re-checks the documents that import it, directly or not; the others keep their results.
 */
import type { LanguageServiceHost } from './host.js';
import { DEFAULT_DOCS_URL } from './host.js';
import { analyse, type Analysis } from './analysis.js';
import { createBuildCache } from '../compiler/program/build-cache.js';
import { hoverAt } from './hover.js';
import { definitionAt, referencesAt } from './navigation.js';
import { completionAt } from './completion.js';
import { documentSymbols, foldingRanges } from './outline.js';
import { semanticTokens } from './tokens.js';
import { formatDocument } from './format.js';
import { codeActions } from './actions.js';
import { LineIndex } from './text.js';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  FormattingOptions,
  Hover,
  Location,
  Position,
  Range,
  SemanticTokens,
  TextEdit,
} from './types.js';

export interface LanguageService {
  openDocument(path: string, text: string): void;
  updateDocument(path: string, text: string): void;
  closeDocument(path: string): void;
  /** A file that is not open changed on disk (or wherever the host reads): analyses that read it are redone. */
  fileChanged(path: string): void;
  /** The open documents whose analysis an edit made stale since they were last analysed (to re-publish). */
  staleDocuments(): string[];
  /** Compiler diagnostics and lint findings of an open document. */
  diagnostics(path: string): Diagnostic[];
  hover(path: string, position: Position): Hover | undefined;
  definition(path: string, position: Position): Location[];
  references(path: string, position: Position, includeDeclaration?: boolean): Location[];
  completion(path: string, position: Position): CompletionItem[];
  documentSymbols(path: string): DocumentSymbol[];
  foldingRanges(path: string): FoldingRange[];
  semanticTokens(path: string): SemanticTokens;
  /** The edits that make the document canonical (`incc fmt`); none when it does not parse. */
  format(path: string, options?: FormattingOptions): Promise<TextEdit[]>;
  codeActions(path: string, range: Range, diagnostics: Diagnostic[]): CodeAction[];
  /** The analysis of an open document (what the features read), analysed now if stale. */
  analysis(path: string): Analysis;
}

export { semanticTokenLegend } from './tokens.js';

export function createLanguageService(host: LanguageServiceHost): LanguageService {
  const documents = new Map<string, string>();
  const analyses = new Map<string, Analysis>();
  /** The last analysis of each document that parsed: completion's scope while the text does not. */
  const parsed = new Map<string, Analysis>();
  /** Paths whose analysis was dropped since it was last handed out. */
  const stale = new Set<string>();
  let reads: Map<string, string | undefined> | undefined;
  /** Builds and lint findings of networks, kept across edits (compiler/program/build-cache.ts). */
  const networks = createBuildCache();
  // One host for every analysis (the compiler caches std/rules per host): open documents before the host's files.
  const reading: LanguageServiceHost = {
    readFile(path) {
      const text = documents.has(path) ? documents.get(path) : host.readFile(path);
      reads?.set(path, text);
      return text;
    },
    resolvePath: (p) => host.resolvePath(p),
    resolveImport: (s, f) => host.resolveImport(s, f),
    displayName: (p) => host.displayName(p),
    lintConfig: (p) => host.lintConfig?.(p),
    importPaths: (f) => host.importPaths?.(f) ?? [],
    ...(host.docsUrl !== undefined ? { docsUrl: host.docsUrl } : {}),
  };
  const docsUrl = (host.docsUrl ?? DEFAULT_DOCS_URL).replace(/\/+$/, '');

  /** Drops every analysis that read `path` (the document itself included). */
  const invalidate = (path: string) => {
    for (const [p, a] of analyses) {
      if (a.reads.has(path)) {
        analyses.delete(p);
        if (documents.has(p)) stale.add(p);
      }
    }
  };

  const analysisOf = (path: string): Analysis => {
    let a = analyses.get(path);
    if (a) return a;
    const text = documents.get(path) ?? host.readFile(path);
    if (text === undefined) throw new Error(`language service: ${path} is not open and cannot be read`);
    reads = new Map();
    try {
      a = analyse(reading, path, text, reads, networks);
    } finally {
      reads = undefined;
    }
    analyses.set(path, a);
    if (a.program.entry.ast) parsed.set(path, a);
    stale.delete(path);
    return a;
  };

  const offsetOf = (a: Analysis, position: Position) => a.lines.offsetAt(position);

  return {
    openDocument(path, text) {
      documents.set(path, text);
      invalidate(path);
    },
    updateDocument(path, text) {
      if (documents.get(path) === text) return;
      documents.set(path, text);
      invalidate(path);
    },
    closeDocument(path) {
      documents.delete(path);
      networks.forget(path);
      analyses.delete(path);
      parsed.delete(path);
      stale.delete(path);
      invalidate(path);
    },
    fileChanged(path) {
      if (!documents.has(path)) invalidate(path);
    },
    staleDocuments: () => [...stale].filter((p) => documents.has(p)),
    diagnostics: (path) => analysisOf(path).diagnostics,
    hover(path, position) {
      const a = analysisOf(path);
      return hoverAt(a, offsetOf(a, position), docsUrl);
    },
    definition(path, position) {
      const a = analysisOf(path);
      return definitionAt(a, offsetOf(a, position));
    },
    references(path, position, includeDeclaration = true) {
      const a = analysisOf(path);
      const others = [...documents.keys()].filter((p) => p !== path).map(analysisOf);
      return referencesAt(a, offsetOf(a, position), others, includeDeclaration);
    },
    completion(path, position) {
      const a = analysisOf(path);
      return completionAt(a, offsetOf(a, position), reading, parsed.get(path));
    },
    documentSymbols: (path) => documentSymbols(analysisOf(path)),
    foldingRanges: (path) => foldingRanges(analysisOf(path)),
    semanticTokens: (path) => semanticTokens(analysisOf(path)),
    async format(path, options = {}) {
      const a = analysisOf(path);
      const fromHost = (await host.formatOptions?.(path)) ?? {};
      const printWidth = options.printWidth ?? fromHost.printWidth;
      return formatDocument(a.text, new LineIndex(a.text), printWidth);
    },
    codeActions(path, range, diagnostics) {
      return codeActions(analysisOf(path), range, diagnostics);
    },
    analysis: analysisOf,
  };
}
