/**
 * Fixes as text edits (spec/lint.md, "Fixing findings"): what `incc lint --fix` writes and what an editor's
 * code actions offer. Pure: source text and its AST in, edits out (no file system, no Node built-ins), so
 * the language server and a browser use it as the CLI does.
 *
 * - A finding that a std/rules rule fixes (LintMessage.fix) is fixed by an `apply RULE(ARGS) to NODES`
 *   statement at the end of the network (after its last `apply`, before its `train` section), and the rule
 *   is imported from "std/rules" when the file does not import it yet. This is the canonical fix, not a
 *   rewrite of the layer in place: the rewrite pass is how the language says "factorize this"
 *   (spec/rewrite.md), the line the user wrote stays as written, it works for layers inside blocks of other
 *   files (std/modules) that the user cannot edit, and `incc rewrite --explain` shows what it did.
 * - Any finding can be suppressed: an `incc-disable-next-line RULE -- reason` comment above its line, or
 *   the rule added to the list of a comment already there.
 * - A diagnostic with a "did you mean" (Diagnostic.suggestion) is fixed by replacing the misspelt name.
 *
 * Edits are offsets into the text (UTF-16 code units, as JavaScript strings and LSP positions count):
 * only the inserted or replaced text changes, so comments and formatting elsewhere are kept.
 */
import type * as A from '../syntax/ast.js';
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { LintMessage, RuleFix } from './engine/lint.js';

/** Replace `text.slice(start, end)` by `newText` (an insertion when start === end). */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** What the fix does, as an editor's code action titles it. */
  title: string;
  kind: 'rule' | 'suppression' | 'suggestion';
  edits: TextEdit[];
}

/** The path of std/rules as an import writes it. */
const STD_RULES = 'std/rules';

/** The reason a suppression gets when none is given: the comment asks the author to say why. */
export const DEFAULT_REASON = 'TODO: say why this deviates from the paper';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The application a rule fix writes: `factor_5x5`, `asymmetric(n=7)`. */
export function ruleCall(fix: RuleFix): string {
  return fix.args ? `${fix.rule}(${fix.args})` : fix.rule;
}

/**
 * The fix of one finding by its std/rules rule, or undefined when it has none (no `fix`, a network not
 * declared in this file, a target that is not a plain path, or a rule of the same name declared here).
 */
export function ruleFix(text: string, ast: A.SourceFile, message: LintMessage): Fix | undefined {
  return ruleFixes(text, ast, [message]);
}

/**
 * The fixes of several findings as one change (what `incc lint --fix` writes for a file): one `apply` per
 * network and rule call, naming every target, and one import. Findings without a fix are left out;
 * undefined when none has one.
 */
export function ruleFixes(text: string, ast: A.SourceFile, messages: readonly LintMessage[]): Fix | undefined {
  const eol = lineEnding(text);
  // network -> call -> targets, in the order the findings come.
  const byNetwork = new Map<A.NetworkDecl, Map<string, string[]>>();
  const rules = new Set<string>();
  for (const m of messages) {
    if (!m.fix || !m.network) continue;
    const network = ast.items.find((i): i is A.NetworkDecl => i.kind === 'NetworkDecl' && i.name.name === m.network);
    if (!network || !m.fix.targets.every(isPlainPath) || declaresItself(ast, m.fix.rule)) continue;
    const calls = byNetwork.get(network) ?? new Map<string, string[]>();
    byNetwork.set(network, calls);
    const call = ruleCall(m.fix);
    const targets = calls.get(call) ?? [];
    calls.set(call, targets);
    for (const t of m.fix.targets) if (!targets.includes(t)) targets.push(t);
    rules.add(m.fix.rule);
  }
  if (byNetwork.size === 0) return undefined;
  const edits: TextEdit[] = [];
  const titles: string[] = [];
  for (const [network, calls] of byNetwork) {
    const lines: string[] = [];
    for (const [call, targets] of calls) {
      const existing = extendableApply(text, network, call);
      const fresh = existing ? targets.filter((t) => !existing.targets.includes(t)) : targets;
      if (existing && fresh.length > 0)
        edits.push({ start: existing.end, end: existing.end, newText: `, ${fresh.join(', ')}` });
      else if (!existing) lines.push(`apply ${call} to ${targets.join(', ')}`);
      titles.push(`apply ${call} to ${targets.join(', ')}`);
    }
    if (lines.length > 0) edits.push(applyInsertion(text, network, lines, eol));
  }
  edits.push(...importEdits(text, ast, [...rules], eol));
  return { title: titles.join('; '), kind: 'rule', edits: sortEdits(edits) };
}

