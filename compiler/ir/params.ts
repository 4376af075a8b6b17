/** Typed parameters of blocks, networks and rules (spec/language.md, "Parameters"). */
import type * as A from '../syntax/ast.js';
import { fail } from '../diagnostics/diagnostics.js';
import { describeValue, type Value } from './values.js';

export const paramTypes: readonly string[] = ['int', 'float', 'bool', 'size', 'string'];

const expectedWords: Record<string, string> = {
  int: 'an integer',
  float: 'a number',
  bool: 'true or false',
  size: 'a size like 3x3',
  string: 'a string',
};

/** Checks a value against a parameter's declared type; an integer is accepted where a float is. */
export function coerce(value: Value, p: A.Param, span: A.Span): Value {
  const type = p.type?.name;
  if (!type) return value;
  if (type === 'float' && value.t === 'int') return { t: 'float', v: value.v };
  if (value.t === type) return value;
  return fail('parameter-type-mismatch', span, {
    name: p.name.name,
    expected: expectedWords[type] ?? type,
    actual: describeValue(value),
  });
}
