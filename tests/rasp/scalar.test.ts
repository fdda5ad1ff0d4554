import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { ScalarExpr, ScalarFn } from '../../src/rasp/ast.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { applyScalarFn, canonicalNumber, compareOp, isBooleanValued, isIndicatorExpr, pythonMod, pythonRound } from '../../src/rasp/scalar.ts';
import type { Value } from '../../src/rasp/values.ts';
import { x, y, k, bin, un } from '../support/exprShorthand.ts';

const fn = (body: ScalarExpr, arity = 1): ScalarFn => ({ kind: 'expr', arity, body });
const run = (body: ScalarExpr, ...args: Value[]) => applyScalarFn(fn(body, Math.max(1, args.length)), args);

describe('Python arithmetic', () => {
  it('rounds half to even, like Python 3', () => {
    const cases: [number, number][] = [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [3.5, 4],
      [-0.5, 0],
      [-1.5, -2],
      [-2.5, -2],
      [2.4999, 2],
      [2.6, 3],
      [-2.6, -3],
      [7, 7],
    ];
    for (const [v, want] of cases) {
      expect(pythonRound(v), `round(${v})`).toBe(want);
      expect(run(un('round', x), v)).toBe(want);
    }
    expect(Object.is(pythonRound(-0.4), 0)).toBe(true);
  });

  it('takes the sign of the divisor in %', () => {
    expect(pythonMod(-7, 3)).toBe(2);
    expect(pythonMod(7, -3)).toBe(-2);
    expect(pythonMod(-7, -3)).toBe(-1);
    expect(pythonMod(7, 3)).toBe(1);
    expect(pythonMod(-5.5, 2)).toBe(0.5);
    expect(pythonMod(5.5, -2)).toBe(-0.5);
    expect(run(bin('%', x, k(3)), -1)).toBe(2);
  });

  test.prop([fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -50, max: 50 }).filter((b) => b !== 0)])(
    'integer % agrees with a - b * floor(a / b)',
    (a, b) => {
      expect(pythonMod(a, b)).toBe(a - b * Math.floor(a / b));
    },
  );

  test.prop([fc.double({ min: -1e6, max: 1e6, noNaN: true })])('round is within 1/2 and breaks ties to even', (v) => {
    const r = pythonRound(v);
    expect(Number.isInteger(r)).toBe(true);
    expect(Math.abs(r - v)).toBeLessThanOrEqual(0.5);
    if (Math.abs(r - v) === 0.5) expect(r % 2).toBe(0);
  });

  it('uses true division and power', () => {
    expect(run(bin('/', x, k(2)), 7)).toBe(3.5);
    expect(run(bin('^', x, k(3)), 2)).toBe(8);
    expect(run(bin('^', x, k(-1)), 4)).toBe(0.25);
    expect(run(bin('^', x, k(0)), 0)).toBe(1);
  });

  it('treats booleans as 0 and 1 in arithmetic', () => {
    expect(run(bin('+', x, y), true, true)).toBe(2);
    expect(run(bin('*', x, k(5)), false)).toBe(0);
    expect(run(un('neg', x), true)).toBe(-1);
    expect(run(bin('==', x, k(1)), true)).toBe(true);
  });

  it('joins and repeats strings as Python does, and refuses other string arithmetic', () => {
    expect(run(bin('+', x, y), 'ab', 'c')).toBe('abc');
    expect(run(bin('*', x, k(3)), 'ab')).toBe('ababab');
    expect(() => run(bin('+', x, k(1)), 'a')).toThrow(RaspError);
    expect(() => run(bin('-', x, y), 'a', 'b')).toThrow(/needs a number/);
  });

  it('names the operation on division or modulo by zero', () => {
    expect(() => run(bin('/', x, k(0)), 3)).toThrow(/division by zero: 3 \/ 0/);
    expect(() => run(bin('%', x, k(0)), 3)).toThrow(/modulo by zero/);
    expect(() => run(bin('^', x, k(-1)), 0)).toThrow(/zero to a negative power/);
    expect(() => run(bin('^', x, k(0.5)), -4)).toThrow(/fractional power/);
  });

  it('makes results canonical so 0.1 + 0.2 is 0.3', () => {
    expect(run(bin('+', x, k(0.2)), 0.1)).toBe(0.3);
    expect(run(bin('/', x, k(3)), 2)).toBe(canonicalNumber(2 / 3));
    expect(canonicalNumber(1 / 3 + 1 / 3)).toBe(canonicalNumber(2 / 3));
    expect(canonicalNumber(2 ** 52 + 1)).toBe(2 ** 52 + 1);
    // What cancellation leaves depends on the order of the sum: it is 0 either way.
    expect(0.3 - 0.1 - 0.1 - 0.1).not.toBe(0);
    expect(canonicalNumber(0.3 - 0.1 - 0.1 - 0.1)).toBe(0);
    expect(canonicalNumber(-0.1 - 0.1 + 0.3 - 0.1)).toBe(0);
    expect(Object.is(run(un('neg', x), 0), 0)).toBe(true);
  });
});

