import { describe, expect, it } from 'vitest';
import { aggregate, categorical, constant, expr, indices, length, map, numerical, select, tokens, zipmap } from '../../src/rasp/builder.ts';
import { encodingOf } from '../../src/rasp/encoding.ts';
import { evaluate } from '../../src/rasp/evaluate.ts';

const bin = expr.binary;

describe('builder API', () => {
  it('named() returns a renamed copy and leaves the original as it was', () => {
    const m = map(bin('+', expr.param(0), expr.const(1)), indices);
    const n = m.named('plus_one');
    expect(n).not.toBe(m);
    expect(n.id).not.toBe(m.id);
    expect(n.name).toBe('plus_one');
    expect(m.name).toBeUndefined();
    expect(n.kind).toBe('map');
    expect(evaluate(n, ['a', 'b'])).toEqual(evaluate(m, ['a', 'b']));
    expect(n.named('again').name).toBe('again');
    expect(n.name).toBe('plus_one');
  });

  it('numerical() / categorical() annotate a copy, which encoding inference honours', () => {
    const all = select(indices, indices, 'TRUE');
    const agg = aggregate(all, tokens);
    const num = numerical(agg);
    expect(num.encoding).toBe('numerical');
    expect(agg.encoding).toBeUndefined();
    expect(num.id).not.toBe(agg.id);
    expect(encodingOf(agg)).toBe('categorical');
    expect(encodingOf(num)).toBe('numerical');
    // numbers average whatever the encoding (as in RASP); the annotation changes only how booleans do
    expect(evaluate(agg, [1, 3])).toEqual([2, 2]);
    expect(evaluate(num, [1, 3])).toEqual([2, 2]);
    expect(() => evaluate(agg, [true, false])).toThrow(/selects several values/);
    expect(evaluate(num, [true, false])).toEqual([0.5, 0.5]);
    const cat = categorical(map(bin('==', expr.param(0), expr.const(1)), tokens));
    expect(cat.encoding).toBe('categorical');
    expect(encodingOf(aggregate(select(indices, indices, '=='), cat))).toBe('categorical');
  });

  it('turns plain values into constant s-ops and builds the primitives once', () => {
    const s = zipmap(bin('*', expr.param(0), expr.param(1)), indices, 10);
    expect(evaluate(s, [0, 0, 0])).toEqual([0, 10, 20]);
    expect(evaluate(constant(true), [0])).toEqual([true]);
    expect(tokens.name).toBe('tokens');
    expect(length.kind).toBe('length');
  });

  it('a native map function is called with the position values', () => {
    const s = zipmap((a, b) => `${a}${b}`, tokens, indices);
    expect(evaluate(s, ['x', 'y'])).toEqual(['x0', 'y1']);
  });
});
