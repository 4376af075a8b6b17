/**
 * The names of a file and what each one stands for: every identifier that names a block, network, rule,
 * parameter, repeat variable, layer kind, option or label, with the declaration it refers to (in this file,
 * an imported one, the stdlib). Definition, references, rename-free navigation, hover and semantic tokens
 * read this index; it is built from the AST and the program's scopes, with no values.
 */
import type * as A from '../compiler/syntax/ast.js';
import type { LoadedFile, Program } from '../compiler/program/program.js';
import { isBuiltinLayerName } from '../compiler/syntax/layer-names.js';
import { childrenOf, type Declaration } from './syntax.js';

export type OccurrenceKind =
  'block' | 'network' | 'rule' | 'parameter' | 'variable' | 'layer' | 'option' | 'label' | 'function' | 'file';

/** Where a symbol is declared: the file's path (as the host names it) and the declaring name's span. */
export interface Target {
  path: string;
  span: A.Span;
}

export interface Occurrence {
  /** The identifier (or, for an import path, the string). */
  span: A.Span;
  kind: OccurrenceKind;
  /** The declaration it refers to; absent for layer kinds, options, labels and functions. */
  target?: Target;
  /** This occurrence is the declaration itself. */
  declaration?: boolean;
  /** For a block, network or rule: its declaration node; for a parameter: the declaration it belongs to. */
  decl?: Declaration;
}

export const targetKey = (t: Target) => `${t.path}#${t.span.startOffset}`;

/** The file each declaration of the program is made in. */
export function declarationFiles(program: Program): Map<Declaration, LoadedFile> {
  const out = new Map<Declaration, LoadedFile>();
  for (const f of program.files.values()) for (const d of f.own) out.set(d, f);
  return out;
}

type Scope = Map<string, { target: Target; kind: 'parameter' | 'variable'; decl?: Declaration }>;

class Indexer {
  readonly occurrences: Occurrence[] = [];

  constructor(
    private readonly file: LoadedFile,
    private readonly program: Program,
    private readonly files: Map<Declaration, LoadedFile>,
  ) {}

  private add(o: Occurrence): void {
    this.occurrences.push(o);
  }

  private declTarget(d: Declaration): Target {
    return { path: this.files.get(d)?.path ?? this.file.path, span: d.name.span };
  }

  private kindOf(d: Declaration): 'block' | 'network' | 'rule' {
    return d.kind === 'BlockDecl' ? 'block' : d.kind === 'NetworkDecl' ? 'network' : 'rule';
  }

  topLevel(item: A.TopLevel): void {
    switch (item.kind) {
      case 'Import':
        return this.importDecl(item);
      case 'Defaults':
        return this.defaults(item, new Map());
      case 'BlockDecl':
      case 'NetworkDecl':
      case 'RuleDecl': {
        this.add({
          span: item.name.span,
          kind: this.kindOf(item),
          target: this.declTarget(item),
          declaration: true,
          decl: item,
        });
        const scope = this.params(item, new Map());
        if (item.kind === 'RuleDecl') {
          for (const c of item.clauses) {
            if (c.kind === 'When') this.expr(c.condition, scope);
            else this.chain(c.kind === 'Match' ? c.pattern : c.replacement, scope);
          }
        } else this.body(item.body, scope);
      }
    }
  }

  private importDecl(imp: A.ImportDecl): void {
    const path = this.program.host.resolveImport(imp.path.value, this.file.path);
    const imported = this.program.files.get(path);
    const fileStart: A.Span = {
      file: imported?.displayName ?? path,
      startOffset: 0,
      endOffset: 0,
      startLine: 1,
      startColumn: 1,
      endLine: 1,
      endColumn: 1,
    };
    this.add({ span: imp.path.span, kind: 'file', target: { path, span: fileStart } });
    for (const id of imp.names ?? []) {
      const d = imported?.own.find((x) => x.name.name === id.name);
      this.add(
        d
          ? { span: id.span, kind: this.kindOf(d), target: this.declTarget(d), decl: d }
          : { span: id.span, kind: 'block' },
      );
    }
  }

  private params(d: Declaration, outer: Scope): Scope {
    const scope: Scope = new Map(outer);
    for (const p of d.params) {
      if (p.default) this.expr(p.default, scope);
      const target = { path: this.file.path, span: p.name.span };
      this.add({ span: p.name.span, kind: 'parameter', target, declaration: true, decl: d });
      scope.set(p.name.name, { target, kind: 'parameter', decl: d });
    }
    return scope;
  }

