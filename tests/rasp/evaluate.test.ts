import { describe, expect, it } from 'vitest';
import type { ScalarExpr, SOp } from '../../src/rasp/ast.ts';
import { aggregate, and, constant, indices, length, map, not, numerical, or, select, selectorWidth, tokens, zipmap } from '../../src/rasp/builder.ts';
import { RaspError } from '../../src/rasp/errors.ts';
import { evaluate, evaluateProgram, evaluateSelector, Evaluator } from '../../src/rasp/evaluate.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { x, y, k, bin, un } from '../support/exprShorthand.ts';

const chars = (s: string): Value[] => s.split(' ');
const loc = { file: 'prog.rasp', line: 4, col: 9 };

describe('primitives', () => {
  it('tokens, indices, length, constants', () => {
    const input = chars('a b c');
    expect(evaluate(tokens, input)).toEqual(['a', 'b', 'c']);
    expect(evaluate(indices, input)).toEqual([0, 1, 2]);
    expect(evaluate(length, input)).toEqual([3, 3, 3]);
    expect(evaluate(constant('z'), input)).toEqual(['z', 'z', 'z']);
    expect(evaluate(length, [])).toEqual([]);
  });

  it('map and zipmap apply the function at each position', () => {
    const input = [3, 1, 4];
    expect(evaluate(map(bin('*', x, k(2)), tokens), input)).toEqual([6, 2, 8]);
    expect(evaluate(zipmap(bin('-', x, y), tokens, indices), input)).toEqual([3, 0, 2]);
    expect(
      evaluate(
        map((v) => `${v}!`, tokens),
        input,
      ),
    ).toEqual(['3!', '1!', '4!']);
  });
});

describe('selectors', () => {
  it('select(keys, queries, pred) puts pred(key, query) at [query][key]', () => {
    // query q selects key k iff indices[k] < indices[q]: strictly earlier positions.
    expect(evaluateSelector(select(indices, indices, '<'), [0, 0, 0])).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, false],
    ]);
    // keys 'a b', queries length-2 constant: key value compared to the query value.
    expect(evaluateSelector(select(tokens, constant('b'), '=='), chars('a b'))).toEqual([
      [false, true],
      [false, true],
    ]);
  });

  it('TRUE and FALSE select everything and nothing', () => {
    expect(evaluateSelector(select(tokens, tokens, 'TRUE'), [1, 2])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(evaluateSelector(select(tokens, tokens, 'FALSE'), [1, 2])).toEqual([
      [false, false],
      [false, false],
    ]);
  });

  it('and / or / not act element-wise', () => {
    const lt = select(indices, indices, '<');
    const eq = select(indices, indices, '==');
    const input = [0, 0, 0];
    const le = evaluateSelector(or(lt, eq), input);
    expect(le).toEqual(evaluateSelector(select(indices, indices, '<='), input));
    expect(evaluateSelector(and(lt, eq), input).flat().some(Boolean)).toBe(false);
    expect(evaluateSelector(not(lt), input)).toEqual(evaluateSelector(select(indices, indices, '>='), input));
  });

  it('ordering a string key against a number query is a RaspError with the location', () => {
    const s = select(tokens, indices, '<').at(loc);
    expect(() => evaluateSelector(s, ['a'])).toThrow(/^prog\.rasp:4:9: cannot compare 'a' < 0/);
  });
});

