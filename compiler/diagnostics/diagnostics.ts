/**
 * The one table of diagnostics. Every stage reports through `diagnostic(code, span, params)`: the code
 * picks the severity and the message template. A template names its parameters as `{name}` (`{name?}`
 * for one that may be left out, printed as nothing); the parameters a call passes are typed from the
 * template (compiler/diagnostics/template.ts), so a missing or unknown one is a compile error.
 * spec/diagnostics.md lists the table; a test checks the two agree.
 */
import type { Span } from '../syntax/ast.js';
import { fillTemplate, type TemplateParams } from './template.js';

/** How serious a finding is: the one vocabulary of diagnostics and lint (lint configs also say `warn`). */
export type Severity = 'error' | 'warning' | 'info';

interface Entry {
  severity: Severity;
  message: string;
}

/** A message template written in parts (to keep lines short), joined into one literal type. */
type Joined<P extends readonly string[]> = P extends readonly [infer H extends string, ...infer R extends string[]]
  ? `${H}${Joined<R>}`
  : '';

function entry<S extends Severity, const P extends readonly string[]>(severity: S, parts: P) {
  return { severity, message: parts.join('') as Joined<P> };
}
const error = <const P extends readonly string[]>(...parts: P) => entry('error', parts);
const warning = <const P extends readonly string[]>(...parts: P) => entry('warning', parts);