/**
 * Suppresses the finding `ruleId` on `line` (1-based) of `text`: a `// incc-disable-next-line RULE -- reason`
 * comment above it, indented as the line is; or, when such a comment is already the line above, the rule
 * added to its list (a second comment would cover the first one, not the line).
 */
export function suppressionFix(text: string, ruleId: string, line: number, reason = DEFAULT_REASON): Fix {
  const eol = lineEnding(text);
  const starts = lineStarts(text);
  const start = starts[line - 1] ?? text.length;
  const title = `suppress ${ruleId} on line ${line} with a reason`;
  if (line >= 2) {
    const above = lineText(text, starts, line - 1);
    const m = /^(\s*(?:\/\/|\/\*)\s*incc-disable-next-line\s+)([^]*?)(\s+--\s|\s*\*\/|\s*$)/.exec(above);
    if (m && !/^\s*(?:\/\/|\/\*)\s*incc-disable-next-line\s*(?:--|\*\/|$)/.test(above)) {
      const rules = m[2]!.split(/[,\s]+/).filter((r) => r);
      if (rules.includes(ruleId)) return { title, kind: 'suppression', edits: [] };
      const at = starts[line - 2]! + m[1]!.length + m[2]!.length;
      return { title, kind: 'suppression', edits: [{ start: at, end: at, newText: `, ${ruleId}` }] };
    }
  }
  const indent = /^[ \t]*/.exec(lineText(text, starts, line))![0];
  const comment = `${indent}// incc-disable-next-line ${ruleId} -- ${reason}${eol}`;
  return { title, kind: 'suppression', edits: [{ start, end: start, newText: comment }] };
}

/** The quick fix of a diagnostic with a "did you mean": the misspelt name at its span replaced. */
export function suggestionFix(text: string, d: Diagnostic): Fix | undefined {
  if (!d.suggestion || !d.span) return undefined;
  const { startOffset, endOffset } = d.span;
  if (text.slice(startOffset, endOffset) !== d.suggestion.name) return undefined;
  return {
    title: `change \`${d.suggestion.name}\` to \`${d.suggestion.replacement}\``,
    kind: 'suggestion',
    edits: [{ start: startOffset, end: endOffset, newText: d.suggestion.replacement }],
  };
}

/** The text with the edits made (edits must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of sortEdits(edits)) {
    if (e.start < at) throw new Error('overlapping edits');
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/** A 0-based offset as an LSP position: 0-based line and character (UTF-16 code units). */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  const starts = lineStarts(text);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo]! };
}

function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
}

function isPlainPath(target: string): boolean {
  return target.split('/').every((s) => IDENTIFIER.test(s));
}

function declaresItself(ast: A.SourceFile, name: string): boolean {
  return ast.items.some((i) => i.kind !== 'Import' && i.kind !== 'Defaults' && i.name.name === name);
}

/** An `apply CALL to ...` of the network with targets, written as `call` is: new targets go after its last. */
function extendableApply(
  text: string,
  network: A.NetworkDecl,
  call: string,
): { end: number; targets: string[] } | undefined {
  for (const s of network.body.statements) {
    if (s.kind !== 'ApplyRules' || s.targets.length === 0) continue;
    const written = text.slice(s.rule.span.startOffset, s.targets[0]!.span.startOffset).replace(/\s+to\s*$/, '');
    if (written.replace(/\s+/g, '') !== call.replace(/\s+/g, '')) continue;
    const targets = s.targets.map((t) => text.slice(t.span.startOffset, t.span.endOffset));
    return { end: s.targets[s.targets.length - 1]!.span.endOffset, targets };
  }
  return undefined;
}

