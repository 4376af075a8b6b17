/**
 * Values and expression evaluation (spec/language.md, "Expressions"): integers (exact, up to 2^53 - 1),
 * floats, booleans, strings, sizes (`3x3`), lists, inclusive ranges, symbols (bare words such as
 * `same` or `relu` that name no variable) and calls (`rmsprop(lr=0.045)`, kept as data for the
 * training section).
 */
import type * as A from '../syntax/ast.js';
import { fail, didYouMean } from '../diagnostics/diagnostics.js';
import { shapeText } from '../print/text.js';

export type Value =
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'string'; v: string }
  | { t: 'size'; dims: number[] }
  | { t: 'list'; items: Value[] }
  | { t: 'range'; low: number; high: number }
  | { t: 'symbol'; name: string }
  | { t: 'call'; name: string; positional: Value[]; named: Record<string, Value> }
  /** The attributes of a layer a rule matched (`p.stride`, `c.filters`). */
  | { t: 'record'; name: string; fields: Record<string, Value> };

export type ValueType = Value['t'];

/** The names an expression can see: parameters, loop variables, and (in rules) the matched layer. */
export interface Env {
  lookup(name: string): Value | undefined;
  names(): Iterable<string>;
}

export class MapEnv implements Env {
  constructor(
    private readonly vars: Map<string, Value>,
    private readonly parent?: Env,
  ) {}
  lookup(name: string): Value | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
  *names(): Iterable<string> {
    yield* this.vars.keys();
    if (this.parent) yield* this.parent.names();
  }
  with(name: string, value: Value): MapEnv {
    return new MapEnv(new Map([[name, value]]), this);
  }
}

export const emptyEnv: Env = { lookup: () => undefined, names: () => [] };

/** `nx1` is one identifier, not a size: say so; otherwise suggest a close name. */
export function unknownNameHint(name: string, candidates: Iterable<string>): string {
  const size = /^([A-Za-z_]\w*?)x(\w+)$/.exec(name);
  if (size)
    return (
      `; to write a size from variables, put spaces or parentheses around the x: \`${size[1]} x ${size[2]}\` ` +
      `or \`(${size[1]})x${size[2]}\``
    );
  return didYouMean(name, candidates);
}