describe('comparisons', () => {
  it('compares numbers with numbers and strings with strings', () => {
    expect(compareOp('<', 1, 2)).toBe(true);
    expect(compareOp('>=', 2, 2)).toBe(true);
    expect(compareOp('<', 'a', 'b')).toBe(true);
    expect(compareOp('>', 'a', 'b')).toBe(false);
    expect(compareOp('<', false, 1)).toBe(true);
  });
  it('lets == and != compare across kinds but refuses to order a number against a string', () => {
    expect(compareOp('==', 1, '1')).toBe(false);
    expect(compareOp('!=', 1, '1')).toBe(true);
    expect(compareOp('==', true, 1)).toBe(true);
    expect(() => compareOp('<', 1, 'a')).toThrow(/cannot compare 1 < 'a'/);
    expect(() => run(bin('<=', x, k('a')), 3)).toThrow(RaspError);
  });
});

describe('logic, conditionals, lists', () => {
  it('and/or between s-ops give booleans and read both operands, as RASP (Sugar.py) does', () => {
    const guarded = bin('and', bin('!=', x, k(0)), bin('>', bin('/', k(1), x), k(0.4)));
    expect(() => run(guarded, 0)).toThrow(/division by zero/); // RASP computes both sequences
    expect(run(guarded, 2)).toBe(true);
    expect(run(bin('or', x, k('z')), '')).toBe(true);
    expect(run(bin('and', x, k('z')), 0)).toBe(false);
    expect(run(bin('and', x, k(2)), 3)).toBe(true);
  });
  it('computes both branches of a conditional, as RASP does (interpreter: `0 if indices == 0 else 1/indices` is "division by zero")', () => {
    const e: ScalarExpr = { op: 'cond', test: bin('==', x, k(0)), then: k(0), else: bin('/', k(1), x) };
    expect(() => run(e, 0)).toThrow(/division by zero/);
    expect(run(e, 4)).toBe(0.25);
    // A constant test takes one branch (the interpreter's _evaluateTernaryExpr).
    expect(run({ op: 'cond', test: k(true), then: k(0), else: bin('/', k(1), x) }, 0)).toBe(0);
  });
  it('not and indicator use Python truthiness', () => {
    expect(run(un('not', x), 0)).toBe(true);
    expect(run(un('not', x), 'a')).toBe(false);
    expect(run(un('indicator', x), true)).toBe(1);
    expect(run(un('indicator', x), '')).toBe(0);
    expect(run(un('abs', x), -3)).toBe(3);
  });
  it('tests membership with Python equality', () => {
    const e: ScalarExpr = { op: 'in', item: x, list: ['a', 1] };
    expect(run(e, 'a')).toBe(true);
    expect(run(e, true)).toBe(true);
    expect(run(e, 'b')).toBe(false);
  });
  it('indexes constant lists, negative from the end, and names an index out of range', () => {
    const e: ScalarExpr = { op: 'index', list: ['p', 'q', 'r'], index: x };
    expect(run(e, 0)).toBe('p');
    expect(run(e, -1)).toBe('r');
    expect(run(e, true)).toBe('q');
    expect(() => run(e, 3)).toThrow(/index 3 out of range/);
    expect(() => run(e, 1.5)).toThrow(/must be an integer/);
  });
});

describe('native functions', () => {
  const native = (f: (...a: Value[]) => unknown, text = 'f'): ScalarFn => ({
    kind: 'native',
    arity: 1,
    fn: f as (...a: Value[]) => Value,
    text,
  });
  it('wraps what a native function throws or returns wrongly as a RaspError', () => {
    expect(
      applyScalarFn(
        native((a) => (a as number) * 2),
        [4],
      ),
    ).toBe(8);
    expect(() =>
      applyScalarFn(
        native(() => {
          throw new Error('boom');
        }),
        [1],
      ),
    ).toThrow(/raised: boom/);
    expect(() =>
      applyScalarFn(
        native(() => undefined),
        [1],
      ),
    ).toThrow(RaspError);
    expect(() =>
      applyScalarFn(
        native(() => Number.NaN),
        [1],
      ),
    ).toThrow(/not a number/);
  });
});

describe('isBooleanValued / isIndicatorExpr', () => {
  it('judges the expression by its top operation', () => {
    expect(isBooleanValued(fn(bin('==', x, k(1))))).toBe(true);
    expect(isBooleanValued(fn(un('not', x)))).toBe(true);
    expect(isBooleanValued(fn(bin('and', bin('<', x, k(1)), bin('>', x, k(0)))))).toBe(true);
    expect(isBooleanValued(fn(bin('and', x, bin('>', x, k(0)))))).toBe(true);
    expect(isBooleanValued(fn({ op: 'in', item: x, list: [1] }))).toBe(true);
    expect(isBooleanValued(fn({ op: 'cond', test: x, then: k(true), else: bin('<', x, k(2)) }))).toBe(true);
    expect(isBooleanValued(fn({ op: 'cond', test: x, then: k(1), else: bin('<', x, k(2)) }))).toBe(false);
    expect(isBooleanValued(fn(bin('+', x, k(1))))).toBe(false);
    expect(isBooleanValued({ kind: 'native', arity: 1, fn: (v) => v === 1, text: 'v => v === 1' })).toBe(false);
    expect(isIndicatorExpr(fn(un('indicator', bin('+', x, k(1)))))).toBe(true);
    expect(isIndicatorExpr(fn(bin('<', x, k(1))))).toBe(true);
    expect(isIndicatorExpr(fn(un('round', x)))).toBe(false);
  });
});
