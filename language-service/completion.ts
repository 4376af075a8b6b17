/**
 * Completion, from the text before the cursor on its line (the document may not parse while it is typed)
 * and the scope of the last analysis of it that parsed:
 *   - in an import's string: the paths the host offers (`std/modules`, nearby files);
 *   - in an import's braces: the names the imported file declares;
 *   - after `apply`: the rules in scope; after `defaults`: the layer kinds;
 *   - after a layer kind and its first argument (`conv 3x3 64 `): the kind's options (`act=`, `bias=`, ...)
 *     and its positional words (`valid`); after `act=` or `padding=`: the words;
 *   - in a block call's parentheses: the block's parameters (`c=`) and the names in scope;
 *   - at the start of a statement: layer kinds, blocks in scope and the body keywords (top-level keywords
 *     outside declarations);
 *   - elsewhere in an expression: the parameters (a network's are the ones `--set` sets) and repeat variables.
 */
import { layerSpecs, wordOptions } from '../compiler/ir/layers.js';
import { createProgram, type LoadedFile } from '../compiler/program/program.js';
import type { Analysis } from './analysis.js';
import type { LanguageServiceHost } from './host.js';
import { nodesAt, signatureOf, type Declaration } from './syntax.js';
import { CompletionKind, type CompletionItem } from './types.js';

const BODY_KEYWORDS = ['concat', 'repeat', 'if', 'else', 'aux', 'apply', 'defaults', 'train'];
const TOP_KEYWORDS = ['import', 'block', 'network', 'rule', 'defaults'];

const keyword = (k: string): CompletionItem => ({ label: k, kind: CompletionKind.Keyword });

function declItem(d: Declaration, file: LoadedFile | undefined): CompletionItem {
  return {
    label: d.name.name,
    kind: d.kind === 'RuleDecl' ? CompletionKind.Function : CompletionKind.Class,
    detail: signatureOf(d, file?.text ?? ''),
  };
}

function layerItems(): CompletionItem[] {
  return [...layerSpecs.values()].map((s) => ({ label: s.name, kind: CompletionKind.Keyword, detail: s.summary }));
}

/** The options of a layer kind not yet given, then its positional words. */
function optionItems(kind: string, given: Set<string>): CompletionItem[] {
  const spec = layerSpecs.get(kind);
  if (!spec) return [];
  const items: CompletionItem[] = spec.options
    .filter((o) => !given.has(o.name) && !o.stride)
    .map((o) => ({
      label: `${o.name}=`,
      kind: CompletionKind.Property,
      detail: `${o.expected}${o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : ''}`,
      sortText: `0${o.name}`,
    }));
  for (const o of spec.options) {
    const words = wordOptions[o.name === 'padding' ? 'padding' : ''];
    if (!words || given.has(o.name) || !o.positional) continue;
    for (const w of words) items.push({ label: w, kind: CompletionKind.EnumMember, detail: o.name, sortText: `1${w}` });
  }
  return items;
}

/** The declaration around `offset` in the last parsed tree, and the parameters and repeat variables there. */
function namesAt(analysis: Analysis | undefined, offset: number): { decl?: Declaration; names: CompletionItem[] } {
  const ast = analysis?.program.entry.ast;
  if (!ast) return { names: [] };
  const path = nodesAt(ast, Math.min(offset, ast.span.endOffset));
  const decl = path.find(
    (n): n is Declaration => n.kind === 'BlockDecl' || n.kind === 'NetworkDecl' || n.kind === 'RuleDecl',
  );
  const names: CompletionItem[] = (decl?.params ?? []).map((p) => ({
    label: p.name.name,
    kind: CompletionKind.Variable,
    detail: `parameter of ${decl!.name.name}${p.type ? `: ${p.type.name}` : ''}`,
  }));
  for (const n of path) {
    if (n.kind === 'Repeat' && n.variable)
      names.push({ label: n.variable.name, kind: CompletionKind.Variable, detail: 'repeat variable' });
  }
  return decl ? { decl, names } : { names };
}

