/**
 * Element-wise functions: evaluating a `ScalarFn` on one position's values.
 *
 * RASP's lambdas are Python, so the arithmetic here is Python's, as the tech-srl/RASP interpreter
 * runs it:
 *   - `/` is true division; `%` is Python's modulo (the result takes the divisor's sign); `^` is power.
 *   - Booleans are 0 and 1 in arithmetic and comparisons (True + True == 2, True == 1).
 *   - `round` rounds half to even (round(2.5) == 2, round(-0.5) == 0); `indicator(b)` is 1 if b else 0.
 *   - `==` / `!=` compare any two values (a number never equals a string); `<` and friends between a
 *     number and a string raise, as Python 3 does.
 *   - `and` / `or` give booleans, as RASP's do between s-ops (Sugar.py's tpland / tplor; between two
 *     constants the elaborator applies Python's, which give an operand); `a if t else b` evaluates only
 *     the branch it takes, so a guarded division (`1 / x if x != 0 else 0`) never divides by zero.
 *   - `+` joins two strings and `*` repeats a string, as in Python; other arithmetic on strings raises.
 *   - Division or modulo by zero, `0 ^ negative`, a fractional power of a negative number (complex in
 *     Python) and overflow to infinity raise a RaspError naming the operation.
 * Undefined (null) never reaches this module: a map whose input is undefined at a position is
 * undefined there (the evaluator checks before calling).
 *
 * Results are canonical numbers: integers stay exact, other numbers are rounded to 12 significant
 * digits. The evaluator and value-set inference both go through `applyScalarFn`, so a value the
 * evaluator produces is bit-for-bit one that value-set inference lists (0.1 + 0.2 and 0.3 are one
 * value, one output class).
 */
import type { BinaryFn, Comparison, ScalarExpr, ScalarFn, UnaryFn } from './ast.ts';
import { RaspError } from './errors.ts';
import { formatFloat, formatValue, isFloat, isNumeric, valuesEqual, type Value } from './values.ts';

const COMPARISON_SET: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Below this magnitude a number is 0: what is left when sums that cancel (0.3 - 0.1 - 0.1 - 0.1)
 * are added in different orders, whose sign and size depend on the order. Without it the
 * evaluator (position order) and value-set inference (any order) could list different numbers.
 */
export const ZERO_BELOW = 1e-12;

/** Integers unchanged (exact up to 2^53); numbers below 1e-12 in size as 0; others rounded to 12 significant digits; -0 as 0. */
export function canonicalNumber(x: number): number {
  if (Number.isInteger(x)) return x === 0 ? 0 : x;
  if (Math.abs(x) < ZERO_BELOW) return 0;
  return Number(x.toPrecision(12));
}

/** A value with its number (if any) made canonical. */
export function canonicalValue(v: Value): Value {
  return typeof v === 'number' ? canonicalNumber(v) : v;
}

/**
 * Python's int/float distinction for one application (see `isFloat` in values.ts): `args[i]` says
 * whether argument i is a float; after a call, `out` says whether the result is. Only the evaluator
 * passes one: value-set inference and the compiler read whole floats as the integers they equal.
 */
export interface FloatTrack {
  args: readonly boolean[];
  out: boolean;
}

/** Applies a map's function to one position's values. Throws RaspError for what Python would raise. */
export function applyScalarFn(fn: ScalarFn, args: readonly Value[], floats?: FloatTrack): Value {
  if (fn.kind === 'native') {
    const v = canonicalValue(checkResult(callNative(fn, args), fn.text));
    if (floats) floats.out = isFloat(v, false);
    return v;
  }
  return canonicalValue(checkResult(evalExpr(fn.body, args, floats), undefined));
}

/**
 * Visits each combination of argument values, one from each domain in order (the one empty
 * combination when there are none), with the function's value there; a combination the evaluator
 * refuses is skipped, since no position holds it. `visit` may return false to stop; the result says
 * whether every combination was visited. `args` is reused between calls: read it, do not keep it.
 */
export function everyApplication(fn: ScalarFn, domains: readonly (readonly Value[])[], visit: (args: readonly Value[], out: Value) => boolean | void): boolean {
  const args: Value[] = new Array(domains.length);
  const walk = (d: number): boolean => {
    if (d === domains.length) {
      let out: Value;
      try {
        out = applyScalarFn(fn, args);
      } catch (e) {
        if (e instanceof RaspError) return true;
        throw e;
      }
      return visit(args, out) !== false;
    }
    for (const v of domains[d]) {
      args[d] = v;
      if (!walk(d + 1)) return false;
    }
    return true;
  };
  return walk(0);
}