/**
 * Where new `apply` lines go: after the network's last `apply`; else after its last statement before a
 * trailing `train` section; else after its last statement, a blank line before them. Inserted at the start
 * of the next line, so a comment at the end of the statement's line stays on its line.
 */
function applyInsertion(text: string, network: A.NetworkDecl, lines: string[], eol: string): TextEdit {
  const statements = network.body.statements;
  const applies = statements.filter((s) => s.kind === 'ApplyRules');
  const beforeTrain = statements.filter((s) => s.kind !== 'Train');
  const anchor =
    applies[applies.length - 1] ?? (beforeTrain.length > 0 ? beforeTrain[beforeTrain.length - 1] : undefined);
  const first = statements[0];
  const starts = lineStarts(text);
  const leading = (line: number) => /^[ \t]*/.exec(lineText(text, starts, line))![0];
  // The body's statements are indented as its first one is, unless that one shares the line of the `{`.
  const indent =
    first && first.span.startLine > network.body.span.startLine
      ? leading(first.span.startLine)
      : `${leading(network.span.startLine)}  `;
  const blank = applies.length > 0 ? '' : eol;
  const block = lines.map((l) => `${indent}${l}${eol}`).join('');
  const close = network.body.span.endOffset - 1; // the body's `}`
  if (anchor && anchor.span.endLine < lineOf(starts, close)) {
    const at = starts[anchor.span.endLine] ?? text.length;
    return { start: at, end: at, newText: `${blank}${block}` };
  }
  // The body ends on the anchor's line (`network N { input 8x8x3; gap }`): before the brace, on lines of their own.
  return { start: close, end: close, newText: `${eol}${block}` };
}

/** The rules imported from std/rules: added to an `import { ... } from "std/rules"`, or a new import line. */
function importEdits(text: string, ast: A.SourceFile, rules: string[], eol: string): TextEdit[] {
  const imports = ast.items.filter((i): i is A.ImportDecl => i.kind === 'Import');
  const std = imports.find((i) => i.path.value === STD_RULES);
  if (std && !std.names) return []; // `import "std/rules"` imports every rule
  const missing = rules.filter((r) => !std?.names?.some((n) => n.name === r)).sort();
  if (missing.length === 0) return [];
  if (std?.names && std.names.length > 0) {
    const at = std.names[std.names.length - 1]!.span.endOffset;
    return [{ start: at, end: at, newText: `, ${missing.join(', ')}` }];
  }
  const line = `import { ${missing.join(', ')} } from "${STD_RULES}"${eol}`;
  const starts = lineStarts(text);
  const last = imports[imports.length - 1];
  if (last) {
    const at = starts[last.span.endLine] ?? text.length;
    return [{ start: at, end: at, newText: at === text.length && !text.endsWith('\n') ? `${eol}${line}` : line }];
  }
  const firstItem = ast.items[0];
  const at = firstItem ? starts[firstItem.span.startLine - 1]! : text.length;
  return [{ start: at, end: at, newText: `${line}${eol}` }];
}

function lineEnding(text: string): string {
  const m = /\r\n|\n|\r/.exec(text);
  return m ? m[0] : '\n';
}

/** The offset each line starts at (`\n`, `\r\n` and `\r` end lines, as the lexer counts them). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The 1-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  let line = 1;
  while (line < starts.length && starts[line]! <= offset) line++;
  return line;
}

/** Line `line` (1-based) without its line break. */
function lineText(text: string, starts: number[], line: number): string {
  const start = starts[line - 1] ?? text.length;
  const end = starts[line] ?? text.length;
  return text.slice(start, end).replace(/\r?\n$|\r$/, '');
}
