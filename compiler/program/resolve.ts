/**
 * Name resolution over the AST, before elaboration: every declaration of a file is checked, used or
 * not (a block no network instantiates is still checked), and every problem found is reported, not
 * only the first. It checks what does not need values: layer kinds and blocks exist, named arguments
 * exist, positional counts of block calls, parameter types, rule names, and names in expressions.
 */
import type * as A from '../syntax/ast.js';
import { diagnostic, didYouMean, type Diagnostic } from '../diagnostics/diagnostics.js';
import { isLayerSymbol, layerSpecs, wordOptions } from '../ir/layers.js';
import { paramTypes } from '../ir/params.js';
import { attributeNames } from '../rewrite/attributes.js';
import { ruleProblem } from '../rewrite/rewrite.js';
import type { LoadedFile } from './program.js';
import type { BuildCache } from './build-cache.js';
import { unknownNameHint } from '../ir/values.js';

/**
 * The problems of every declaration of `file`, in order. Each declaration is resolved on its own (the
 * language service's `cache` keeps each one's problems while its text and what it reads stay the same).
 */
export function resolveFile(file: LoadedFile, cache?: BuildCache): Diagnostic[] {
  if (!file.ast) return [];
  const kept = cache?.resolving<Diagnostic>(file);
  const diagnostics: Diagnostic[] = [];
  for (const item of file.ast.items) {
    const resolve = () => {
      const r = new Resolver(file);
      r.topLevel(item);
      return r.diagnostics;
    };
    for (const d of kept ? kept(item, resolve) : resolve()) diagnostics.push(d);
  }
  return diagnostics;
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly file: LoadedFile) {}

  topLevel(item: A.TopLevel): void {
    switch (item.kind) {
      case 'Import':
        return;
      case 'Defaults':
        return this.defaults(item, new Set());
      case 'RuleDecl': {
        // A rule's defaults, pattern, condition and replacement see the matched layer's attributes and
        // the labels of its pattern (spec/rewrite.md) besides its parameters.
        const labels = item.clauses.flatMap((c) =>
          c.kind === 'Match' ? c.pattern.elements.flatMap((e) => (e.label ? [e.label.name.name] : [])) : [],
        );
        const names = this.params(item.params, new Set([...attributeNames, ...labels]));
        for (const c of item.clauses) {
          if (c.kind === 'When') this.expr(c.condition, names, true);
          else this.chain(c.kind === 'Match' ? c.pattern : c.replacement, names);
        }
        // Its shape (one match of built-in layers, one replace of layers, concats and ifs), applied or not.
        const invalid = ruleProblem(item);
        if (invalid) this.diagnostics.push(invalid);
        return;
      }
      default: {
        // A block named like a layer kind can never be called: `conv` in a body is the layer.
        if (item.kind === 'BlockDecl' && layerSpecs.has(item.name.name)) {
          this.diagnostics.push(diagnostic('block-named-like-layer', item.name.span, { name: item.name.name }));
        }
        const names = this.params(item.params);
        this.body(item.body, names);
      }
    }
  }

  private params(params: A.Param[], visible: Iterable<string> = []): Set<string> {
    const names = new Set<string>(visible);
    for (const p of params) {
      if (params.some((q) => q !== p && q.name.name === p.name.name && q.span.startOffset < p.span.startOffset)) {
        this.diagnostics.push(diagnostic('duplicate-name', p.name.span, { what: 'parameter', name: p.name.name }));
      }
      if (p.type && !paramTypes.includes(p.type.name))
        this.diagnostics.push(diagnostic('unknown-type', p.type.span, { name: p.type.name }));
      if (p.default) this.expr(p.default, names, true);
      names.add(p.name.name);
    }
    return names;
  }

  private body(body: A.Body, names: Set<string>): void {
    for (const s of body.statements) {
      switch (s.kind) {
        case 'Defaults':
          this.defaults(s, names);
          break;
        case 'Train':
          break; // bare words are values there
        case 'ApplyRules': {
          const decl = this.file.scope.get(s.rule.name);
          if (decl?.kind !== 'RuleDecl') {
            const rules = [...this.file.scope.values()].filter((d) => d.kind === 'RuleDecl').map((d) => d.name.name);
            this.diagnostics.push(
              diagnostic('unknown-rule', s.rule.span, { name: s.rule.name, hint: didYouMean(s.rule.name, rules) }),
            );
          } else {
            this.callArgs(`rule ${decl.name.name}`, decl.params, s.args, names);
          }
          break;
        }
        case 'Aux':
          if (s.weight) this.expr(s.weight, names, false);
          this.body(s.body, names);
          break;
        case 'Chain':
          this.chain(s, names);
          break;
      }
    }
  }

  private defaults(s: A.DefaultsStmt, names: Set<string>): void {
    const spec = layerSpecs.get(s.target.name);
    if (!spec) {
      this.diagnostics.push(
        diagnostic('unknown-layer-kind', s.target.span, {
          name: s.target.name,
          hint: didYouMean(s.target.name, layerSpecs.keys()),
        }),
      );
      return;
    }
    for (const a of s.args) {
      if (a.kind !== 'NamedArg') {
        this.diagnostics.push(diagnostic('positional-default', a.span));
      }
    }
    this.layerArgs(
      spec.name,
      spec.options.map((o) => o.name),
      s.args,
      names,
    );
  }

  private chain(chain: A.Chain, names: Set<string>): void {
    for (const el of chain.elements) this.element(el, names);
  }

  private element(el: A.Element, names: Set<string>): void {
    switch (el.kind) {
      case 'Concat':
        return this.body(el.body, names);
      case 'Repeat': {
        this.expr(el.over, names, false);
        const inner = el.variable ? new Set([...names, el.variable.name]) : names;
        return this.body(el.body, inner);
      }
      case 'If':
        this.expr(el.condition, names, false);
        this.body(el.then, names);
        if (el.else) {
          if (el.else.kind === 'If') this.element(el.else, names);
          else this.body(el.else, names);
        }
        return;
      case 'Layer':
        return this.layer(el, names);
    }
  }

  private layer(el: A.LayerElement, names: Set<string>): void {
    const kind = el.callee.name;
    const spec = layerSpecs.get(kind);
    if (spec) {
      this.layerArgs(
        kind,
        spec.options.map((o) => o.name),
        el.args,
        names,
      );
      return;
    }
    const decl = this.file.scope.get(kind);
    if (decl?.kind === 'BlockDecl') {
      this.callArgs(`block ${kind}`, decl.params, el.args, names);
      return;
    }
    if (decl) {
      const declared = decl.kind === 'NetworkDecl' ? 'network' : 'rule';
      this.diagnostics.push(diagnostic('not-a-layer', el.callee.span, { kind: declared, name: kind }));
      return;
    }
    const candidates = [
      ...layerSpecs.keys(),
      ...[...this.file.scope.values()].filter((d) => d.kind === 'BlockDecl').map((d) => d.name.name),
    ];
    this.diagnostics.push(
      diagnostic('unknown-layer-kind', el.callee.span, { name: kind, hint: didYouMean(kind, candidates) }),
    );
  }

  private layerArgs(kind: string, options: string[], args: A.Arg[], names: Set<string>): void {
    const seen = new Set<string>();
    for (const a of args) {
      if (a.kind === 'NamedArg') {
        if (!options.includes(a.name.name)) {
          this.diagnostics.push(
            diagnostic('unknown-parameter', a.name.span, {
              callee: kind,
              name: a.name.name,
              hint: didYouMean(a.name.name, options),
            }),
          );
        } else if (seen.has(a.name.name)) {
          this.diagnostics.push(diagnostic('duplicate-argument', a.span, { name: a.name.name }));
        }
        seen.add(a.name.name);
        const words = wordOptions[a.name.name];
        if (words && a.value.kind === 'Name' && !names.has(a.value.name) && !words.includes(a.value.name)) {
          // `padding=full`: say what the option takes rather than that `full` is an unknown name.
          this.diagnostics.push(
            diagnostic('unknown-option-word', a.value.span, {
              layer: kind,
              option: a.name.name,
              words: words.join(', '),
              word: a.value.name,
            }),
          );
          continue;
        }
      }
      this.expr(a.value, names, true);
    }
  }

  private callArgs(callee: string, params: A.Param[], args: A.Arg[], names: Set<string>): void {
    const known = params.map((p) => p.name.name);
    const positional = args.filter((a) => a.kind === 'PositionalArg');
    if (positional.length > params.length) {
      this.diagnostics.push(
        diagnostic('too-many-arguments', positional[params.length]!.span, {
          callee,
          max: params.length,
          count: positional.length,
        }),
      );
    }
    for (const a of args) {
      if (a.kind === 'NamedArg' && !known.includes(a.name.name)) {
        this.diagnostics.push(
          diagnostic('unknown-parameter', a.name.span, {
            callee,
            name: a.name.name,
            hint: didYouMean(a.name.name, known),
          }),
        );
      }
      this.expr(a.value, names, true);
    }
  }

  /** Names in an expression must be bound, or (where `symbols`) be one of the layer words. */
  private expr(e: A.Expr, names: Set<string>, symbols: boolean): void {
    switch (e.kind) {
      case 'Name':
        if (!names.has(e.name) && !(symbols && isLayerSymbol(e.name))) {
          this.diagnostics.push(
            diagnostic('unknown-name', e.span, { name: e.name, hint: unknownNameHint(e.name, names) }),
          );
        }
        return;
      case 'Size':
        return e.dims.forEach((d) => this.expr(d, names, symbols));
      case 'Binary':
        this.expr(e.left, names, symbols);
        return this.expr(e.right, names, symbols);
      case 'Unary':
        return this.expr(e.operand, names, symbols);
      case 'Range':
        this.expr(e.low, names, symbols);
        return this.expr(e.high, names, symbols);
      case 'List':
        return e.items.forEach((i) => this.expr(i, names, symbols));
      case 'Paren':
        return this.expr(e.expression, names, symbols);
      case 'Member':
        return this.expr(e.object, names, symbols);
      case 'Call':
        return e.args.forEach((a) => this.expr(a.value, names, true));
      default:
        return;
    }
  }
}