function callNative(fn: Extract<ScalarFn, { kind: 'native' }>, args: readonly Value[]): unknown {
  try {
    return fn.fn(...args);
  } catch (e) {
    if (e instanceof RaspError) throw e;
    throw new RaspError(`function ${shortText(fn.text)} raised: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function checkResult(v: unknown, text: string | undefined): Value {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new RaspError(`${text ? `function ${shortText(text)}` : 'expression'} gave a value that is not a number`);
    if (!Number.isFinite(v)) throw new RaspError(`numeric overflow${text ? ` in function ${shortText(text)}` : ''}`);
    return v;
  }
  throw new RaspError(
    `function ${shortText(text ?? '?')} returned ${v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v))}, not a number, string or boolean`,
  );
}

function shortText(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/** Python truthiness: 0, 0.0, '' and False are false. */
export function truthy(v: Value): boolean {
  return typeof v === 'string' ? v.length > 0 : typeof v === 'number' ? v !== 0 : v;
}

function show(v: Value): string {
  return typeof v === 'string' ? `'${v}'` : formatValue(v);
}

/** Evaluates an expression tree; `args[i]` is parameter i. With `floats`, also whether the result is a Python float. */
export function evalExpr(e: ScalarExpr, args: readonly Value[], floats?: FloatTrack): Value {
  switch (e.op) {
    case 'param': {
      if (e.index < 0 || e.index >= args.length) throw new RaspError(`expression reads parameter ${e.index} of a function with ${args.length}`);
      if (floats) floats.out = isFloat(args[e.index], floats.args[e.index]);
      return args[e.index];
    }
    case 'const':
      if (floats) floats.out = isFloat(e.value, e.float);
      return e.value;
    case 'unary': {
      const v = applyUnary(e.fn, evalExpr(e.arg, args, floats));
      // -x and abs(x) keep x's type; round, indicator and not give ints and booleans.
      if (floats) floats.out &&= e.fn === 'neg' || e.fn === 'abs';
      return v;
    }
    case 'binary': {
      const l = evalExpr(e.left, args, floats);
      const lf = floats?.out ?? false;
      const r = evalExpr(e.right, args, floats);
      const rf = floats?.out ?? false;
      if (e.fn === '*' && ((typeof l === 'string' && rf) || (typeof r === 'string' && lf)))
        throw new RaspError(
          `can't multiply a string by the float ${formatFloat(Number(typeof l === 'string' ? r : l))}: a string repeats an integer number of times`,
        );
      const v = applyBinary(e.fn, l, r);
      if (floats) floats.out = typeof v === 'number' && (isFloat(v, false) || floatArithmetic(e.fn, lf, rf, r));
      return v;
    }
    case 'cond': {
      // As the interpreter: between s-ops both branches are computed at every position, so a branch
      // that fails fails the position even where it is not taken; a constant test takes one.
      const test = truthy(evalExpr(e.test, args, floats));
      if (e.test.op === 'const') return test ? evalExpr(e.then, args, floats) : evalExpr(e.else, args, floats);
      const then = evalExpr(e.then, args, floats);
      const thenFloat = floats?.out ?? false;
      const otherwise = evalExpr(e.else, args, floats);
      if (floats && test) floats.out = thenFloat;
      return test ? then : otherwise;
    }
    case 'in': {
      const item = evalExpr(e.item, args, floats);
      if (floats) floats.out = false;
      return e.list.some((x) => valuesEqual(x, item));
    }
    case 'index': {
      const i = evalExpr(e.index, args, floats);
      if (floats?.out && typeof i === 'number') throw new RaspError(`list index must be an integer, got the float ${formatFloat(i)}`);
      const k = listPosition(e.list, i);
      if (floats) floats.out = isFloat(e.list[k], e.floats?.[k]);
      return e.list[k];
    }
    case 'lookup': {
      const k = evalExpr(e.key, args, floats);
      const j = e.keys.findIndex((x) => valuesEqual(x, k));
      if (j < 0) throw new RaspError(`key ${show(k)} is not in the dictionary`);
      if (floats) floats.out = isFloat(e.values[j], e.floats?.[j]);
      return e.values[j];
    }
  }
}

/**
 * Whether Python's `l OP r` on numbers gives a float when l and r are whole (`lf`, `rf`: they are
 * floats): `/` always; `^` with a negative integer exponent; `+ - * %` when either operand is one.
 */
function floatArithmetic(fn: BinaryFn, lf: boolean, rf: boolean, r: Value): boolean {
  switch (fn) {
    case '/':
      return true;
    case '^':
      return lf || rf || Number(r) < 0;
    case '+':
    case '-':
    case '*':
    case '%':
      return lf || rf;
    default:
      return false;
  }
}

/** Where Python's `list[i]` reads: integers (booleans as 0/1), negative from the end; anything else raises. */
function listPosition(list: readonly Value[], i: Value): number {
  if (!isNumeric(i) || !Number.isInteger(Number(i))) throw new RaspError(`list index must be an integer, got ${show(i)}`);
  const n = Number(i);
  const k = n < 0 ? n + list.length : n;
  if (k < 0 || k >= list.length) throw new RaspError(`list index ${n} out of range for [${list.map(show).join(', ')}] (length ${list.length})`);
  return k;
}

/** Python's round(x): to the nearest integer, halves to even. */
export function pythonRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f; // exact for doubles of this size
  let r: number;
  if (diff > 0.5) r = f + 1;
  else if (diff < 0.5) r = f;
  else r = f % 2 === 0 ? f : f + 1;
  return r === 0 ? 0 : r;
}