export const diagnosticTable = {
  // Lexical structure and syntax
  'unexpected-character': error('unexpected character {text}'),
  'unterminated-comment': error('unterminated block comment: `/*` has no closing `*/`'),
  'unterminated-string': error('unterminated string: a string must close on the line it opens'),
  'invalid-escape': error('unknown escape {text} in a string: the escapes are \\" \\\\ \\n \\r \\t'),
  'chained-comparison': error('comparisons do not chain: `{op}` follows another comparison; join them with `and`'),
  'syntax-error': error('unexpected {found}'),
  'number-out-of-range': error(
    'the number {text} is out of range: integers go up to 2^53 - 1 and numbers must be finite',
  ),
  'nesting-too-deep': error('nesting is too deep ({depth} levels; at most {limit})'),
  'file-too-large': error('the file is too large ({size}); incc reads files of at most {limit}'),

  // Names and declarations
  'duplicate-name': error('{what} `{name}` is already declared'),
  'duplicate-argument': error('argument `{name}` is given twice'),
  'unknown-name': error('unknown name `{name}`{hint?}'),
  'unknown-layer-kind': error('unknown layer kind or block `{name}`{hint?}'),
  'unknown-rule': error('unknown rule `{name}`{hint?}'),
  'unknown-parameter': error('{callee} has no parameter `{name}`{hint?}'),
  'unknown-function': error('unknown function `{name}`{hint?}'),
  'unknown-type': error('unknown type `{name}`: the types are int, float, bool, size and string'),
  'unknown-setting': error('unknown training setting `{name}`{hint?}'),
  'unknown-node': error('no node named `{name}` in network {network}{hint?}'),
  'too-many-arguments': error('{callee} takes {max} positional argument(s) but {count} were given'),
  'missing-argument': error('{callee} needs argument `{name}`'),
  'misplaced-statement': error(
    '{statement} belongs in the body of a network, not in a block, branch, repeat or aux head',
  ),
  'statement-in-concat': error('a concat holds branches only, not {statement}'),
  'misplaced-input': error('`input` comes once, as the first statement of a network'),
  'misplaced-range-label': error('only a repeat takes a range label (`mixed4..mixed7: repeat ...`)'),
  'misplaced-stride': error('{callee} takes no stride: a stride (`/2`) is for layers with a kernel or window'),
  'positional-default': error('`defaults` takes named options only (`defaults conv(bias=false)`)'),
  'not-a-layer': error('{kind} `{name}` is not a layer or block: only layers and blocks can be used in a body'),
  'empty-block': error('block {name} makes no layer: its body needs at least one'),
  'empty-aux-head': error('an aux head needs at least one layer'),
  'import-not-found': error('cannot find the file to import: {path}'),
  'import-cycle': error('import cycle: {cycle}'),
  'unknown-import-name': error('{path} declares no `{name}`{hint?}'),
  'shadowed-declaration': warning('`{name}` is declared both here and in {other}; this declaration wins'),
  'empty-label': error('a label cannot be empty: `""` names nothing'),
  'block-named-like-layer': warning(
    'block `{name}` has the name of a layer kind: `{name}` in a body is the layer, never this block; ',
    'rename the block',
  ),

  // Values
  'type-mismatch': error('the {side} of `{operator}` must be {expected}, not {actual}'),
  'parameter-type-mismatch': error('parameter `{name}` must be {expected}, not {actual}'),
  'option-type-mismatch': error('{layer} {option} must be {expected}, not {actual}'),
  'unknown-option-word': error('{layer} {option} must be one of {words}, not `{word}`'),
  'positional-argument-mismatch': error('an argument of {layer} must be {expected}, not {actual}'),
  'non-integer-size': error('a size dimension must be an integer, not {actual}'),
  'non-integer-range': error('the ends of a range must be integers, not {actual}'),
  'non-boolean-condition': error('the condition of {construct} must be true or false, not {actual}'),
  'repeat-in-count': error('`repeat {variable} in` walks a list or a range, not {actual}'),
  'repeat-count-not-integer': error('a repeat count must be an integer, not {actual} (or write `repeat x in ...`)'),
  'repeat-over-invalid': error('a repeat walks a count, a list or a range, not {actual}'),
  'invalid-aux-weight': error('an aux loss weight must be a number >= 0, not {actual}'),
  'invalid-target-range': error(
    'a target range must be two names that differ in a trailing number, ',
    'the smaller first (`mixed4..mixed7`), not {range}',
  ),
  'setting-type-mismatch': error('{setting} must be {expected}, not {actual}'),
  'non-finite-value': error('the value of this expression is not a finite number ({value})'),
  'value-out-of-range': error('{what} must be {range}, not {value}'),
  'division-by-zero': error('division by zero'),
  'integer-overflow': error('the value of this expression ({value}) is beyond 2^53 - 1'),
  'label-count-mismatch': error('the label {first}..{last} names {names} nodes but the repeat makes {count}'),
  'repeat-too-large': error('repeat count {count} is over the limit of {limit}'),
  'recursion-too-deep': error(
    'block instances nest {depth} deep (a block that instantiates itself?); the limit is {limit}',
  ),

  // Networks and shapes
  'no-network': error('{file} declares no network'),
  'unknown-network': error('no network named `{name}`; the file declares {available}'),
  'network-required': error('the file declares several networks ({available}): choose one with --network'),
  'missing-input': error('network {network} has no input here: its first layer must be `input HxWxC`'),
  'concat-shape-mismatch': error('concat branches have different grids: {shapes}'),
  'kernel-larger-than-input': error('{op} {kernel} VALID does not fit its {input} input'),
  'dense-on-spatial': error('dense needs a vector but gets a {shape} map: add flatten or a global pool before it'),
  'spatial-after-flatten': error('{op} needs an H x W x C map but gets a vector of {shape}'),
  'shape-overflow': error('the {what} of {node} ({value}) is beyond 2^53 - 1'),
  'empty-concat': error('concat needs at least one branch'),
  'network-too-large': error(
    'the network needs more than {limit} {what}: ',
    'is a repeat count, or a nest of repeats and blocks, far larger than meant?',
  ),

  // Rules and application (compiler/rules)
  'rule-matches-nothing': warning('rule {rule} matches nothing{where?}'),
  'rule-invalid': error('rule {rule} is not well formed: {why}'),
  'rewrite-too-large': error('applying rule {rule} would make the network larger than {limit} nodes'),
  'rule-changes-shape': error(
    'rule {rule} would change the shape of {node} from {before} to {after}: ',
    'a replacement must produce the shape of what it replaces',
  ),

  // Backends (backends/)
  'onnx-unsupported': error('{what} of {node} has no ONNX form'),
  'weights-too-large': error('network {network} has {size} of weights, more than the {limit} {holder} can hold'),
  'pytorch-unsupported': error('{what} of {node} has no PyTorch form yet'),

  // Weights from other frameworks (backends/import/, `incc weights import`)
  'weights-source-unreadable': error('cannot read {path} as {format}: {why}'),
  'weights-layer-mismatch': error('{format} layer `{layer}` ({found}) does not fit layer `{node}` ({expected})'),
  'weights-layer-missing': error('{path} has no weights for layer `{node}` ({expected}){more?}'),
  'weights-layer-extra': error('{format} layer `{layer}` ({found}) in {path} has no layer to go to: {why}'),
  'weights-pool-padding': warning(
    '{source} {sourceWay} the zero padding in the average of a padded window; `{node}`{more?} {nodeWay}: ',
    "the outputs will differ from the source's near the borders of the image; {fix} makes them agree",
  ),
} satisfies Record<string, Entry>;

