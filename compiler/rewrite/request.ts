/**
 * Rule requests: an `apply` statement of a network, or a `--rules` option of the command line, turned
 * into the rule declaration, the arguments given, and the node names it is limited to.
 */
import type * as A from '../syntax/ast.js';
import { fail, didYouMean } from '../diagnostics/diagnostics.js';
import type { IRGraph } from '../ir/ir.js';
import { isLayerSymbol } from '../ir/layers.js';
import { coerce } from '../ir/params.js';
import { parseSource } from '../syntax/parse.js';
import type { Declaration, LoadedFile, Program } from '../program/program.js';
import { evaluate, type Env, type Value } from '../ir/values.js';

export interface RuleRequest {
  decl: A.RuleDecl;
  /** The file that declares the rule: its top-level defaults apply to the replacement layers. */
  file: LoadedFile;
  /** The arguments given, by parameter name; the others take their defaults at each match. */
  args: Map<string, { value: Value; span: A.Span }>;
  /** Qualified names the rule is limited to (a node and everything under it); empty: the whole network. */
  targets: string[];
  /** The `apply` statement or the `--rules` text. */
  span: A.Span;
}

/** The file of `programs` that declares `decl`. */
export function fileDeclaring(decl: Declaration, ...programs: Program[]): LoadedFile {
  for (const program of programs) for (const f of program.files.values()) if (f.own.includes(decl)) return f;
  throw new Error(`no file declares ${decl.name.name}`);
}

export function ruleRequest(
  stmt: A.ApplyRulesStmt,
  scope: ReadonlyMap<string, Declaration>,
  fileOf: (d: Declaration) => LoadedFile,
  env: Env,
  graph: IRGraph,
): RuleRequest {
  const decl = scope.get(stmt.rule.name);
  if (decl?.kind !== 'RuleDecl') {
    const rules = [...scope.values()].filter((d) => d.kind === 'RuleDecl').map((d) => d.name.name);
    fail('unknown-rule', stmt.rule.span, { name: stmt.rule.name, hint: didYouMean(stmt.rule.name, rules) });
  }
  const callee = `rule ${decl.name.name}`;
  const args = new Map<string, { value: Value; span: A.Span }>();
  let position = 0;
  for (const a of stmt.args) {
    let param: A.Param | undefined;
    if (a.kind === 'NamedArg') {
      param = decl.params.find((p) => p.name.name === a.name.name);
      if (!param)
        fail('unknown-parameter', a.name.span, {
          callee,
          name: a.name.name,
          hint: didYouMean(
            a.name.name,
            decl.params.map((p) => p.name.name),
          ),
        });
    } else if (a.kind === 'PositionalArg') {
      param = decl.params[position++];
      if (!param)
        fail('too-many-arguments', a.span, {
          callee,
          max: decl.params.length,
          count: stmt.args.filter((x) => x.kind === 'PositionalArg').length,
        });
    } else {
      return fail('misplaced-stride', a.span, { callee });
    }
    if (args.has(param.name.name)) fail('duplicate-argument', a.span, { name: param.name.name });
    args.set(param.name.name, { value: coerce(evaluate(a.value, env, isLayerSymbol), param, a.span), span: a.span });
  }
  return { decl, file: fileOf(decl), args, targets: targetNames(stmt.targets, graph), span: stmt.span };
}

function pathName(p: A.Path): string {
  return p.segments.map((s) => s.name).join('/');
}

/** `mixed4`, `mixed4/branch7x7`, `mixed4..mixed7` -> names; each must name a node or a scope of the graph. */
function targetNames(targets: A.Target[], graph: IRGraph): string[] {
  const names: string[] = [];
  const exists = (name: string) => graph.nodes.some((n) => n.name === name || n.name.startsWith(`${name}/`));
  const check = (name: string, span: A.Span) => {
    if (!exists(name)) {
      const top = [...new Set(graph.nodes.map((n) => n.name.split('/')[0]!))];
      fail('unknown-node', span, { name, network: graph.network, hint: didYouMean(name, top) });
    }
  };
  for (const t of targets) {
    const first = pathName(t.path);
    if (!t.last) {
      check(first, t.path.span);
      names.push(first);
      continue;
    }
    const last = pathName(t.last);
    const a = /^(.*?)(\d+)$/.exec(first);
    const b = /^(.*?)(\d+)$/.exec(last);
    if (!a || !b || a[1] !== b[1] || Number(b[2]) < Number(a[2])) {
      fail('invalid-target-range', t.span, { range: `${first}..${last}` });
    }
    for (let i = Number(a[2]); i <= Number(b[2]); i++) {
      check(`${a[1]}${i}`, t.span);
      names.push(`${a[1]}${i}`);
    }
  }
  return names;
}

/**
 * A `--rules` option: `NAME`, `NAME(ARGS)` or either followed by `to TARGETS`, as an `apply` statement
 * would say it. Returns the statement, or a diagnostic on the option's text.
 */
export function parseRuleOption(text: string): { stmt?: A.ApplyRulesStmt; error?: string } {
  const file = '--rules';
  const parsed = parseSource(`${OPTION_PREFIX}${text}\n}`, file);
  const network = parsed.ast?.items[0];
  const stmt =
    network?.kind === 'NetworkDecl' && network.body.statements.length === 1 ? network.body.statements[0] : undefined;
  if (parsed.diagnostics.length > 0 || parsed.ast?.items.length !== 1 || stmt?.kind !== 'ApplyRules') {
    return { error: `'${text}' is not a rule application: write NAME, NAME(ARGS) or NAME(ARGS) to NODE, ...` };
  }
  relocate(stmt, new Set());
  return { stmt };
}

/** What a `--rules` text is parsed inside: its spans are moved back to positions in the text itself. */
const OPTION_PREFIX = 'network N {\napply ';
const PREFIX_COLUMNS = 'apply '.length;

/**
 * Moves every span of a statement parsed from `OPTION_PREFIX + text` to line 1 of the option's text
 * (`--rules:1:1` is the first character the user typed); the statement's own span, which starts at the
 * `apply` the text was given, starts at column 1.
 */
function relocate(node: unknown, seen: Set<object>): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const span = node as Partial<A.Span>;
  if (
    typeof span.startLine === 'number' &&
    typeof span.startColumn === 'number' &&
    typeof span.startOffset === 'number'
  ) {
    const s = node as A.Span;
    s.startOffset = Math.max(0, s.startOffset - OPTION_PREFIX.length);
    s.endOffset = Math.max(0, s.endOffset - OPTION_PREFIX.length);
    s.startColumn = s.startLine === 2 ? Math.max(1, s.startColumn - PREFIX_COLUMNS) : s.startColumn;
    s.endColumn = s.endLine === 2 ? Math.max(1, s.endColumn - PREFIX_COLUMNS) : s.endColumn;
    s.startLine = Math.max(1, s.startLine - 1);
    s.endLine = Math.max(1, s.endLine - 1);
    return;
  }
  for (const v of Object.values(node)) relocate(v, seen);
}
