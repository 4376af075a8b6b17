/**
 * Where the formatter puts comments, so that a comment anywhere survives formatting without changing the
 * file's meaning (spec/language.md, "Formatting"). Prettier attaches each comment to a node (leading,
 * trailing, or dangling in an empty one); this module prints them, instead of Prettier's generic printing,
 * under two rules that follow from line breaks being tokens in .incp:
 *
 * - Between statements (the items of a file, the statements of a body, a rule's clauses, train settings)
 *   a line break is always allowed: a comment on its own line stays on its own line there.
 * - Inside a statement a comment brings no line break where the input had none. A block comment stays
 *   where it is, with spaces around it; a line comment before a node stays on its own line before it (the
 *   input had a line break there, and the printer writes the same token before the node); any other line
 *   comment moves to the end of its output line (Prettier's `lineSuffix`), before a line break the printer
 *   makes anyway, where one is allowed.
 *
 * Line comments do not otherwise change the layout (no `breakParent`): a group breaks because of a line
 * comment only where the comment, moved to the end of its line, stays inside the group (`lineCommentIn`),
 * so a second formatting finds every comment inside the same groups and prints the same text. Where two
 * line comments come to share a line, `splitLineComments` puts the second on a line of its own.
 */
import { doc, util, type AstPath, type Doc } from 'prettier';
import type * as A from '../compiler/syntax/ast.js';

const { hardline, lineSuffix } = doc.builders;

/** A comment as Prettier leaves it after attaching it. */
export type AttachedComment = A.Comment & {
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
  placement?: 'ownLine' | 'endOfLine' | 'remaining';
  enclosingNode?: A.Node;
  precedingNode?: A.Node;
  followingNode?: A.Node;
};

interface FileComments {
  comments: A.Comment[];
  /** A character the file does not contain: it marks where a moved line comment starts (`splitLineComments`). */
  marker: string;
}

/** Every comment of a parsed file, by its root: Prettier takes `comments` off the root when it attaches them. */
const commentsOfFile = new WeakMap<object, FileComments>();

