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

export const diagnosticTable = {
  // Lexical structure and syntax
  'unexpected-character': { severity: 'error', message: 'unexpected character {text}' },
  'unterminated-comment': { severity: 'error', message: 'unterminated block comment: `/*` has no closing `*/`' },
  'unterminated-string': { severity: 'error', message: 'unterminated string: a string must close on the line it opens' },
  'syntax-error': { severity: 'error', message: 'unexpected {found}' },
  'number-out-of-range': { severity: 'error', message: 'the number {text} is out of range: integers go up to 2^53 - 1 and numbers must be finite' },
  'nesting-too-deep': { severity: 'error', message: 'nesting is too deep ({depth} levels; at most {limit})' },
  'file-too-large': { severity: 'error', message: 'the file is too large ({size}); incc reads files of at most {limit}' },

  // Names and declarations
  'duplicate-name': { severity: 'error', message: '{what} `{name}` is already declared' },
  'duplicate-argument': { severity: 'error', message: 'argument `{name}` is given twice' },
  'unknown-name': { severity: 'error', message: 'unknown name `{name}`{hint?}' },
  'unknown-layer-kind': { severity: 'error', message: 'unknown layer kind or block `{name}`{hint?}' },
  'unknown-rule': { severity: 'error', message: 'unknown rule `{name}`{hint?}' },
  'unknown-parameter': { severity: 'error', message: '{callee} has no parameter `{name}`{hint?}' },
  'unknown-function': { severity: 'error', message: 'unknown function `{name}`{hint?}' },
  'unknown-type': { severity: 'error', message: 'unknown type `{name}`: the types are int, float, bool, size and string' },
  'unknown-setting': { severity: 'error', message: 'unknown training setting `{name}`{hint?}' },
  'unknown-node': { severity: 'error', message: 'no node named `{name}` in network {network}{hint?}' },
  'too-many-arguments': { severity: 'error', message: '{callee} takes {max} positional argument(s) but {count} were given' },
  'missing-argument': { severity: 'error', message: '{callee} needs argument `{name}`' },
  'misplaced-statement': { severity: 'error', message: '{what} is not allowed here: {why}' },
  'import-not-found': { severity: 'error', message: 'cannot find the file to import: {path}' },
  'import-cycle': { severity: 'error', message: 'import cycle: {cycle}' },
  'unknown-import-name': { severity: 'error', message: '{path} declares no `{name}`{hint?}' },
  'shadowed-declaration': { severity: 'warning', message: '`{name}` is declared both here and in {other}; this declaration wins' },

  // Values
  'type-mismatch': { severity: 'error', message: '{what} must be {expected}, not {actual}' },
  'value-out-of-range': { severity: 'error', message: '{what} must be {range}, not {value}' },
  'division-by-zero': { severity: 'error', message: 'division by zero' },
  'integer-overflow': { severity: 'error', message: 'the value of this expression ({value}) is beyond 2^53 - 1' },
  'label-count-mismatch': { severity: 'error', message: 'the label {first}..{last} names {names} nodes but the repeat makes {count}' },
  'repeat-too-large': { severity: 'error', message: 'repeat count {count} is over the limit of {limit}' },
  'recursion-too-deep': { severity: 'error', message: 'block instances nest {depth} deep (a block that instantiates itself?); the limit is {limit}' },

  // Networks and shapes
  'no-network': { severity: 'error', message: '{file} declares no network' },
  'unknown-network': { severity: 'error', message: 'no network named `{name}`; the file declares {available}' },
  'network-required': { severity: 'error', message: 'the file declares several networks ({available}): choose one with --network' },
  'missing-input': { severity: 'error', message: 'network {network} has no input here: its first layer must be `input HxWxC`' },
  'concat-shape-mismatch': { severity: 'error', message: 'concat branches have different grids: {shapes}' },
  'kernel-larger-than-input': { severity: 'error', message: '{op} {kernel} VALID does not fit its {input} input' },
  'dense-on-spatial': { severity: 'error', message: 'dense needs a vector but gets a {shape} map: add flatten or a global pool before it' },
  'spatial-after-flatten': { severity: 'error', message: '{op} needs an H x W x C map but gets a vector of {shape}' },
  'shape-overflow': { severity: 'error', message: 'the {what} of {node} ({value}) is beyond 2^53 - 1' },
  'empty-concat': { severity: 'error', message: 'concat needs at least one branch' },
  'network-too-large': { severity: 'error', message: 'the network needs more than {limit} {what}: is a repeat count, or a nest of repeats and blocks, far larger than meant?' },

  // Rules and application (compiler/rules)
  'rule-matches-nothing': { severity: 'warning', message: 'rule {rule} matches nothing{where?}' },
  'rule-invalid': { severity: 'error', message: 'rule {rule} is not well formed: {why}' },
  'rewrite-too-large': {
    severity: 'error',
    message: 'applying rule {rule} would make the network larger than {limit} nodes',
  },
  'rule-changes-shape': { severity: 'error', message: 'rule {rule} would change the shape of {node} from {before} to {after}: a replacement must produce the shape of what it replaces' },

  // Backends (backends/)
  'onnx-unsupported': { severity: 'error', message: '{what} of {node} has no ONNX form' },
  'onnx-too-large': { severity: 'error', message: 'network {network} has {size} of weights, more than the {limit} one ONNX file can hold' },
} as const satisfies Record<string, Entry>;

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

/** "did you mean ...?" for a misspelt name: the closest candidate within an edit distance of a third of its length (at least 1). */
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
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, before[j - 2]! + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
