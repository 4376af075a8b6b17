/**
 * The .incp printer for Prettier: one print function per AST node kind, producing Prettier docs. The
 * canonical spellings (spec/language.md, "Formatting"):
 * - built-in layers bare (`conv 3x3/2 32 valid`), blocks called with parentheses (`InceptionA(32)`);
 * - a bare argument that is not a single term is parenthesized (`conv 3x3 (c * 2)`);
 * - named arguments `name=value`, settings and defaults `name = value`;
 * - sizes tight unless a bare name stands before an x (`3x3`, `1xn`, `(n)x1`, but `n x 1`), the stride
 *   against the kernel (`3x3/2`);
 * - one statement a line in declarations and in a module (a concat with named or more than two branches);
 *   other `concat`, `repeat`, `if` and aux bodies on one line when they fit, one statement a line otherwise;
 *   at most one blank line kept between statements, one always between top-level declarations;
 * - comments where they keep the file's meaning (format/comments.ts).
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '../compiler/syntax/ast.js';
import { isBuiltinLayerName } from '../compiler/syntax/layer-names.js';
import { formattingProblem } from './verify.js';
import {
  commentsAfterOpening,
  commentsInParentheses,
  fileOf,
  danglingComments,
  hasBlock,
  hasDangling,
  hasLeadingComments,
  splitLineComments,
  hasTrailingBlock,
  hasTrailingLineComment,
  lineCommentIn,
  withComments,
} from './comments.js';

const { group, indent, line, softline, hardline, join, ifBreak } = doc.builders;
/** A group that breaks when `broken`: a line comment inside it that must stay inside (format/comments.ts). */
const groupIf = (broken: boolean, contents: Doc): Doc => group(contents, { shouldBreak: broken });

type Node = A.Node;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- AstPath of optional children
type Print = (path: AstPath<any>) => Doc;
type Options = ParserOptions<Node>;

const blankAfter = (node: Node, options: Options) => util.isNextLineEmpty(options.originalText, node.span.endOffset);

/** Statements one a line, keeping single blank lines the author left. */
function lines(
  path: AstPath<Node>,
  print: Print,
  key: string,
  options: Options,
  forceBlank?: (a: Node, b: Node) => boolean,
): Doc[] {
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

/** A body that always breaks: declarations, train sections. */
function brokenBody(path: AstPath<Node>, print: Print, key: string, options: Options): Doc {
  const items = (path.node as unknown as Record<string, Node[]>)[key]!;
  const { afterBrace, own, afterBraceLine } = danglingComments(path);
  if (items.length === 0 && own.length === 0)
    return afterBrace.length === 0 ? '{}' : ['{', ...afterBrace, afterBraceLine ? hardline : ' ', '}'];
  const statements = lines(path, print, key, options);
  return [
    '{',
    ...afterBrace,
    indent([hardline, join(hardline, own), own.length > 0 && items.length > 0 ? hardline : '', ...statements]),
    hardline,
    '}',
  ];
}

/**
 * A body that stays on one line when it fits: `{ conv 1x3 384; conv 3x1 384 }`. Ungrouped, the enclosing
 * group decides (an `if` breaks its then and else bodies together).
 */
function flexibleBody(path: AstPath<Node>, print: Print, options: Options, grouped = true): Doc {
  const body = path.node as A.Body;
  const { statements } = body;
  const commentLines = lineCommentIn(path, body.span.startOffset, body.span.endOffset - 1);
  if (commentLines || statements.some((s, i) => i + 1 < statements.length && blankAfter(s, options))) {
    return brokenBody(path, print, 'statements', options);
  }
  const { afterBrace, own } = danglingComments(path);
  if (own.length > 0) return brokenBody(path, print, 'statements', options);
  if (statements.length === 0) return afterBrace.length === 0 ? '{}' : ['{', ...afterBrace, ' }'];
  const parts = path.map(print, 'statements');
  const printed = ['{', ...afterBrace, indent([line, join([ifBreak('', ';'), line], parts)]), line, '}'];
  return grouped ? group(printed) : printed;
}

/** A node's label, if it has one: `name: `, `first..last: `, `"a/b": `. */
function label(path: AstPath<Node>, print: Print): Doc {
  return (path.node as { label?: A.Label }).label ? [path.call(print, 'label'), ': '] : '';
}

/** A string literal as the lexer reads it back: `\"`, `\\`, `\n`, `\r`, `\t` escaped, the rest as is. */
export function quote(s: string): string {
  const escapes: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => escapes[c]!)}"`;
}

