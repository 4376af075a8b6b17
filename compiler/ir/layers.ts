/**
 * Binding a layer's arguments to its kind's options (spec/language.md, "Layers"): positional arguments,
 * named ones, the stride, scoped defaults and built-in defaults, each value checked. The kinds, their
 * options and what they build are in compiler/ir/kinds/.
 */
import type { Span } from '../syntax/ast.js';
import { fail, didYouMean } from '../diagnostics/diagnostics.js';
import type { NodeAttrs } from './ir.js';
import type { LayerSpec, OptionSpec } from './kinds/kind.js';
import { activations, paddings } from './kinds/options.js';
import { describeValue, type Value } from './values.js';

export { layerSpecs, optionsOf } from './kinds/index.js';
export type { LayerSpec } from './kinds/kind.js';

/** The options whose values are words, and the words each takes. */
export const wordOptions: Readonly<Record<string, readonly string[]>> = { padding: paddings, act: activations };

/** Words that are values, not variables, where a layer option expects them. */
export function isLayerSymbol(name: string): boolean {
  return (paddings as readonly string[]).includes(name) || (activations as readonly string[]).includes(name);
}

export interface GivenArg {
  kind: 'NamedArg' | 'PositionalArg' | 'StrideArg';
  name?: string;
  nameSpan?: Span;
  value: Value;
  span: Span;
}

function checked(spec: LayerSpec, option: OptionSpec, value: Value, span: Span): unknown {
  const r = option.check(value);
  if (r.ok) return r.value;
  if (r.range) {
    const what = `${spec.name} ${option.name}`;
    fail('value-out-of-range', span, {
      what,
      range: r.expected,
      value: describeValue(value).replace(/^(integer|number) /, ''),
    });
  }
  return fail('option-type-mismatch', span, {
    layer: spec.name,
    option: option.name,
    expected: r.expected,
    actual: describeValue(value),
  });
}

/** The options a layer's explicit arguments set, checked and normalized (`3x3` -> [3, 3], `/2` -> [2, 2]). */
export function bindExplicit(spec: LayerSpec, args: GivenArg[]): Map<string, unknown> {
  const bound = new Map<string, unknown>();
  // Indexed loops here and in bindLayer (every layer of every network runs them): `incc check` runs them
  // interpreted (cli/incc.ts), where a for-of makes an iterator result object for each step.
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let option: OptionSpec | undefined;
    if (a.kind === 'NamedArg') {
      option = spec.options.find((o) => o.name === a.name);
      if (!option) {
        const hint = didYouMean(
          a.name!,
          spec.options.map((o) => o.name),
        );
        fail('unknown-parameter', a.nameSpan ?? a.span, { callee: spec.name, name: a.name!, hint });
      }
    } else if (a.kind === 'StrideArg') {
      option = spec.options.find((o) => o.stride);
      if (!option) fail('misplaced-stride', a.span, { callee: spec.name });
    } else {
      option = spec.options.find((o) => o.positional?.(a.value) && !bound.has(o.name));
      if (!option) {
        const positional = spec.options.filter((o) => o.positional).map((o) => `${o.name} (${o.expected})`);
        if (positional.length === 0)
          fail('too-many-arguments', a.span, {
            callee: spec.name,
            max: 0,
            count: args.filter((x) => x.kind === 'PositionalArg').length,
          });
        const expected = positional.join(' or ');
        fail('positional-argument-mismatch', a.span, { layer: spec.name, expected, actual: describeValue(a.value) });
      }
    }
    if (bound.has(option.name)) fail('duplicate-argument', a.span, { name: option.name });
    bound.set(option.name, checked(spec, option, a.value, a.span));
  }
  return bound;
}

/**
 * Binds a layer's arguments: explicit ones, then scoped defaults (checked where they were written),
 * then the built-in defaults. Returns the node's attributes.
 */
export function bindLayer(
  spec: LayerSpec,
  args: GivenArg[],
  defaults: ReadonlyMap<string, GivenArg>,
  callSpan: Span,
): NodeAttrs {
  const bound = bindExplicit(spec, args);
  for (let i = 0; i < spec.options.length; i++) {
    const option = spec.options[i]!;
    if (bound.has(option.name)) continue;
    const d = defaults.get(option.name);
    if (d) bound.set(option.name, checked(spec, option, d.value, d.span));
    else if (option.default !== undefined) bound.set(option.name, option.default);
    else fail('missing-argument', callSpan, { callee: spec.name, name: option.name });
  }
  // Not Object.fromEntries(bound): on a Map it takes V8's slow path, ~2-3 us a call, which was about
  // a third of elaboration time (bench/elaborate.mjs). A plain loop builds the same object in a fraction of that.
  const options: Record<string, unknown> = {};
  bound.forEach((value, name) => {
    options[name] = value;
  });
  return spec.build(options);
}

/** Checks a `defaults kind(...)` statement's names against the kind's options. */
export function checkDefaultsNames(spec: LayerSpec, args: GivenArg[]): void {
  for (const a of args) {
    if (a.kind !== 'NamedArg') fail('positional-default', a.span);
    const option = spec.options.find((o) => o.name === a.name);
    if (!option)
      fail('unknown-parameter', a.nameSpan ?? a.span, {
        callee: spec.name,
        name: a.name!,
        hint: didYouMean(
          a.name!,
          spec.options.map((o) => o.name),
        ),
      });
    checked(spec, option, a.value, a.span);
  }
}
