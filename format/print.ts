/**
 * The .incp printer for Prettier: one print function per AST node kind, producing Prettier docs. The
 * canonical spellings (spec/language.md, "Canonical form"):
 * - built-in layers bare (`conv 3x3/2 32 valid`), blocks called with parentheses (`InceptionA(32)`);
 * - a bare argument that is not a single term is parenthesized (`conv 3x3 (c * 2)`);
 * - named arguments `name=value`, settings and defaults `name = value`;
 * - sizes tight unless a bare name stands before an x (`3x3`, `1xn`, `(n)x1`, but `n x 1`), the stride
 *   against the kernel (`3x3/2`);
 * - one statement a line in declarations and in a module (a concat with named or more than two branches);
 *   other `concat`, `repeat`, `if` and aux bodies on one line when they fit, one statement a line otherwise; at most one blank line kept between statements, one always between
 *   top-level declarations.
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '../compiler/syntax/ast.js';
import { isBuiltinLayerName } from '../compiler/syntax/layer-names.js';

const { group, indent, line, softline, hardline, join, ifBreak } = doc.builders;

type Node = A.Node;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- AstPath of optional children
type Print = (path: AstPath<any>) => Doc;
type Options = ParserOptions<Node>;

const blankAfter = (node: Node, options: Options) => util.isNextLineEmpty(options.originalText, node.span.endOffset);

/** Statements one a line, keeping single blank lines the author left. */
function lines(path: AstPath<Node>, print: Print, key: string, options: Options, forceBlank?: (a: Node, b: Node) => boolean): Doc[] {
  const parts: Doc[] = [];
  const items = (path.node as unknown as Record<string, Node[]>)[key]!;
  path.each((child, i) => {
    parts.push(print(child as AstPath<Node>));
    const next = items[i + 1];
    if (!next) return;
    parts.push(hardline);
    if (blankAfter(child.node, options) || forceBlank?.(child.node, next)) parts.push(hardline);
  }, key as never);
  return parts;
}

function danglingComments(path: AstPath<Node>): Doc[] {
  const comments = ((path.node as unknown as { comments?: (A.Comment & { leading?: boolean; trailing?: boolean; printed?: boolean })[] }).comments ?? []).filter(
    (c) => !c.leading && !c.trailing,
  );
  return comments.map((c) => {
    c.printed = true;
    return c.text;
  });
}

/** A body that always breaks: declarations, train sections. */
function brokenBody(path: AstPath<Node>, print: Print, key: string, options: Options): Doc {
  const items = (path.node as unknown as Record<string, Node[]>)[key]!;
  const dangling = danglingComments(path);
  if (items.length === 0 && dangling.length === 0) return '{}';
  return ['{', indent([hardline, join(hardline, dangling), dangling.length > 0 && items.length > 0 ? hardline : '', ...lines(path, print, key, options)]), hardline, '}'];
}

/**
 * A body that stays on one line when it fits: `{ conv 1x3 384; conv 3x1 384 }`. Ungrouped, the enclosing
 * group decides (an `if` breaks its then and else bodies together).
 */
function flexibleBody(path: AstPath<Node>, print: Print, options: Options, grouped = true): Doc {
  const body = path.node as A.Body;
  const dangling = danglingComments(path);
  if (body.statements.length === 0 && dangling.length === 0) return '{}';
  if (dangling.length > 0 || body.statements.some((s, i) => i + 1 < body.statements.length && blankAfter(s, options))) {
    return brokenBody(path, print, 'statements', options);
  }
  const parts = path.map(print, 'statements');
  const printed = ['{', indent([line, join([ifBreak('', ';'), line], parts)]), line, '}'];
  return grouped ? group(printed) : printed;
}

function label(l: A.Label | undefined): Doc {
  if (!l) return '';
  if (l.exact) return [quote(l.name.name), ': '];
  return [l.name.name, l.last ? `..${l.last.name}` : '', ': '];
}

/** A string literal as the lexer reads it back: `\"`, `\\`, `\n`, `\r`, `\t` escaped, the rest as is. */
export function quote(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)}"`;
}