function isTerm(e: A.Expr): boolean {
  return ['Integer', 'Float', 'String', 'Boolean', 'Name', 'Size', 'Member', 'Call', 'List', 'Paren'].includes(e.kind);
}

/** On a bare layer line a compound argument is parenthesized: `conv 3x3 (c * 2)`, `/(s + 1)`. */
function bareValue(path: AstPath<Node>, print: Print): Doc {
  const e = path.node as A.Expr;
  return isTerm(e) ? print(path) : ['(', print(path), ')'];
}

/**
 * `(a, b)`, broken one a line when it does not fit or holds a line comment. `after` is where the text
 * before the `(` ends (the callee's or the declaration's name).
 */
function args(path: AstPath<Node>, print: Print, key: string, options: Options, after: number): Doc {
  const items = (path.node as unknown as Record<string, Node[]>)[key]!;
  const afterOpen = commentsAfterOpening(items[0], fileOf(path).marker);
  const list = path.map(print, key as never);
  if (list.length === 0) {
    const inside = commentsInParentheses(path.node);
    if (inside.length === 0) return '()';
    if (inside.every((c) => c.startsWith('/*'))) return ['(', join(' ', inside), ')'];
    return ['(', indent([hardline, join(hardline, inside)]), hardline, ')'];
  }
  const close = closingBracket(options.originalText, items[items.length - 1]!.span.endOffset, ')');
  return groupIf(lineCommentIn(path, after, close), [
    '(',
    ...afterOpen,
    indent([softline, join([',', line], list)]),
    softline,
    ')',
  ]);
}

/** The offset of the `bracket` that closes a list whose last item ends at `from` (past spaces, comments, a comma). */
function closingBracket(text: string, from: number, bracket: string): number {
  let i = from;
  while (i < text.length && text[i] !== bracket) {
    if (text.startsWith('//', i)) i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i + 2) + 2;
    else if (/[\s,]/.test(text[i]!)) i++;
    else return from; // no bracket: the list was written without one (`conv 3x3 8`)
  }
  return i;
}

const end = (n: Node) => n.span.endOffset;
const start = (n: Node) => n.span.startOffset;

/**
 * A built-in layer is written bare (`conv 3x3/2 32`), a block instance with parentheses (`Stem(32)`); an
 * instance with a stride (`Name 3x3/2`, a name that is not a built-in layer) stays bare, as `/2` cannot
 * stand in parentheses.
 */
function printsBare(path: AstPath<Node>, layer: A.LayerElement): boolean {
  if (layer.args.some((a) => a.kind === 'StrideArg')) return true;
  if (hasDangling(layer)) return false; // `gap(/* c */)`
  // A line comment between its arguments keeps them in parentheses, where a line break is allowed.
  return isBuiltinLayerName(layer.callee.name) && !lineCommentIn(path, end(layer.callee), end(layer));
}

export function printIncp(path: AstPath<Node>, options: Options, print: Print): Doc {
  const printed = withComments(path, printNode(path, options, print), options.originalText);
  if (path.node.kind !== 'SourceFile') return printed;
  // The whole file, printed here to place the line comments that share a line (format/comments.ts).
  const text = splitLineComments(path, doc.printer.printDocToString(printed, options).formatted, options.tabWidth);
  // Prettier writes what this returns (an editor formatting on save, `prettier --write`): never a file
  // whose meaning changed.
  const problem = formattingProblem(options.originalText, text);
  if (problem !== undefined) throw new Error(`incc's formatter would change this file (${problem}); please report it`);
  return text;
}

/** `KEYWORD NAME(PARAMS) BODY`: a block, network or rule declaration; `withParams` false leaves out the `()`. */
function printDeclaration(
  path: AstPath<Node>,
  options: Options,
  print: Print,
  keyword: string,
  withParams: boolean,
  body: () => Doc,
): Doc[] {
  const node = path.node as A.BlockDecl | A.NetworkDecl | A.RuleDecl;
  return [
    `${keyword} `,
    path.call(print, 'name'),
    withParams ? args(path, print, 'params', options, end(node.name)) : '',
    ' ',
    body(),
  ];
}