export type DiagnosticCode = keyof typeof diagnosticTable;

export interface RelatedInformation {
  message: string;
  span: Span;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Absent only for problems that concern no source (a missing file given on the command line). */
  span?: Span;
  /** For syntax errors: what the parser would have accepted. */
  expected?: string[];
  related?: RelatedInformation[];
  /**
   * A "did you mean" the message gives, as data: the misspelt `name` (the text at `span`) and its
   * `replacement` (the quick fix of compiler/lint/fix.ts).
   */
  suggestion?: { name: string; replacement: string };
}

/** The parameters a code's message template names, by name. */
export type DiagnosticParams<C extends DiagnosticCode> = TemplateParams<(typeof diagnosticTable)[C]['message']>;

type Extra = Pick<Diagnostic, 'expected' | 'related'>;

/** The arguments after the span: the parameters (which may be left out when the template needs none), then extras. */
export type DiagnosticArgs<C extends DiagnosticCode> =
  Record<string, never> extends DiagnosticParams<C>
    ? [params?: DiagnosticParams<C>, extra?: Extra]
    : [params: DiagnosticParams<C>, extra?: Extra];

export function diagnostic<C extends DiagnosticCode>(
  code: C,
  span: Span | undefined,
  ...[params, extra = {}]: DiagnosticArgs<C>
): Diagnostic {
  const entry: Entry = diagnosticTable[code];
  const message = fillTemplate(entry.message, (params ?? {}) as Record<string, string | number | undefined>, clipped);
  const d: Diagnostic = { code, severity: entry.severity, message };
  if (span) d.span = span;
  if (extra.expected && extra.expected.length > 0) d.expected = extra.expected;
  if (extra.related && extra.related.length > 0) d.related = extra.related;
  const p = params as Record<string, unknown> | undefined;
  const suggested = typeof p?.hint === 'string' ? suggestionIn(p.hint) : undefined;
  if (suggested !== undefined && typeof p?.name === 'string') d.suggestion = { name: p.name, replacement: suggested };
  return d;
}

/** Stops a stage at an error it cannot go past: throws the diagnostic, for the stage's edge to catch. */
export function fail<C extends DiagnosticCode>(code: C, span: Span | undefined, ...args: DiagnosticArgs<C>): never {
  throw new DiagnosticError(diagnostic(code, span, ...args));
}

/** A value longer than this (a name or string thousands of characters long) is shortened in messages. */
const MAX_VALUE_LENGTH = 500;

function clipped(s: string): string {
  return s.length <= MAX_VALUE_LENGTH ? s : `${s.slice(0, 240)}...${s.slice(-40)} (${s.length} characters)`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown inside a stage to stop it at the first error it cannot go past; caught at the stage's edge. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/**
 * "did you mean ...?" for a misspelt name: the closest candidate within an edit distance of a third of its
 * length (at least 1).
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  // Edit distance is quadratic in the lengths: no suggestion for names longer than anyone misspells.
  if (name.length > MAX_SUGGESTED_LENGTH) return '';
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.length > MAX_SUGGESTED_LENGTH) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= limit ? `; did you mean \`${best}\`?` : '';
}

/** The name a `didYouMean` hint suggests, or undefined for any other hint. */
function suggestionIn(hint: string): string | undefined {
  return /^; did you mean `([^`]*)`\?$/.exec(hint)?.[1];
}

const MAX_SUGGESTED_LENGTH = 100;

/** Edit distance where swapping two neighbouring letters counts one edit, like any other typo (`cnov`, `conv`). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j]!, before[j - 2]! + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