  private body(body: A.Body, scope: Scope): void {
    for (const s of body.statements) {
      switch (s.kind) {
        case 'Defaults':
          this.defaults(s, scope);
          break;
        case 'ApplyRules': {
          const d = this.file.scope.get(s.rule.name);
          const rule = d?.kind === 'RuleDecl' ? d : undefined;
          this.add(
            rule
              ? { span: s.rule.span, kind: 'rule', target: this.declTarget(rule), decl: rule }
              : { span: s.rule.span, kind: 'rule' },
          );
          this.args(s.args, scope, rule);
          break;
        }
        case 'Train':
          for (const setting of s.settings) {
            this.add({ span: setting.key.span, kind: 'option' });
            this.expr(setting.value, scope);
          }
          break;
        case 'Aux':
          if (s.label) this.label(s.label);
          if (s.weight) this.expr(s.weight, scope);
          this.body(s.body, scope);
          break;
        case 'Chain':
          this.chain(s, scope);
          break;
      }
    }
  }

  private defaults(s: A.DefaultsStmt, scope: Scope): void {
    this.add({ span: s.target.span, kind: 'layer' });
    this.args(s.args, scope, undefined);
  }

  private label(l: A.Label): void {
    if (l.exact) return;
    this.add({ span: l.name.span, kind: 'label' });
    if (l.last) this.add({ span: l.last.span, kind: 'label' });
  }

  private chain(c: A.Chain, scope: Scope): void {
    if (c.label) this.label(c.label);
    for (const e of c.elements) this.element(e, scope);
  }

  private element(e: A.Element, scope: Scope): void {
    if (e.label) this.label(e.label);
    switch (e.kind) {
      case 'Layer': {
        const name = e.callee.name;
        const d = isBuiltinLayerName(name) ? undefined : this.file.scope.get(name);
        if (d) this.add({ span: e.callee.span, kind: this.kindOf(d), target: this.declTarget(d), decl: d });
        else this.add({ span: e.callee.span, kind: 'layer' });
        this.args(e.args, scope, d);
        return;
      }
      case 'Concat':
        return this.body(e.body, scope);
      case 'Repeat': {
        this.expr(e.over, scope);
        const inner: Scope = new Map(scope);
        if (e.variable) {
          const target = { path: this.file.path, span: e.variable.span };
          this.add({ span: e.variable.span, kind: 'variable', target, declaration: true });
          inner.set(e.variable.name, { target, kind: 'variable' });
        }
        return this.body(e.body, inner);
      }
      case 'If':
        this.expr(e.condition, scope);
        this.body(e.then, scope);
        if (e.else) {
          if (e.else.kind === 'Body') this.body(e.else, scope);
          else this.element(e.else, scope);
        }
        return;
    }
  }

  /** Arguments of a layer, block call or rule: a named argument of a block or rule names its parameter. */
  private args(args: A.Arg[], scope: Scope, callee: Declaration | undefined): void {
    for (const a of args) {
      if (a.kind === 'NamedArg') {
        const p = callee?.params.find((x) => x.name.name === a.name.name);
        if (p && callee) {
          const path = this.files.get(callee)?.path ?? this.file.path;
          this.add({ span: a.name.span, kind: 'parameter', target: { path, span: p.name.span }, decl: callee });
        } else this.add({ span: a.name.span, kind: 'option' });
      }
      this.expr(a.value, scope);
    }
  }

  private expr(e: A.Node, scope: Scope): void {
    if (e.kind === 'Name') {
      const s = scope.get(e.name);
      if (s) this.add({ span: e.span, kind: s.kind, target: s.target, ...(s.decl ? { decl: s.decl } : {}) });
      return;
    }
    if (e.kind === 'Call') {
      this.add({ span: e.callee.span, kind: 'function' });
      return this.args(e.args, scope, undefined);
    }
    if (e.kind === 'Member') return this.expr(e.object, scope);
    for (const c of childrenOf(e)) this.expr(c, scope);
  }
}

/** The occurrences of names in `file`, in source order. */
export function indexFile(file: LoadedFile, program: Program, files = declarationFiles(program)): Occurrence[] {
  if (!file.ast) return [];
  const indexer = new Indexer(file, program, files);
  for (const item of file.ast.items) indexer.topLevel(item);
  return indexer.occurrences.sort((a, b) => a.span.startOffset - b.span.startOffset);
}

/** The occurrence whose span holds `offset` (its end included). */
export function occurrenceAt(occurrences: Occurrence[], offset: number): Occurrence | undefined {
  return occurrences.find((o) => o.span.startOffset <= offset && offset <= o.span.endOffset);
}