describe('hand-worked programs', () => {
  it('reverse: length - indices - 1, select(indices, opp, ==), aggregate tokens', () => {
    const opp = zipmap(bin('-', bin('-', x, y), k(1)), length, indices).named('opp_index');
    const flip = select(indices, opp, '==').named('flip');
    const reverse = aggregate(flip, tokens).named('reverse');
    const input = chars('a b c d');
    expect(evaluate(opp, input)).toEqual([3, 2, 1, 0]);
    expect(evaluate(reverse, input)).toEqual(chars('d c b a'));
    const p: Program = { name: 'reverse', output: reverse, named: new Map() };
    expect(evaluateProgram(p, chars('x y z'))).toEqual(chars('z y x'));
  });

  it('hist: selector_width(select(tokens, tokens, ==))', () => {
    const hist = selectorWidth(select(tokens, tokens, '=='));
    expect(evaluate(hist, chars('a b a c a'))).toEqual([3, 1, 3, 1, 3]);
  });

  it('sort (unique keys): selector_width of smaller keys is the target position', () => {
    const smaller = select(tokens, tokens, '<');
    const target = selectorWidth(smaller);
    const sorted = aggregate(select(target, indices, '=='), tokens);
    const input = [3, 1, 4, 2];
    expect(evaluate(target, input)).toEqual([2, 0, 3, 1]);
    expect(evaluate(sorted, input)).toEqual([1, 2, 3, 4]);
  });

  it('frac_prevs: the fraction of positions up to here holding "a"', () => {
    const prevs = select(indices, indices, '<=');
    const frac = numerical(aggregate(prevs, map(un('indicator', bin('==', x, k('a'))), tokens)));
    expect(evaluate(frac, chars('a b a a'))).toEqual([1, 1 / 2, Number((2 / 3).toPrecision(12)), 3 / 4]);
    // Unannotated: an aggregate of an indicator is a mean all the same (RASP library style).
    const plain = aggregate(prevs, map(un('indicator', bin('==', x, k('a'))), tokens));
    expect(evaluate(plain, chars('b a'))).toEqual([0, 0.5]);
  });

  it("selector_width from RASP's library: aggregate of indicator(indices == 0) with a BOS-like key 0", () => {
    // Position 0 plays BOS: the selector of interest never selects it, every query also selects it,
    // so each query reads 1 / (width + 1) from indicator(indices == 0).
    const sel = and(select(tokens, tokens, '=='), select(indices, 0, '>'));
    const withBos = or(sel, select(indices, 0, '=='));
    const frac = aggregate(withBos, map(un('indicator', bin('==', x, k(0))), indices));
    const width = map(un('round', bin('-', bin('/', k(1), x), k(1))), frac);
    const input = chars('BOS a b a a c');
    // Query 0 (the BOS stand-in) selects no key but itself: width 0, fraction 1.
    expect(evaluate(frac, input)).toEqual([1, 1 / 4, 1 / 2, 1 / 4, 1 / 4, 1 / 2]);
    expect(evaluate(width, input)).toEqual(evaluate(selectorWidth(sel), input));
    expect(evaluate(width, input)).toEqual([0, 3, 1, 3, 3, 1]);
  });
});

