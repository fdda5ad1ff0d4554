import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Checker } from '../../probes/hypotheses/checker.ts';
import { minimiseCounterexample } from '../../probes/hypotheses/minimise.ts';
import type { Value } from '../../src/rasp/values.ts';

const vocab = ['a', 'b', 'c', 'd'];
/** A checker whose claim fails exactly where `fails` says. */
const checker = (fails: (x: readonly Value[]) => boolean, minLen = 1): Checker => ({
  domain: { vocab, minLen, maxLen: 8 },
  check: (x) => ({ ok: !fails(x), observed: '', expected: '' }),
  dispose() {},
});
const min = (fails: (x: readonly Value[]) => boolean, input: Value[], valid = (_: Value[]) => true) =>
  minimiseCounterexample(checker(fails), input, undefined, valid).input;

describe('minimising a counterexample', () => {
  it("drops what fast-check's array shrinking keeps (a trailing token) and lowers tokens", () => {
    expect(min((x) => x.includes('c'), ['c', 'a'])).toEqual(['c']);
    expect(min((x) => x.includes('c'), ['d', 'b', 'c', 'd'])).toEqual(['c']);
    expect(min((x) => x.length >= 2 && x[1] !== x[0], ['d', 'b', 'c'])).toEqual(['a', 'b']);
  });

  it('keeps to the domain and to valid inputs', () => {
    expect(
      minimiseCounterexample(
        checker((x) => x.includes('c'), 2),
        ['b', 'c', 'd'],
        undefined,
        () => true,
      ).input,
    ).toEqual(['a', 'c']);
    // Inputs with a 'b' are invalid: the token may not be lowered through them.
    expect(
      min(
        (x) => x.includes('c'),
        ['d', 'c'],
        (x) => !x.includes('b'),
      ),
    ).toEqual(['c']);
    expect(
      min(
        (x) => x.length === 2,
        ['d', 'd'],
        (x) => !x.includes('b'),
      ),
    ).toEqual(['a', 'a']);
  });

  it('is the first failing input in shortest-then-earliest order when few enough come before it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 4 }), fc.constantFrom(...vocab), fc.constantFrom(...vocab), (x, t, u) => {
        const fails = (y: readonly Value[]) => y.includes(t) && y.at(-1) === u;
        if (!fails(x)) return;
        const m = minimiseCounterexample(checker(fails), x, undefined, () => true);
        expect(m.minimal).toBe(true);
        expect(m.input).toEqual(t === u ? [t] : [t, u]);
      }),
      { seed: 6 },
    );
  });

  it('beyond the budget it says the result is only locally minimal', () => {
    const long = Array.from({ length: 8 }, () => 'd');
    const m = minimiseCounterexample(
      checker((x) => x.length === 8 && x[7] === 'd'),
      long,
      undefined,
      () => true,
    );
    expect(m).toMatchObject({ input: ['a', 'a', 'a', 'a', 'a', 'a', 'a', 'd'], minimal: false });
  });

  it('the result still fails, is no longer than the start, and no single removal or lowering fails', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 6 }), fc.constantFrom(...vocab), (x, t) => {
        const fails = (y: readonly Value[]) => y.filter((v) => v === t).length >= 1 && y.length >= 2;
        if (!fails(x)) return;
        const m = min(fails, x);
        expect(fails(m)).toBe(true);
        expect(m.length).toBeLessThanOrEqual(x.length);
        for (let i = 0; i < m.length; i++) {
          expect(fails([...m.slice(0, i), ...m.slice(i + 1)])).toBe(false);
          for (let j = 0; j < vocab.indexOf(m[i] as string); j++) expect(fails(m.map((v, k) => (k === i ? vocab[j] : v)))).toBe(false);
        }
      }),
      { seed: 5 },
    );
  });
});