export function describeValue(v: Value): string {
  switch (v.t) {
    case 'int':
    case 'float':
      return `${v.t === 'int' ? 'integer' : 'number'} ${formatNumber(v.v)}`;
    case 'bool':
      return `boolean ${v.v}`;
    case 'string':
      return `string ${JSON.stringify(v.v)}`;
    case 'size':
      return `size ${shapeText(v.dims)}`;
    case 'list':
      return `a list of ${v.items.length}`;
    case 'range':
      return `range ${v.low}..${v.high}`;
    case 'symbol':
      return `\`${v.name}\``;
    case 'call':
      return `${v.name}(...)`;
    case 'record':
      return `layer ${v.name}`;
  }
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

function checkedInt(n: number, span: A.Span): Value {
  if (!Number.isSafeInteger(n)) fail('integer-overflow', span, { value: formatNumber(n) });
  return { t: 'int', v: n };
}

/** Float arithmetic that overflows (`1e308 * 10.0`) is an error, not Infinity carried into the network. */
function checkedFloat(n: number, span: A.Span): Value {
  if (!Number.isFinite(n)) fail('non-finite-value', span, { value: String(n) });
  return { t: 'float', v: n };
}

/** Which operand of which operator a value is: `{ side: 'left side', operator: '+' }`. */
interface Operand {
  side: 'operand' | 'left side' | 'right side';
  operator: string;
}

/** A number out of an operator's operand, or a type-mismatch diagnostic. */
function numeric(v: Value, span: A.Span, operand: Operand): number {
  if (v.t === 'int' || v.t === 'float') return v.v;
  return fail('type-mismatch', span, { ...operand, expected: 'a number', actual: describeValue(v) });
}

function bool(v: Value, span: A.Span, operand: Operand): boolean {
  if (v.t === 'bool') return v.v;
  return fail('type-mismatch', span, { ...operand, expected: 'true or false', actual: describeValue(v) });
}

/**
 * Evaluates an expression. A bare name that the environment does not bind is a symbol when
 * `symbols` accepts it (the caller knows which words it expects), else an unknown-name error.
 */
export function evaluate(e: A.Expr, env: Env, symbols: (name: string) => boolean = () => false): Value {
  switch (e.kind) {
    case 'Integer':
      return checkedInt(e.value, e.span);
    case 'Float':
      return { t: 'float', v: e.value };
    case 'String':
      return { t: 'string', v: e.value };
    case 'Boolean':
      return { t: 'bool', v: e.value };
    case 'Paren':
      return evaluate(e.expression, env, symbols);
    case 'Name': {
      const bound = env.lookup(e.name);
      if (bound) return bound;
      if (symbols(e.name)) return { t: 'symbol', name: e.name };
      return fail('unknown-name', e.span, { name: e.name, hint: unknownNameHint(e.name, env.names()) });
    }
    case 'Size': {
      const dims = e.dims.map((d) => {
        const v = evaluate(d, env, symbols);
        if (v.t !== 'int') fail('non-integer-size', d.span, { actual: describeValue(v) });
        return v.v;
      });
      return { t: 'size', dims };
    }
    case 'List':
      return { t: 'list', items: e.items.map((i) => evaluate(i, env, symbols)) };
    case 'Range': {
      const low = evaluate(e.low, env, symbols);
      const high = evaluate(e.high, env, symbols);
      if (low.t !== 'int' || high.t !== 'int') {
        const bad = low.t !== 'int' ? low : high;
        fail('non-integer-range', e.span, { actual: describeValue(bad) });
      }
      return { t: 'range', low: low.v, high: high.v };
    }
    case 'Member': {
      const obj = evaluate(e.object, env, symbols);
      if (obj.t === 'size') {
        const index = { h: 0, w: 1, c: 2 }[e.property.name];
        if (index !== undefined && index < obj.dims.length) return { t: 'int', v: obj.dims[index]! };
      }
      if (obj.t === 'call' && e.property.name in obj.named) return obj.named[e.property.name]!;
      if (obj.t === 'record') {
        if (e.property.name in obj.fields) return obj.fields[e.property.name]!;
        return fail('unknown-name', e.property.span, {
          name: e.property.name,
          hint:
            didYouMean(e.property.name, Object.keys(obj.fields)) ||
            ` (a ${obj.name} has ${Object.keys(obj.fields).join(', ')})`,
        });
      }
      return fail('unknown-name', e.property.span, { name: e.property.name, hint: ` in ${describeValue(obj)}` });
    }
    case 'Call': {
      const positional: Value[] = [];
      const named: Record<string, Value> = {};
      for (const a of e.args) {
        if (a.kind === 'NamedArg') {
          if (a.name.name in named) fail('duplicate-argument', a.name.span, { name: a.name.name });
          named[a.name.name] = evaluate(a.value, env, symbols);
        } else positional.push(evaluate(a.value, env, symbols));
      }
      return { t: 'call', name: e.callee.name, positional, named };
    }
    case 'Unary': {
      const v = evaluate(e.operand, env, symbols);
      if (e.op === 'not') return { t: 'bool', v: !bool(v, e.operand.span, { side: 'operand', operator: 'not' }) };
      if (v.t === 'int') return checkedInt(-v.v, e.span);
      return { t: 'float', v: -numeric(v, e.operand.span, { side: 'operand', operator: '-' }) };
    }
    case 'Binary':
      return binary(e, env, symbols);
  }
}

function binary(e: A.BinaryExpr, env: Env, symbols: (name: string) => boolean): Value {
  if (e.op === 'and' || e.op === 'or') {
    const left = bool(evaluate(e.left, env, symbols), e.left.span, { side: 'left side', operator: e.op });
    if (e.op === 'and' && !left) return { t: 'bool', v: false };
    if (e.op === 'or' && left) return { t: 'bool', v: true };
    return {
      t: 'bool',
      v: bool(evaluate(e.right, env, symbols), e.right.span, { side: 'right side', operator: e.op }),
    };
  }
  const left = evaluate(e.left, env, symbols);
  const right = evaluate(e.right, env, symbols);
  if (e.op === 'in' && right.t === 'list') return { t: 'bool', v: right.items.some((i) => valuesEqual(left, i)) };
  if (e.op === 'in') {
    const x = numeric(left, e.left.span, { side: 'left side', operator: 'in' });
    if (right.t === 'range') return { t: 'bool', v: x >= right.low && x <= right.high };
    return fail('type-mismatch', e.right.span, {
      side: 'right side',
      operator: 'in',
      expected: 'a range or a list',
      actual: describeValue(right),
    });
  }
  if (e.op === '==' || e.op === '!=') {
    const same = valuesEqual(left, right);
    return { t: 'bool', v: e.op === '==' ? same : !same };
  }
  const a = numeric(left, e.left.span, { side: 'left side', operator: e.op });
  const b = numeric(right, e.right.span, { side: 'right side', operator: e.op });
  const ints = left.t === 'int' && right.t === 'int';
  switch (e.op) {
    case '<':
      return { t: 'bool', v: a < b };
    case '<=':
      return { t: 'bool', v: a <= b };
    case '>':
      return { t: 'bool', v: a > b };
    case '>=':
      return { t: 'bool', v: a >= b };
    case '+':
      return ints ? checkedInt(a + b, e.span) : checkedFloat(a + b, e.span);
    case '-':
      return ints ? checkedInt(a - b, e.span) : checkedFloat(a - b, e.span);
    case '*':
      return ints ? checkedInt(a * b, e.span) : checkedFloat(a * b, e.span);
    case '/':
    case '%':
      if (b === 0) fail('division-by-zero', e.right.span);
      if (e.op === '%') return ints ? { t: 'int', v: a - Math.floor(a / b) * b } : checkedFloat(a % b, e.span);
      // Integer division floors (spec/language.md); a float on either side gives a float.
      return ints ? { t: 'int', v: Math.floor(a / b) } : checkedFloat(a / b, e.span);
  }
}

export function valuesEqual(a: Value, b: Value): boolean {
  if ((a.t === 'int' || a.t === 'float') && (b.t === 'int' || b.t === 'float')) return a.v === b.v;
  // A bare word and a string with the same text are equal: `padding == valid`, `block == "Figure6"`.
  const word = (v: Value) => (v.t === 'symbol' ? v.name : v.t === 'string' ? v.v : undefined);
  if (word(a) !== undefined && word(a) === word(b)) return true;
  if (a.t !== b.t) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value given from JavaScript: a Value, or a plain number (integer or float), boolean, string or size array. */
export type ValueLike = Value | number | boolean | string | number[];

export function toValue(x: ValueLike): Value {
  if (typeof x === 'number') return Number.isInteger(x) ? { t: 'int', v: x } : { t: 'float', v: x };
  if (typeof x === 'boolean') return { t: 'bool', v: x };
  if (typeof x === 'string') return { t: 'string', v: x };
  if (Array.isArray(x)) return { t: 'size', dims: x };
  return x;
}

/** Values as plain JSON (sizes as arrays, symbols as strings), for the IR and `summary --json`. */
export function toPlain(v: Value): unknown {
  switch (v.t) {
    case 'size':
      return v.dims;
    case 'list':
      return v.items.map(toPlain);
    case 'range':
      return [v.low, v.high];
    case 'symbol':
      return v.name;
    case 'call':
      return {
        name: v.name,
        args: v.positional.map(toPlain),
        ...Object.fromEntries(Object.entries(v.named).map(([k, x]) => [k, toPlain(x)])),
      };
    case 'record':
      return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, toPlain(x)]));
    default:
      return v.v;
  }
}