export function rememberComments(ast: A.SourceFile, text: string): void {
  let code = 0xe000;
  while (text.includes(String.fromCharCode(code))) code++;
  commentsOfFile.set(ast, { comments: [...ast.comments], marker: String.fromCharCode(code) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
export const fileOf = (path: AstPath<any>): FileComments =>
  commentsOfFile.get(path.root as object) ?? { comments: [], marker: '\ue000' };

/** Whether a line comment starts strictly between offsets `start` and `end` of the file being printed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
export function lineCommentIn(path: AstPath<any>, start: number, end: number): boolean {
  return fileOf(path).comments.some(
    (c) => c.style === 'line' && c.span.startOffset > start && c.span.startOffset < end,
  );
}

/**
 * The printed file with each line comment that was moved to the end of a line already holding one put on a
 * line of its own below it (`a // one // two` would make one comment of two, and a directive such as
 * `// incc-disable-line` stops being one when it is not at a comment's start). The new line is indented
 * as the next line, or one level deeper when that line closes a bracket. A line break there is allowed:
 * the comments were moved to the end of the line, before a line break the printer made.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
export function splitLineComments(path: AstPath<any>, printed: string, tabWidth: number): string {
  const { marker } = fileOf(path);
  if (!printed.includes(marker)) return printed;
  const lines = printed.split('\n');
  const indentOf = (l: string) => l.length - l.trimStart().length;
  return lines
    .map((l, i) => {
      if (!l.includes(marker)) return l;
      const [spaced, first, ...rest] = l.split(marker);
      // The space `inline` puts before a comment, kept only after code.
      const code = spaced!.trim() === '' ? spaced!.slice(0, -1) : `${spaced!.trimEnd()} `;
      if (rest.length === 0) return code + first!;
      const next = lines.slice(i + 1).find((n) => n.trim() !== '');
      const deeper = next === undefined || /^[)\]}]/.test(next.trimStart());
      const indent = ' '.repeat(next === undefined ? indentOf(l) : indentOf(next) + (deeper ? tabWidth : 0));
      return [code + first!.trimEnd(), ...rest.map((c) => indent + c.trim())].join('\n');
    })
    .join('\n');
}

function commentsOf(node: A.Node): AttachedComment[] {
  return (node as { comments?: AttachedComment[] }).comments ?? [];
}

/**
 * Whether a block comment will be printed right after (`trailing`) or around the node: the printer then
 * keeps spaces where the text would otherwise touch it (`3 /* c *\/ x 3`).
 */
export const hasTrailingBlock = (node: A.Node | undefined): boolean =>
  !!node && commentsOf(node).some((c) => c.trailing && c.style === 'block');
export const hasBlock = (node: A.Node): boolean => commentsOf(node).some((c) => c.style === 'block');
export const hasLeadingComments = (node: A.Node | undefined): boolean =>
  !!node && commentsOf(node).some((c) => c.leading);
export const hasTrailingLineComment = (node: A.Node | undefined): boolean =>
  !!node && commentsOf(node).some((c) => c.trailing && c.style === 'line');

/** The lists whose elements are statements: a line break may stand before and after each. */
const statementLists: Record<string, string> = {
  SourceFile: 'items',
  Body: 'statements',
  RuleDecl: 'clauses',
  Train: 'settings',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
function isStatement(path: AstPath<any>): boolean {
  const parent = path.parent as A.Node | null;
  return !!parent && statementLists[parent.kind] === path.key;
}

/** A comment inside a statement: a block comment in place, a line comment at the end of its output line. */
function inline(comment: AttachedComment, side: 'before' | 'after', marker: string): Doc {
  if (comment.style === 'line') return lineSuffix([' ', marker, comment.text]);
  return side === 'before' ? [comment.text, ' '] : [' ', comment.text];
}

/**
 * `printed` with the node's leading and trailing comments (dangling ones too, after it, for a node that is
 * not a body: bodies print theirs inside).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
export function withComments(path: AstPath<any>, printed: Doc, text: string): Doc {
  const node = path.node as A.Node;
  const comments = commentsOf(node);
  if (comments.length === 0) return printed;
  const statement = isStatement(path);
  const { marker } = fileOf(path);
  const before: Doc[] = [];
  const after: Doc[] = [];
  for (const c of comments) {
    if (c.printed) continue; // printed by the parent (`commentsAfterOpening`, `commentsInParentheses`)
    if (c.leading) {
      c.printed = true;
      // A line comment before a node stays before it, on its own line. Inside a statement that is allowed:
      // the line break was there before the node in the input, and the printer writes the same token
      // before the node (a layer holding a line comment keeps its parentheses).
      if (statement && (c.style === 'line' || util.hasNewline(text, c.span.endOffset))) {
        before.push(c.text, hardline);
        if (util.isNextLineEmpty(text, c.span.endOffset)) before.push(hardline);
      } else if (c.style === 'line') {
        // Through `lineSuffix` too, so that a comment moved to this line's end comes first and this one
        // goes to a line of its own (`splitLineComments`), not onto the end of that one.
        before.push(inline(c, 'before', marker), hardline);
      } else {
        before.push(inline(c, 'before', marker));
      }
    } else if (c.trailing) {
      c.printed = true;
      if (statement && util.hasNewline(text, c.span.startOffset, { backwards: true })) {
        after.push(hardline);
        if (util.isPreviousLineEmpty(text, c.span.startOffset)) after.push(hardline);
        after.push(c.text);
      } else {
        after.push(inline(c, 'after', marker));
      }
    } else if (!(node.kind in statementLists)) {
      c.printed = true;
      after.push(inline(c, 'after', marker));
    }
  }
  return [...before, printed, ...after];
}

/**
 * A body's dangling comments: those right after its `{` on the same line (`afterBrace`, printed there) and
 * those of a body with no statements (`own`, one a line).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any AstPath
export function danglingComments(path: AstPath<any>): { afterBrace: Doc[]; own: Doc[]; afterBraceLine: boolean } {
  const node = path.node as A.Node;
  const { marker } = fileOf(path);
  const afterBrace: Doc[] = [];
  const own: Doc[] = [];
  let afterBraceLine = false;
  for (const c of commentsOf(node)) {
    if (c.leading || c.trailing) continue;
    c.printed = true;
    if (node.kind !== 'SourceFile' && (c.placement === 'endOfLine' || c.placement === 'remaining')) {
      afterBrace.push(inline(c, 'after', marker));
      afterBraceLine ||= c.style === 'line';
    } else {
      own.push(c.text);
    }
  }
  return { afterBrace, own, afterBraceLine };
}

/**
 * A comment between a name and its `(` (`Foo(/* c *\/)`) goes inside the parentheses: `Foo /* c *\/()` is a
 * different statement (the call form needs the `(` right after the name).
 */
function intoParentheses(comment: AttachedComment): boolean {
  const enclosing = comment.enclosingNode;
  if (!enclosing || !comment.precedingNode) return false;
  const { name, list } = nameAndList(enclosing);
  if (name !== comment.precedingNode || list === undefined) return false;
  if (list.length > 0) return util.addLeadingComment(list[0], comment);
  // With no arguments: between the `()` where the printer always writes them, else left after the name.
  if (
    enclosing.kind !== 'Layer' &&
    enclosing.kind !== 'Call' &&
    enclosing.kind !== 'BlockDecl' &&
    enclosing.kind !== 'Defaults'
  )
    return false;
  return util.addDanglingComment(enclosing, comment, undefined);
}

/** The name a parenthesized list follows, and the list. */
function nameAndList(node: A.Node): { name?: A.Node; list?: A.Node[] } {
  switch (node.kind) {
    case 'Layer':
    case 'Call':
      return { name: node.callee, list: node.args };
    case 'BlockDecl':
    case 'NetworkDecl':
    case 'RuleDecl':
      return { name: node.name, list: node.params };
    case 'Defaults':
      return { name: node.target, list: node.args };
    case 'ApplyRules':
      return { name: node.rule, list: node.args };
    default:
      return {};
  }
}

/**
 * The line comments right after a list's opening bracket, on its line (`f( // why`), taken from the first
 * item's leading comments to be printed there: before the item they would move to a line of their own.
 */
export function commentsAfterOpening(first: A.Node | undefined, marker: string): Doc[] {
  if (!first) return [];
  return commentsOf(first)
    .filter((c) => c.leading && c.style === 'line' && c.placement === 'endOfLine' && !c.printed)
    .map((c) => {
      c.printed = true;
      return inline(c, 'after', marker);
    });
}

/** The comments a layer or call with no arguments prints between its parentheses. */
export function commentsInParentheses(node: A.Node): string[] {
  return commentsOf(node)
    .filter((c) => !c.leading && !c.trailing)
    .map((c) => {
      c.printed = true;
      return c.text;
    });
}

export const hasDangling = (node: A.Node): boolean => commentsOf(node).some((c) => !c.leading && !c.trailing);

/**
 * Prettier's attachment, corrected where it would move a comment: into the parentheses after a name
 * (`intoParentheses`), after the `}` before an `else`, and at the end of a body's `{` line (the body's,
 * dangling, not before its first statement).
 */
export const handleComments = {
  remaining: intoParentheses,
  /** Between a `}` and its `else` a comment stays after the `}`: before `else {` it would move. */
  ownLine(comment: AttachedComment): boolean {
    if (intoParentheses(comment)) return true;
    const enclosing = comment.enclosingNode;
    if (
      enclosing?.kind !== 'If' ||
      !enclosing.else ||
      comment.followingNode !== enclosing.else ||
      comment.precedingNode !== enclosing.then
    )
      return false;
    util.addTrailingComment(enclosing.then, comment);
    return true;
  },
  endOfLine(comment: AttachedComment): boolean {
    if (intoParentheses(comment)) return true;
    const enclosing = comment.enclosingNode;
    if (!enclosing || comment.precedingNode) return false;
    if (enclosing.kind !== 'Body' && enclosing.kind !== 'Train') return false;
    util.addDanglingComment(enclosing, comment, undefined);
    return true;
  },
};
