/**
 * `incc lsp`: the language server, on vscode-languageserver's connection (JSON-RPC over the streams it is
 * given: stdio for `incc lsp`, in-memory streams in the tests). Every feature is the language service's
 * (language-service/); this module maps URIs to paths, keeps the open documents (incremental sync), and
 * publishes diagnostics: for the edited document and for every open document that imports it.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService, semanticTokenLegend, type LanguageServiceHost } from '../language-service/index.js';
import { nodeServiceHost } from './node-host.js';

export interface ServerOptions {
  /** Where spec/ is on the web (rule and diagnostic pages). */
  docsUrl?: string;
  /** The host; default: the disk (node-host.ts). */
  host?: LanguageServiceHost;
}

const toPath = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
const toUri = (path: string) =>
  path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) ? pathToFileURL(path).href : path;

/** Starts a server on `reader`/`writer` (streams or message readers/writers); it runs until `exit`. */
export function startServer(
  input: NodeJS.ReadableStream | MessageReader,
  output: NodeJS.WritableStream | MessageWriter,
  options: ServerOptions = {},
): Connection {
  const connection = createConnection(input as MessageReader, output as MessageWriter);
  const service = createLanguageService(options.host ?? nodeServiceHost(options.docsUrl));
  const documents = new TextDocuments(TextDocument);
  /** Documents waiting for their diagnostics; published together on the next turn of the event loop. */
  const pending = new Set<string>();
  let scheduled = false;

  const guard = <T>(what: string, fallback: T, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      connection.console.error(`incc lsp: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };

  const publish = () => {
    scheduled = false;
    const paths = new Set([...pending, ...service.staleDocuments()]);
    pending.clear();
    for (const path of paths) {
      const doc = documents.get(toUri(path));
      if (!doc) continue;
      const diagnostics = guard('diagnostics', [], () => service.diagnostics(path));
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    }
  };
  const schedule = (path: string) => {
    pending.add(path);
    if (!scheduled) {
      scheduled = true;
      setImmediate(publish);
    }
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      completionProvider: { triggerCharacters: [' ', '"', '/', '=', '(', '{', ','] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: semanticTokenLegend, full: true },
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'incc' },
  }));

  documents.onDidOpen((e) => {
    service.openDocument(toPath(e.document.uri), e.document.getText());
    schedule(toPath(e.document.uri));
  });
  documents.onDidChangeContent((e) => {
    service.updateDocument(toPath(e.document.uri), e.document.getText());
    schedule(toPath(e.document.uri));
  });
  documents.onDidClose((e) => {
    service.closeDocument(toPath(e.document.uri));
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (service.staleDocuments().length > 0 && !scheduled) {
      scheduled = true;
      setImmediate(publish);
    }
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) service.fileChanged(toPath(change.uri));
    if (!scheduled) {
      scheduled = true;
      setImmediate(publish);
    }
  });

  const located = <T extends { uri: string }>(xs: T[]) => xs.map((x) => ({ ...x, uri: toUri(x.uri) }));
  const withUris = <T extends { edit: { changes: Record<string, unknown> } }>(action: T): T => ({
    ...action,
    edit: { changes: Object.fromEntries(Object.entries(action.edit.changes).map(([p, e]) => [toUri(p), e])) },
  });

  connection.onHover((p) => guard('hover', null, () => service.hover(toPath(p.textDocument.uri), p.position) ?? null));
  connection.onDefinition((p) =>
    guard('definition', [], () => located(service.definition(toPath(p.textDocument.uri), p.position))),
  );
  connection.onReferences((p) =>
    guard('references', [], () =>
      located(service.references(toPath(p.textDocument.uri), p.position, p.context.includeDeclaration)),
    ),
  );
  connection.onCompletion((p) =>
    guard('completion', [], () => service.completion(toPath(p.textDocument.uri), p.position)),
  );
  connection.onDocumentSymbol((p) => guard('symbols', [], () => service.documentSymbols(toPath(p.textDocument.uri))));
  connection.onFoldingRanges((p) => guard('folding', [], () => service.foldingRanges(toPath(p.textDocument.uri))));
  connection.languages.semanticTokens.on((p) =>
    guard('semantic tokens', { data: [] }, () => service.semanticTokens(toPath(p.textDocument.uri))),
  );
  connection.onDocumentFormatting(async (p) => {
    try {
      return await service.format(toPath(p.textDocument.uri), { tabSize: p.options.tabSize });
    } catch (e) {
      connection.console.error(`incc lsp: formatting failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  });
  connection.onCodeAction((p) =>
    guard('code actions', [], () =>
      service.codeActions(toPath(p.textDocument.uri), p.range, p.context.diagnostics as never).map(withUris),
    ),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}