function printNode(path: AstPath<Node>, options: Options, print: Print): Doc {
  const node = path.node;
  switch (node.kind) {
    case 'SourceFile': {
      const dangling = danglingComments(path).own;
      const declaration = (n: Node) => n.kind === 'BlockDecl' || n.kind === 'NetworkDecl' || n.kind === 'RuleDecl';
      const items = lines(
        path,
        print,
        'items',
        options,
        (a, b) => declaration(a) || declaration(b) || a.kind !== b.kind,
      );
      return [
        join(hardline, dangling),
        dangling.length > 0 && items.length > 0 ? [hardline, hardline] : '',
        ...items,
        hardline,
      ];
    }
    case 'Import': {
      if (!node.names) return ['import ', path.call(print, 'path')];
      const afterOpen = commentsAfterOpening(node.names[0], fileOf(path).marker);
      return [
        groupIf(lineCommentIn(path, start(node), start(node.path)), [
          'import {',
          ...afterOpen,
          indent([line, join([',', line], path.map(print, 'names'))]),
          line,
          '}',
        ]),
        ' from ',
        path.call(print, 'path'),
      ];
    }
    case 'BlockDecl':
      return printDeclaration(path, options, print, 'block', true, () => path.call(print, 'body'));
    case 'NetworkDecl':
      return printDeclaration(path, options, print, 'network', node.params.length > 0, () => path.call(print, 'body'));
    case 'RuleDecl':
      return printDeclaration(path, options, print, 'rule', node.params.length > 0, () =>
        brokenBody(path, print, 'clauses', options),
      );
    case 'Match':
      return ['match ', path.call(print, 'pattern')];
    case 'When':
      return ['when ', path.call(print, 'condition')];
    case 'Replace':
      return ['replace ', path.call(print, 'replacement')];
    case 'Param':
      return [
        path.call(print, 'name'),
        node.type ? [': ', path.call(print, 'type')] : '',
        node.default ? [' = ', path.call(print, 'default')] : '',
      ];
    case 'Body': {
      const parent = path.parent as Node;
      if (parent.kind === 'BlockDecl' || parent.kind === 'NetworkDecl')
        return brokenBody(path, print, 'statements', options);
      // A module (named branches, or more than two) is drawn one branch a line, as the paper draws it;
      // a small split such as Figure 7's `concat { conv 1x3 384; conv 3x1 384 }` may stay on one line.
      const body = node as A.Body;
      if (
        parent.kind === 'Concat' &&
        (body.statements.length > 2 || body.statements.some((st) => st.kind === 'Chain' && st.label))
      ) {
        return brokenBody(path, print, 'statements', options);
      }
      return flexibleBody(path, print, options, parent.kind !== 'If');
    }
    case 'Defaults':
      return ['defaults ', path.call(print, 'target'), args(path, print, 'args', options, end(node.target))];
    case 'ApplyRules': {
      const targets = node.targets;
      const targetsBroken =
        targets.length > 0 && lineCommentIn(path, start(targets[0]!), start(targets[targets.length - 1]!));
      return [
        'apply ',
        path.call(print, 'rule'),
        node.args.length > 0 ? args(path, print, 'args', options, end(node.rule)) : '',
        targets.length > 0
          ? groupIf(targetsBroken, [' to ', indent(join([',', line], path.map(print, 'targets')))])
          : '',
      ];
    }
    case 'Target':
      return [path.call(print, 'path'), node.last ? ['..', path.call(print, 'last')] : ''];
    case 'Path':
      // `a / b` when a comment sits between: `a//* c */` would start a line comment.
      return join(node.segments.some(hasBlock) ? ' / ' : '/', path.map(print, 'segments'));
    case 'Train':
      return ['train ', brokenBody(path, print, 'settings', options)];
    case 'Setting':
      return [path.call(print, 'key'), ' = ', path.call(print, 'value')];
    case 'Aux':
      return [
        label(path, print),
        'aux from ',
        path.call(print, 'from'),
        node.weight ? [' weight ', path.call(print, 'weight')] : '',
        ' ',
        path.call(print, 'body'),
      ];
    case 'Chain': {
      const elements = path.map(print, 'elements');
      if (elements.length === 1) return [label(path, print), elements[0]!];
      const broken = lineCommentIn(path, start(node.elements[0]!), start(node.elements[node.elements.length - 1]!));
      return groupIf(broken, [
        label(path, print),
        elements[0]!,
        indent(elements.slice(1).map((e) => [' ->', line, e])),
      ]);
    }
    case 'Layer': {
      if (!printsBare(path, node))
        return [label(path, print), path.call(print, 'callee'), args(path, print, 'args', options, end(node.callee))];
      const parts = path.map(print, 'args');
      // One line always: a line break would end the statement. The stride touches the kernel (`3x3/2`)
      // unless a comment sits between them.
      const touchesKernel = (i: number) => {
        const previous = node.args[i - 1];
        const stride = node.args[i]!;
        return (
          stride.kind === 'StrideArg' &&
          previous?.kind === 'PositionalArg' &&
          previous.value.kind === 'Size' &&
          !hasLeadingComments(stride) &&
          !hasTrailingBlock(previous) &&
          !hasTrailingBlock(previous.value)
        );
      };
      return [label(path, print), path.call(print, 'callee'), ...parts.map((p, i) => [touchesKernel(i) ? '' : ' ', p])];
    }
    case 'Concat':
      return [label(path, print), 'concat ', path.call(print, 'body')];
    case 'Repeat':
      return [
        label(path, print),
        'repeat ',
        node.variable ? [path.call(print, 'variable'), ' in '] : '',
        path.call(print, 'over'),
        ' ',
        path.call(print, 'body'),
      ];
    case 'If': {
      // A line comment after the `}` before `else` stays there: the line break before `else` is allowed.
      const beforeElse = hasTrailingLineComment(node.then) ? hardline : ' ';
      return group([
        label(path, print),
        'if ',
        path.call(print, 'condition'),
        ' ',
        path.call(print, 'then'),
        node.else ? [beforeElse, 'else ', path.call(print, 'else')] : '',
      ]);
    }
    case 'NamedArg':
    case 'PositionalArg':
    case 'StrideArg': {
      // On a bare layer line (a built-in layer's arguments), compound values are parenthesized.
      const parent = path.parent as Node;
      const bare = parent.kind === 'Layer' && printsBare(path, parent);
      const value = bare ? path.call((v) => bareValue(v as AstPath<Node>, print), 'value') : path.call(print, 'value');
      if (node.kind === 'NamedArg') return [path.call(print, 'name'), '=', value];
      // `/ /* c */ 2`: `//* c */` would start a line comment.
      return node.kind === 'StrideArg' ? ['/', hasLeadingComments(node.value) ? ' ' : '', value] : value;
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
      // With a comment between the dimensions, spaces too: `3 /* c */x3` would read as `3` then the name `x3`.
      const tight =
        node.dims.slice(0, -1).every((d) => d.kind === 'Integer' || d.kind === 'Paren') && !node.dims.some(hasBlock);
      return join(tight ? 'x' : ' x ', path.map(print, 'dims'));
    }
    case 'Binary': {
      const broken = lineCommentIn(path, start(node.left), start(node.right));
      return groupIf(broken, [path.call(print, 'left'), ' ', node.op, indent([line, path.call(print, 'right')])]);
    }
    case 'Unary':
      return [node.op === 'not' ? 'not ' : '-', path.call(print, 'operand')];
    case 'Range':
      return [path.call(print, 'low'), '..', path.call(print, 'high')];
    case 'List': {
      const broken = lineCommentIn(path, start(node), end(node));
      const afterOpen = commentsAfterOpening(node.items[0], fileOf(path).marker);
      return groupIf(broken, [
        '[',
        ...afterOpen,
        indent([softline, join([',', line], path.map(print, 'items'))]),
        softline,
        ']',
      ]);
    }
    case 'Call':
      return [path.call(print, 'callee'), args(path, print, 'args', options, end(node.callee))];
    case 'Member':
      return [path.call(print, 'object'), '.', path.call(print, 'property')];
    case 'Paren':
      return ['(', path.call(print, 'expression'), ')'];
    case 'Identifier': {
      const parent = path.parent as Node | null;
      return parent?.kind === 'Label' && parent.exact ? quote(node.name) : node.name;
    }
    case 'Label':
      return [path.call(print, 'name'), node.last ? ['..', path.call(print, 'last')] : ''];
    case 'Comment':
      return node.text;
  }
}
