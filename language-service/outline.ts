/**
 * The outline of a document: document symbols (networks, blocks and rules, with their parameters and the
 * named nodes of their bodies) and folding ranges (declarations, bodies, block comments, import runs).
 */
import type * as A from '../compiler/syntax/ast.js';
import type { Analysis } from './analysis.js';
import { signatureOf, walk } from './syntax.js';
import { SymbolKind, type DocumentSymbol, type FoldingRange } from './types.js';

function labelled(n: A.Node): A.Label | undefined {
  return 'label' in n && n.label && typeof n.label === 'object' ? (n.label as A.Label) : undefined;
}

/** The named nodes of a body: labels, nested as the bodies nest. */
function namedNodes(body: A.Node, analysis: Analysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const visit = (n: A.Node): void => {
    const label = labelled(n);
    if (label) {
      const children: DocumentSymbol[] = [];
      const inner = n.kind === 'Chain' ? n.elements : [n];
      for (const e of inner) for (const c of childBodies(e)) children.push(...namedNodes(c, analysis));
      const name = label.last ? `${label.name.name}..${label.last.name}` : label.name.name;
      out.push({
        name,
        detail: n.kind === 'Chain' ? 'branch' : n.kind === 'Layer' ? n.callee.name : n.kind.toLowerCase(),
        kind: SymbolKind.Field,
        range: analysis.lines.rangeOf(n.span),
        selectionRange: analysis.lines.rangeOf(label.span),
        ...(children.length > 0 ? { children } : {}),
      });
      return;
    }
    if (n.kind === 'Body') for (const s of n.statements) visit(s);
    else if (n.kind === 'Chain') for (const e of n.elements) visit(e);
    else for (const b of childBodies(n)) visit(b);
  };
  visit(body);
  return out;
}

function childBodies(n: A.Node): A.Body[] {
  switch (n.kind) {
    case 'Concat':
    case 'Repeat':
    case 'Aux':
      return [n.body];
    case 'If':
      return [n.then, ...(n.else ? (n.else.kind === 'Body' ? [n.else] : childBodies(n.else)) : [])];
    default:
      return [];
  }
}

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const ast = analysis.program.entry.ast;
  if (!ast) return [];
  const text = analysis.text;
  return ast.items.flatMap((item): DocumentSymbol[] => {
    if (item.kind !== 'BlockDecl' && item.kind !== 'NetworkDecl' && item.kind !== 'RuleDecl') return [];
    const params = item.params.map((p): DocumentSymbol => ({
      name: p.name.name,
      detail: 'parameter',
      kind: SymbolKind.Variable,
      range: analysis.lines.rangeOf(p.span),
      selectionRange: analysis.lines.rangeOf(p.name.span),
    }));
    const nodes = item.kind === 'RuleDecl' ? [] : namedNodes(item.body, analysis);
    return [
      {
        name: item.name.name,
        detail: signatureOf(item, text),
        kind:
          item.kind === 'NetworkDecl'
            ? SymbolKind.Module
            : item.kind === 'BlockDecl'
              ? SymbolKind.Class
              : SymbolKind.Function,
        range: analysis.lines.rangeOf(item.span),
        selectionRange: analysis.lines.rangeOf(item.name.span),
        children: [...params, ...nodes],
      },
    ];
  });
}

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const ast = analysis.program.entry.ast;
  if (!ast) return [];
  const out: FoldingRange[] = [];
  const add = (span: A.Span, kind?: FoldingRange['kind']) => {
    // The closing line stays visible, as editors fold braces.
    const start = span.startLine - 1;
    const end = span.endLine - (kind === 'comment' || kind === 'imports' ? 1 : 2);
    if (end > start) out.push({ startLine: start, endLine: end, ...(kind ? { kind } : {}) });
  };
  for (const n of walk(ast)) {
    if (n.kind === 'BlockDecl' || n.kind === 'NetworkDecl' || n.kind === 'RuleDecl') add(n.span);
    else if (n.kind === 'Concat' || n.kind === 'Repeat' || n.kind === 'Aux' || n.kind === 'Train') add(n.span);
    else if (n.kind === 'If') {
      add({ ...n.then.span, startLine: n.span.startLine });
      if (n.else?.kind === 'Body') add(n.else.span);
    }
  }
  for (const c of ast.comments) if (c.style === 'block') add(c.span, 'comment');
  // Runs of line comments (a doc comment, a file header).
  let run: A.Comment[] = [];
  const flush = () => {
    if (run.length > 1) add({ ...run[0]!.span, endLine: run[run.length - 1]!.span.endLine }, 'comment');
    run = [];
  };
  for (const c of ast.comments) {
    if (c.style !== 'line') continue;
    const prev = run[run.length - 1];
    if (prev && c.span.startLine !== prev.span.startLine + 1) flush();
    run.push(c);
  }
  flush();
  const imports = ast.items.filter((i) => i.kind === 'Import');
  if (imports.length > 1) add({ ...imports[0]!.span, endLine: imports[imports.length - 1]!.span.endLine }, 'imports');
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
