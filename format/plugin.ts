/**
 * The Prettier 3 plugin for .incp: `prettier --plugin incc/prettier --write "**\/*.incp"`, or
 * `"plugins": ["incc/prettier"]` in a .prettierrc. It parses with incc's own parser, so it formats exactly
 * the language the compiler reads, and refuses files with syntax errors.
 */
import type { Parser, Plugin, Printer, SupportLanguage } from 'prettier';
import type * as A from '../compiler/syntax/ast.js';
import { parseSource } from '../compiler/syntax/parse.js';
import { printIncp } from './print.js';
import { handleComments, rememberComments } from './comments.js';

type Node = A.Node;

export const languages: SupportLanguage[] = [
  { name: 'incp', parsers: ['incp'], extensions: ['.incp'], vscodeLanguageIds: ['incp'] },
];

/** A syntax error, shaped as Prettier reports parser errors (with `loc`). */
export class IncpSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number } },
  ) {
    super(message);
  }
}

export const parsers: Record<string, Parser<Node>> = {
  incp: {
    astFormat: 'incp',
    parse(text, options) {
      const file = (options as { filepath?: string }).filepath ?? '<input>';
      const result = parseSource(text, file);
      const error = result.diagnostics.find((d) => d.severity === 'error');
      if (error || !result.ast) {
        const span = error?.span;
        throw new IncpSyntaxError(`${error?.code ?? 'syntax-error'}: ${error?.message ?? 'cannot parse'}`, {
          start: { line: span?.startLine ?? 1, column: span?.startColumn ?? 1 },
        });
      }
      rememberComments(result.ast, text);
      return result.ast;
    },
    locStart: (node) => node.span.startOffset,
    locEnd: (node) => node.span.endOffset,
  },
};

/**
 * Every node but a comment may hold comments, names included (`import { A, /* c *\/ B }`): the printer
 * prints every node, and every comment itself (format/comments.ts), where it keeps the file's meaning.
 */
const unattachable = new Set(['Comment']);

export const printers: Record<string, Printer<Node>> = {
  incp: {
    print: printIncp,
    printComment: (path) => (path.node as A.Comment).text,
    willPrintOwnComments: () => true,
    handleComments,
    canAttachComment: (node) =>
      typeof node === 'object' && node !== null && 'kind' in node && !unattachable.has(node.kind),
    isBlockComment: (node) => (node as A.Comment).style === 'block',
    getVisitorKeys: (node) =>
      Object.keys(node).filter((k) => {
        if (k === 'span' || k === 'comments') return false;
        const v = (node as unknown as Record<string, unknown>)[k];
        return typeof v === 'object' && v !== null;
      }),
  },
};

/**
 * The language's own defaults, which Prettier applies to .incp files under any configuration that does not
 * set them: the canonical width of `incc fmt` is 100 columns (Prettier's general default is 80).
 */
export const defaultOptions = { printWidth: 100 };

const plugin: Plugin<Node> = { languages, parsers, printers, defaultOptions };
export default plugin;