function isTerm(e: A.Expr): boolean {
  return ['Integer', 'Float', 'String', 'Boolean', 'Name', 'Size', 'Member', 'Call', 'List', 'Paren'].includes(e.kind);
}

/** On a bare layer line a compound argument is parenthesized: `conv 3x3 (c * 2)`, `/(s + 1)`. */
function bareValue(path: AstPath<Node>, print: Print): Doc {
  const e = path.node as A.Expr;
  return isTerm(e) ? print(path) : ['(', print(path), ')'];
}

function args(path: AstPath<Node>, print: Print, key: string): Doc {
  const list = path.map(print, key as never);
  if (list.length === 0) return '()';
  return group(['(', indent([softline, join([',', line], list)]), softline, ')']);
}


export function printIncp(path: AstPath<Node>, options: Options, print: Print): Doc {
  const printed = printNode(path, options, print);
  const kind = path.node.kind;
  if (kind === 'Body' || kind === 'SourceFile' || kind === 'RuleDecl' || kind === 'Train') return printed;
  // A comment inside a node that has no place for it (`conv 3x3 /* k */ 64`) follows the node.
  const dangling = danglingComments(path);
  if (dangling.length === 0) return printed;
  return [printed, ...dangling.map((c) => (String(c).startsWith('//') ? [doc.builders.lineSuffix(` ${String(c)}`), doc.builders.breakParent] : [' ', c]))];
}

