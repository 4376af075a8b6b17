/**
 * The .incp language service (spec/language-service.md): `createLanguageService(host)` gives the editor
 * features over the compiler, with no Node built-in, tfjs or onnxruntime, for the language server
 * (language-server/) and for a browser.
 */
export { createLanguageService, semanticTokenLegend, type LanguageService } from './service.js';
export { DEFAULT_DOCS_URL, type LanguageServiceHost } from './host.js';
export type * from './types.js';
export { CompletionKind, SymbolKind } from './types.js';