export function completionAt(
  analysis: Analysis,
  offset: number,
  host: LanguageServiceHost,
  parsed: Analysis | undefined = analysis.program.entry.ast ? analysis : undefined,
): CompletionItem[] {
  const lines = analysis.lines;
  const position = lines.positionAt(offset);
  const line = lines.lineText(position.line);
  const before = line.slice(0, position.character);
  const after = line.slice(position.character);
  const file = parsed?.program.entry;
  const scope = [...(file?.scope.values() ?? [])];
  const fileOf = (d: Declaration) => [...(parsed?.program.files.values() ?? [])].find((f) => f.own.includes(d));

  // Import paths and names.
  if (/^\s*import\b.*"[^"]*$/.test(before)) {
    return (host.importPaths?.(analysis.path) ?? []).map((p) => ({ label: p, kind: CompletionKind.File }));
  }
  if (/^\s*import\s*\{[^}]*$/.test(before)) {
    const spec = /\}\s*from\s*"([^"]*)"/.exec(after)?.[1];
    if (spec === undefined) return [];
    const target = host.resolveImport(spec, analysis.path);
    let imported = analysis.program.files.get(target) ?? parsed?.program.files.get(target);
    if (!imported && host.readFile(target) !== undefined) imported = createProgram(host, target).entry;
    return (imported?.own ?? []).map((d) => declItem(d, imported));
  }
  if (/\bapply\s+\w*$/.test(before)) {
    return scope.filter((d) => d.kind === 'RuleDecl').map((d) => declItem(d, fileOf(d)));
  }
  if (/\bdefaults\s+\w*$/.test(before)) return layerItems();
  const word = /\b(\w+)\s*=\s*\w*$/.exec(before)?.[1];
  if (word !== undefined && wordOptions[word]) {
    return wordOptions[word].map((w) => ({ label: w, kind: CompletionKind.EnumMember, detail: word }));
  }
  const { decl, names } = namesAt(parsed, offset);
  // In a block call's (or a rule application's) parentheses: its parameters, then the names in scope.
  const call = /\b([A-Za-z_]\w*)\s*\(([^()]*)$/.exec(before);
  if (call) {
    const callee = scope.find((d) => d.name.name === call[1]);
    const given = new Set([...call[2]!.matchAll(/(\w+)\s*=/g)].map((m) => m[1]!));
    const params: CompletionItem[] = (callee?.params ?? [])
      .filter((p) => !given.has(p.name.name))
      .map((p) => ({
        label: `${p.name.name}=`,
        kind: CompletionKind.Property,
        detail: `parameter of ${callee!.name.name}${p.type ? `: ${p.type.name}` : ''}`,
        sortText: `0${p.name.name}`,
      }));
    return [...params, ...names];
  }
  // The element being written: after the last `->`, `{` or `;`, past a label.
  const element = before
    .split(/->|\{|;/)
    .pop()!
    .replace(/^\s*(?:"[^"]*"|[A-Za-z_]\w*(?:\.\.[A-Za-z_]\w*)?)\s*:(?!=)/, '');
  const head = /^\s*([a-z]\w*)\s+(.*?)(\w*)$/.exec(element);
  if (head && layerSpecs.has(head[1]!) && /\s$/.test(element.slice(0, element.length - head[3]!.length))) {
    const given = new Set([...head[2]!.matchAll(/(\w+)\s*=/g)].map((m) => m[1]!));
    const spec = layerSpecs.get(head[1]!)!;
    // Positional arguments given (`3x3`, `64`, `valid`) bind options by kind: leave those named options out too.
    const positional = head[2]!.split(/\s+/).filter((a) => a !== '' && !a.includes('='));
    if (positional.some((a) => /^\d+x/.test(a))) given.add('kernel');
    if (positional.some((a) => /^\d+$/.test(a)) && spec.options.some((o) => o.name === 'filters')) given.add('filters');
    if (positional.some((a) => (wordOptions['padding'] ?? []).includes(a))) given.add('padding');
    return optionItems(head[1]!, given);
  }
  if (/^\s*\w*$/.test(element)) {
    if (!decl && /^\w*$/.test(before)) return TOP_KEYWORDS.map(keyword);
    const blocks = scope.filter((d) => d.kind === 'BlockDecl').map((d) => declItem(d, fileOf(d)));
    return [...layerItems(), ...blocks, ...BODY_KEYWORDS.map(keyword)];
  }
  return names;
}