/** Python's `a % b` for numbers: the result has the divisor's sign. */
export function pythonMod(a: number, b: number): number {
  if (b === 0) throw new RaspError(`modulo by zero: ${formatValue(a)} % 0`);
  let m = a % b;
  if (m !== 0 && m < 0 !== b < 0) m += b;
  return m === 0 ? 0 : m;
}

function num(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new RaspError(`${what} needs a number, got ${show(v)}`);
}

/** Operand `v` of `a op b` as a number; the message is written only when it is not one. */
function operand(v: Value, a: Value, op: string, b: Value): number {
  if (typeof v === 'number') return v;
  return num(v, `${show(a)} ${op} ${show(b)}`);
}

export function applyUnary(fn: UnaryFn, v: Value): Value {
  switch (fn) {
    case 'neg':
      return -num(v, 'negation');
    case 'not':
      return !truthy(v);
    case 'round':
      return pythonRound(num(v, 'round'));
    case 'indicator':
      return truthy(v) ? 1 : 0;
    case 'abs':
      return Math.abs(num(v, 'abs'));
  }
}

export function applyBinary(fn: BinaryFn, a: Value, b: Value): Value {
  if (COMPARISON_SET.has(fn)) return compareOp(fn as Comparison, a, b);
  switch (fn) {
    // Between s-ops RASP's and/or give booleans (Sugar.py: bool(a) + bool(b) == 2, >= 1), not an operand.
    case 'and':
      return truthy(a) && truthy(b);
    case 'or':
      return truthy(a) || truthy(b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      return operand(a, a, '+', b) + operand(b, a, '+', b);
    case '-':
      return operand(a, a, '-', b) - operand(b, a, '-', b);
    case '*':
      if (typeof a === 'string' && isNumeric(b)) return repeat(a, b);
      if (typeof b === 'string' && isNumeric(a)) return repeat(b, a);
      return operand(a, a, '*', b) * operand(b, a, '*', b);
    case '/': {
      const x = operand(a, a, '/', b);
      const y = operand(b, a, '/', b);
      if (y === 0) throw new RaspError(`division by zero: ${show(a)} / ${show(b)}`);
      return x / y;
    }
    case '%':
      return pythonMod(operand(a, a, '%', b), operand(b, a, '%', b));
    case '^': {
      const x = operand(a, a, '^', b);
      const y = operand(b, a, '^', b);
      if (x === 0 && y < 0) throw new RaspError(`zero to a negative power: ${show(a)} ^ ${show(b)}`);
      if (x < 0 && !Number.isInteger(y)) throw new RaspError(`fractional power of a negative number: ${show(a)} ^ ${show(b)}`);
      const r = Math.pow(x, y);
      if (!Number.isFinite(r)) throw new RaspError(`numeric overflow: ${show(a)} ^ ${show(b)}`);
      return r;
    }
  }
  throw new RaspError(`unknown operation ${fn}`);
}

function repeat(s: string, times: number | boolean): string {
  const n = Number(times);
  if (!Number.isInteger(n)) throw new RaspError(`can't repeat ${show(s)} a non-integer ${formatValue(n)} times`);
  return n <= 0 ? '' : s.repeat(n);
}

/**
 * `a OP b` for two values, Python style. Used by maps and by selectors (key OP query). Numbers and
 * booleans compare numerically, strings by text; == / != across kinds are false / true; ordering a
 * number against a string raises.
 */
export function compareOp(op: Comparison, a: Value, b: Value): boolean {
  if (op === '==') return valuesEqual(a, b);
  if (op === '!=') return !valuesEqual(a, b);
  let x: number | string;
  let y: number | string;
  if (isNumeric(a) && isNumeric(b)) {
    x = Number(a);
    y = Number(b);
  } else if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else {
    throw new RaspError(`cannot compare ${show(a)} ${op} ${show(b)}: a number and a string have no order`);
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/**
 * Whether an expression always yields a boolean, judged from its syntax: a comparison, `not`, `in`,
 * a boolean constant, `and`/`or` of such, or a conditional whose branches are such. Native functions
 * are opaque: false.
 */
export function isBooleanValued(fn: ScalarFn): boolean {
  return fn.kind === 'expr' && isBooleanExpr(fn.body);
}

export function isBooleanExpr(e: ScalarExpr): boolean {
  switch (e.op) {
    case 'const':
      return typeof e.value === 'boolean';
    case 'in':
      return true;
    case 'unary':
      return e.fn === 'not';
    case 'binary':
      if (COMPARISON_SET.has(e.fn)) return true;
      if (e.fn === 'and' || e.fn === 'or') return true;
      return false;
    case 'cond':
      return isBooleanExpr(e.then) && isBooleanExpr(e.else);
    default:
      return false;
  }
}

/** Boolean-valued, or `indicator(...)` at the top: a function whose values are 0/1 (or False/True). */
export function isIndicatorExpr(fn: ScalarFn): boolean {
  if (fn.kind !== 'expr') return false;
  return isBooleanExpr(fn.body) || (fn.body.op === 'unary' && fn.body.fn === 'indicator');
}
