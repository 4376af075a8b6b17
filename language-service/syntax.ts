/** Reading the AST for the editor: a node's children, the nodes at an offset, doc comments, signatures. */
import type * as A from '../compiler/syntax/ast.js';

const isNode = (v: unknown): v is A.Node =>
  typeof v === 'object' && v !== null && 'kind' in v && 'span' in v && typeof (v as A.Node).kind === 'string';

/** The child nodes of `node`, in source order (every AST field that holds nodes; comments left out). */
export function childrenOf(node: A.Node): A.Node[] {
  const out: A.Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'span' || key === 'comments') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (isNode(value)) out.push(value);
  }
  return out.sort((a, b) => a.span.startOffset - b.span.startOffset);
}

/** The nodes whose span holds `offset` (the end included: a cursor just after a name is on it), outermost first. */
export function nodesAt(root: A.Node, offset: number): A.Node[] {
  const path: A.Node[] = [];
  let node: A.Node | undefined = root;
  while (node) {
    path.push(node);
    node = childrenOf(node).find((c) => c.span.startOffset <= offset && offset <= c.span.endOffset);
  }
  return path;
}

/** Every node of the tree, parents before children. */
export function* walk(node: A.Node): Generator<A.Node> {
  yield node;
  for (const c of childrenOf(node)) yield* walk(c);
}

export type Declaration = A.BlockDecl | A.NetworkDecl | A.RuleDecl;

/**
 * The doc comment of a declaration: the line comments (or one block comment) right above it, with no blank
 * line between, their markers removed.
 */
export function docComment(file: A.SourceFile, text: string, decl: A.Node): string | undefined {
  const above = file.comments
    .filter((c) => c.span.endOffset <= decl.span.startOffset)
    .sort((a, b) => a.span.startOffset - b.span.startOffset);
  const lines: string[] = [];
  let next = decl.span.startOffset;
  for (let i = above.length - 1; i >= 0; i--) {
    const c = above[i]!;
    if (!/^[ \t]*\r?\n?[ \t]*$/.test(text.slice(c.span.endOffset, next))) break;
    // A comment at the end of a line of code documents that line, not what follows.
    const lineStart = text.lastIndexOf('\n', c.span.startOffset - 1) + 1;
    if (text.slice(lineStart, c.span.startOffset).trim() !== '') break;
    lines.unshift(
      c.style === 'line'
        ? c.text.replace(/^\/\/ ?/, '')
        : c.text
            .replace(/^\/\*+|\*+\/$/g, '')
            .split('\n')
            .map((l) => l.replace(/^\s*\*? ?/, ''))
            .join('\n')
            .trim(),
    );
    next = c.span.startOffset;
  }
  const doc = lines.join('\n').trim();
  return doc === '' ? undefined : doc;
}

/** `block Figure6(n: int, c: int = 768)`: a declaration's first line as the source writes it, normalized. */
export function signatureOf(decl: Declaration, text: string): string {
  const word = decl.kind === 'BlockDecl' ? 'block' : decl.kind === 'NetworkDecl' ? 'network' : 'rule';
  const params = decl.params.map((p) => text.slice(p.span.startOffset, p.span.endOffset).replace(/\s+/g, ' '));
  return `${word} ${decl.name.name}${params.length > 0 || decl.kind !== 'NetworkDecl' ? `(${params.join(', ')})` : ''}`;
}

export const isDeclaration = (n: A.Node): n is Declaration =>
  n.kind === 'BlockDecl' || n.kind === 'NetworkDecl' || n.kind === 'RuleDecl';

export function declarationWord(d: Declaration): 'block' | 'network' | 'rule' {
  return d.kind === 'BlockDecl' ? 'block' : d.kind === 'NetworkDecl' ? 'network' : 'rule';
}
