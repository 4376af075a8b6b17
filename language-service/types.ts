/**
 * The shapes the language service answers in: those of the Language Server Protocol (3.17), written out here
 * so that the service depends on no protocol package and runs in a browser as is. Lines and characters are
 * 0-based, characters in UTF-16 code units (as JavaScript strings and LSP count them).
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  uri: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** LSP's DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
export type DiagnosticSeverity = 1 | 2 | 3 | 4;

export interface Diagnostic {
  range: Range;
  severity: DiagnosticSeverity;
  /** The diagnostic's code (spec/diagnostics.md) or the lint rule's id (spec/lint/). */
  code: string;
  /** The page that explains the code. */
  codeDescription?: { href: string };
  /** `incc` for compiler diagnostics, `incc lint` for lint findings. */
  source: string;
  message: string;
  relatedInformation?: { location: Location; message: string }[];
  /** What a code action needs back: the suggestion of a did-you-mean, the lint finding's node. */
  data?: DiagnosticData;
}

export interface DiagnosticData {
  /** The name a did-you-mean diagnostic suggests. */
  suggestion?: string;
  /** The IR node a lint finding is about, and its network. */
  node?: string;
  network?: string;
}

export interface Hover {
  contents: { kind: 'markdown'; value: string };
  range: Range;
}

/** LSP's CompletionItemKind, the values the service uses. */
export const CompletionKind = {
  Function: 3,
  Field: 5,
  Variable: 6,
  Class: 7,
  Module: 9,
  Property: 10,
  Value: 12,
  Keyword: 14,
  File: 17,
  EnumMember: 20,
  TypeParameter: 25,
} as const;

export interface CompletionItem {
  label: string;
  kind: (typeof CompletionKind)[keyof typeof CompletionKind];
  detail?: string;
  documentation?: { kind: 'markdown'; value: string };
  /** The text inserted, when it is not the label (`act=` for the option act). */
  insertText?: string;
  sortText?: string;
}

/** LSP's SymbolKind, the values the service uses. */
export const SymbolKind = { Module: 2, Namespace: 3, Class: 5, Field: 8, Function: 12, Variable: 13 } as const;

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: (typeof SymbolKind)[keyof typeof SymbolKind];
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'imports' | 'region';
}

export interface SemanticTokens {
  /** LSP's relative encoding: 5 integers a token (line delta, start delta, length, type, modifier bits). */
  data: number[];
}

export interface WorkspaceEdit {
  changes: Record<string, TextEdit[]>;
}

export interface CodeAction {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite';
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit: WorkspaceEdit;
}

export interface FormattingOptions {
  /** The editor's tab size: ignored (the canonical style indents by two spaces, spec/language.md). */
  tabSize?: number;
  /** Prettier's printWidth; default: the host's formatting options, else the plugin's 100. */
  printWidth?: number;
}