function printNode(path: AstPath<Node>, options: Options, print: Print): Doc {
  const node = path.node;
  switch (node.kind) {
    case 'SourceFile': {
      const dangling = danglingComments(path);
      const declaration = (n: Node) => n.kind === 'BlockDecl' || n.kind === 'NetworkDecl' || n.kind === 'RuleDecl';
      const items = lines(path, print, 'items', options, (a, b) => declaration(a) || declaration(b) || a.kind !== b.kind);
      return [join(hardline, dangling), dangling.length > 0 && items.length > 0 ? [hardline, hardline] : '', ...items, hardline];
    }
    case 'Import':
      if (!node.names) return ['import ', path.call(print, 'path')];
      return group(['import {', indent([line, join([',', line], path.map(print, 'names'))]), line, '} from ', path.call(print, 'path')]);
    case 'BlockDecl':
      return ['block ', node.name.name, args(path, print, 'params'), ' ', path.call(print, 'body')];
    case 'NetworkDecl':
      return ['network ', node.name.name, node.params.length > 0 ? args(path, print, 'params') : '', ' ', path.call(print, 'body')];
    case 'RuleDecl':
      return ['rule ', node.name.name, node.params.length > 0 ? args(path, print, 'params') : '', ' ', brokenBody(path, print, 'clauses', options)];
    case 'Match':
      return ['match ', path.call(print, 'pattern')];
    case 'When':
      return ['when ', path.call(print, 'condition')];
    case 'Replace':
      return ['replace ', path.call(print, 'replacement')];
    case 'Param':
      return [node.name.name, node.type ? `: ${node.type.name}` : '', node.default ? [' = ', path.call(print, 'default')] : ''];
    case 'Body': {
      const parent = path.parent as Node;
      if (parent.kind === 'BlockDecl' || parent.kind === 'NetworkDecl') return brokenBody(path, print, 'statements', options);
      // A module (named branches, or more than two) is drawn one branch a line, as the paper draws it;
      // a small split such as Figure 7's `concat { conv 1x3 384; conv 3x1 384 }` may stay on one line.
      const body = node as A.Body;
      if (parent.kind === 'Concat' && (body.statements.length > 2 || body.statements.some((st) => st.kind === 'Chain' && st.label))) {
        return brokenBody(path, print, 'statements', options);
      }
      return flexibleBody(path, print, options, parent.kind !== 'If');
    }
    case 'Defaults':
      return ['defaults ', node.target.name, args(path, print, 'args')];
    case 'ApplyRules':
      return [
        'apply ',
        node.rule.name,
        node.args.length > 0 ? args(path, print, 'args') : '',
        node.targets.length > 0 ? group([' to ', indent(join([',', line], path.map(print, 'targets')))]) : '',
      ];
    case 'Target':
      return [path.call(print, 'path'), node.last ? ['..', path.call(print, 'last')] : ''];
    case 'Path':
      return node.segments.map((s) => s.name).join('/');
    case 'Train':
      return ['train ', brokenBody(path, print, 'settings', options)];
    case 'Setting':
      return [node.key.name, ' = ', path.call(print, 'value')];
    case 'Aux':
      return [label(node.label), 'aux from ', path.call(print, 'from'), node.weight ? [' weight ', path.call(print, 'weight')] : '', ' ', path.call(print, 'body')];
    case 'Chain': {
      const elements = path.map(print, 'elements');
      if (elements.length === 1) return [label(node.label), elements[0]!];
      return group([label(node.label), elements[0]!, indent(elements.slice(1).map((e) => [' ->', line, e]))]);
    }
    case 'Layer': {
      const builtin = isBuiltinLayerName(node.callee.name);
      if (!builtin) return [label(node.label), node.callee.name, args(path, print, 'args')];
      const parts = path.map(print, 'args');
      // One line always: a line break would end the statement. The stride touches the kernel: `3x3/2`.
      const touchesKernel = (i: number) => {
        const previous = node.args[i - 1];
        return node.args[i]!.kind === 'StrideArg' && previous?.kind === 'PositionalArg' && previous.value.kind === 'Size';
      };
      return [label(node.label), node.callee.name, ...parts.map((p, i) => [touchesKernel(i) ? '' : ' ', p])];
    }
    case 'Concat':
      return [label(node.label), 'concat ', path.call(print, 'body')];
    case 'Repeat':
      return [label(node.label), 'repeat ', node.variable ? `${node.variable.name} in ` : '', path.call(print, 'over'), ' ', path.call(print, 'body')];
    case 'If':
      return group([label(node.label), 'if ', path.call(print, 'condition'), ' ', path.call(print, 'then'), node.else ? [' else ', path.call(print, 'else')] : '']);
    case 'NamedArg':
    case 'PositionalArg':
    case 'StrideArg': {
      // On a bare layer line (a built-in layer's arguments), compound values are parenthesized.
      const parent = path.parent as Node;
      const bare = parent.kind === 'Layer' && isBuiltinLayerName(parent.callee.name);
      const value = bare ? path.call((v) => bareValue(v as AstPath<Node>, print), 'value') : path.call(print, 'value');
      if (node.kind === 'NamedArg') return [node.name.name, '=', value];
      return node.kind === 'StrideArg' ? ['/', value] : value;
    }
    case 'Integer':
    case 'Float':
      return node.raw;
    case 'String':
      return quote(node.value);
    case 'Boolean':
      return String(node.value);
    case 'Name':
      return node.name;
    case 'Size': {
      // `3x3`, `1xn`, `(n)x1`; a bare name before an x needs spaces (`n x 1`: `nx1` is one name).
      const tight = node.dims.slice(0, -1).every((d) => d.kind === 'Integer' || d.kind === 'Paren');
      return join(tight ? 'x' : ' x ', path.map(print, 'dims'));
    }
    case 'Binary':
      return group([path.call(print, 'left'), ' ', node.op, indent([line, path.call(print, 'right')])]);
    case 'Unary':
      return [node.op === 'not' ? 'not ' : '-', path.call(print, 'operand')];
    case 'Range':
      return [path.call(print, 'low'), '..', path.call(print, 'high')];
    case 'List':
      return group(['[', indent([softline, join([',', line], path.map(print, 'items'))]), softline, ']']);
    case 'Call':
      return [node.callee.name, args(path, print, 'args')];
    case 'Member':
      return [path.call(print, 'object'), '.', node.property.name];
    case 'Paren':
      return ['(', path.call(print, 'expression'), ')'];
    case 'Identifier':
      return node.name;
    case 'Label':
      return label(node);
    case 'Comment':
      return node.text;
  }
}