describe('an aggregate of several keys that are not numbers', () => {
  const all = select(indices, indices, 'TRUE');
  it('is an error even where they agree (RASP averages only numbers)', () => {
    // aggregate(select(tokens, tokens, ==), tokens) on "aab": "asked to average multiple values, but they are non-numbers"
    expect(() => evaluate(aggregate(select(tokens, tokens, '=='), tokens), chars('a a b'))).toThrow(
      /query position 0 selects several values a \(key 0\), a \(key 1\)/,
    );
  });
  it('names the expression, the query position and the values', () => {
    const agg = aggregate(all, tokens).named('mixed');
    let err: unknown;
    try {
      evaluate(agg, chars('a b'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RaspError);
    const msg = (err as RaspError).message;
    expect(msg).toMatch(/'mixed'/);
    expect(msg).toMatch(/query position 0/);
    expect(msg).toMatch(/a \(key 0\), b \(key 1\)/);
    expect(msg).toMatch(/one value per query/);
  });
  it('without a name, describes the aggregate and carries its location', () => {
    const agg = aggregate(all.named('everything'), tokens).at(loc);
    expect(() => evaluate(agg, chars('a b'))).toThrow(/^prog\.rasp:4:9: aggregate aggregate\(everything, tokens\)/);
  });
});

// Expected values are the RASP interpreter's (tech-srl/RASP) on "aab" (tokens_str), for the same
// programs written in RASP: aggregates average numbers whatever rasplab infers their encoding to be.
describe('aggregates as the RASP interpreter computes them', () => {
  const input = chars('a a b');
  const prevs = select(indices, indices, '<=');
  const isA = map(bin('==', x, k('a')), tokens);
  it('averages numbers an aggregate rasplab takes as categorical', () => {
    // aggregate(select(indices, indices, <=), indices): [0, 0.5, 1]
    expect(evaluate(aggregate(prevs, indices), input)).toEqual([0, 0.5, 1]);
    // aggregate(select(tokens, tokens, ==), indices): [0.5, 0.5, 2]
    expect(evaluate(aggregate(select(tokens, tokens, '=='), indices), input)).toEqual([0.5, 0.5, 2]);
  });
  it('gives a boolean back as a boolean; averages booleans only among numbers', () => {
    // aggregate(select(indices, indices, ==), tokens_str == "a"): [T, T, F]
    expect(evaluate(aggregate(select(indices, indices, '=='), isA), input)).toEqual([true, true, false]);
    // c = aggregate(select(indices, indices+1, ==), tokens_str == "a"): [T, F, 0]
    const c = aggregate(select(indices, map(bin('+', x, k(1)), indices), '=='), isA);
    expect(evaluate(c, input)).toEqual([true, false, 0]);
    // aggregate(select(indices, indices, <=), c): [T, 0.5, 0.333]
    expect(evaluate(aggregate(prevs, c), input)).toEqual([true, 0.5, Number((1 / 3).toPrecision(12))]);
    // aggregate(select(indices, indices, <=), tokens_str == "a"): "asked to average multiple values, but they are non-numbers"
    expect(() => evaluate(aggregate(prevs, isA), input)).toThrow(/query position 1 selects several values True \(key 0\), True \(key 1\)/);
  });
  it('numerical(...) (not RASP) averages booleans as 0/1, as tracr does', () => {
    expect(evaluate(aggregate(prevs, numerical(isA)), input)).toEqual([1, 1, Number((2 / 3).toPrecision(12))]);
    expect(evaluate(numerical(aggregate(prevs, isA)), input)).toEqual([1, 1, Number((2 / 3).toPrecision(12))]);
  });
});

// Expected values are the RASP interpreter's (tech-srl/RASP, `set example [5, 7, 9]` with
// tokens_int), for the same program written in RASP.
describe('an aggregate that selects nothing gives its default; without one, 0', () => {
  const none = select(indices, indices, 'FALSE');
  const prev = aggregate(select(indices, map(bin('-', x, k(1)), indices), '=='), tokens);
  const input = [5, 7, 9];
  it('the default, or 0 when none is written', () => {
    expect(evaluate(aggregate(none, tokens), [1, 2])).toEqual([0, 0]);
    expect(evaluate(aggregate(none, tokens, 'z'), [1, 2])).toEqual(['z', 'z']);
    expect(evaluate(numerical(aggregate(none, tokens)), [1, 2])).toEqual([0, 0]);
    // prev = aggregate(select(indices, indices-1, ==), tokens_int): [0, 5, 7]
    expect(evaluate(prev, input)).toEqual([0, 5, 7]);
  });
  it('the 0 is a value like any other: maps, selects and aggregates read it', () => {
    // prev + tokens_int: [5, 12, 16]; selector_width(select(prev, indices, !=)): [2, 3, 3]
    expect(evaluate(zipmap(bin('+', x, y), prev, tokens), input)).toEqual([5, 12, 16]);
    expect(evaluate(selectorWidth(select(prev, indices, '!=')), input)).toEqual([2, 3, 3]);
    // aggregate(select(indices, indices, <=), prev): [0, 2.5, 4]
    expect(evaluate(numerical(aggregate(select(indices, indices, '<='), prev)), input)).toEqual([0, 2.5, 4]);
    // with a default written: aggregate(select(indices, indices, <), indices, 7) starts [7, 0, ...]
    expect(evaluate(numerical(aggregate(select(indices, indices, '<'), indices, 7)), input)).toEqual([7, 0, 0.5]);
  });
});

describe('numerical aggregate', () => {
  it('averages numbers, and booleans when stated numerical', () => {
    const all = select(indices, indices, 'TRUE');
    expect(evaluate(numerical(aggregate(all, tokens)), [1, 2, 6])).toEqual([3, 3, 3]);
    expect(evaluate(numerical(aggregate(all, tokens)), [true, false])).toEqual([0.5, 0.5]);
  });
  it('refuses to average a string', () => {
    expect(() => evaluate(numerical(aggregate(select(indices, indices, 'TRUE'), tokens)), ['a'])).toThrow(/non-numeric value 'a'/);
  });
});

describe('errors from functions', () => {
  it('division by zero names the operation, the node and the position, with its location', () => {
    const inv = map(bin('/', k(1), x), indices)
      .named('inverse')
      .at(loc);
    expect(() => evaluate(inv, [1, 1])).toThrow(/^prog\.rasp:4:9: division by zero: 1 \/ 0 \(in 'inverse', position 0\)/);
  });
});

describe('evaluator machinery', () => {
  it('handles programs thousands of nodes deep without recursion', () => {
    let s: SOp = indices;
    for (let i = 0; i < 5000; i++) s = map(bin('+', x, k(1)), s);
    expect(evaluate(s, [0, 0])).toEqual([5000, 5001]);
  });

  it('memoises by node: a shared sub-expression is computed once', () => {
    let calls = 0;
    const counted = map((v) => {
      calls++;
      return v;
    }, tokens);
    const both = zipmap(bin('+', x, y), counted, counted);
    const ev = new Evaluator([1, 2, 3]);
    expect(ev.sop(both)).toEqual([2, 4, 6]);
    ev.sop(counted);
    expect(calls).toBe(3);
  });

  it('gives callers their own arrays', () => {
    const out = evaluate(tokens, [1, 2]);
    out[0] = 99;
    expect(evaluate(tokens, [1, 2])).toEqual([1, 2]);
  });

  it('a map with a constant-only expression works', () => {
    const e: ScalarExpr = bin('+', x, k(1));
    expect(evaluate(map(e, 4), [0, 0])).toEqual([5, 5]);
  });
});
