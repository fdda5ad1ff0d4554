import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { countInputs, enumerateInputs, sampleInput } from '../../src/rasp/inputs.ts';
import { makeRng } from '../../src/rasp/random.ts';

describe('enumerateInputs / countInputs', () => {
  it('yields shorter inputs first, then in vocabulary order', () => {
    expect([...enumerateInputs(['b', 'a'], 1, 2)]).toEqual([['b'], ['a'], ['b', 'b'], ['b', 'a'], ['a', 'b'], ['a', 'a']]);
    expect([...enumerateInputs([1, 2], 0, 1)]).toEqual([[], [1], [2]]);
    expect(countInputs(3, 1, 2)).toBe(12);
    expect(countInputs(2, 0, 3)).toBe(15);
  });

  test.prop([fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })])(
    'enumerates exactly countInputs distinct sequences, in length order',
    (v, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const vocab = Array.from({ length: v }, (_, i) => `t${i}`);
      const all = [...enumerateInputs(vocab, lo, hi)];
      expect(all).toHaveLength(countInputs(v, lo, hi));
      expect(new Set(all.map((s) => s.join(','))).size).toBe(all.length);
      for (let i = 1; i < all.length; i++) expect(all[i].length).toBeGreaterThanOrEqual(all[i - 1].length);
      for (const s of all) {
        expect(s.length).toBeGreaterThanOrEqual(lo);
        expect(s.length).toBeLessThanOrEqual(hi);
      }
    },
  );
});

describe('makeRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = makeRng(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  test.prop([fc.integer(), fc.integer({ min: 1, max: 1000 })])('next is in [0,1) and int(n) in [0,n)', (seed, n) => {
    const r = makeRng(seed);
    for (let i = 0; i < 50; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const j = r.int(n);
      expect(Number.isInteger(j)).toBe(true);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(n);
    }
  });

  it('fork(label) depends on the seed and label only, not on draws from the parent', () => {
    const a = makeRng(7);
    const b = makeRng(7);
    b.next();
    b.next();
    const first = (r: ReturnType<typeof makeRng>) => Array.from({ length: 5 }, () => r.next());
    expect(first(a.fork('train:3'))).toEqual(first(b.fork('train:3')));
    expect(first(a.fork('train:3'))).not.toEqual(first(a.fork('train:4')));
    expect(first(a.fork('x'))).not.toEqual(first(makeRng(8).fork('x')));
    expect(first(a.fork('x').fork('y'))).toEqual(first(makeRng(7).fork('x').fork('y')));
    expect(first(a.fork('x'))).not.toEqual(first(makeRng(7)));
  });

  it('spreads draws evenly (a loose chi-square check over 10 bins)', () => {
    const r = makeRng(123);
    const bins = new Array(10).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) bins[r.int(10)]++;
    const chi = bins.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(30); // 9 degrees of freedom: p < 0.001 above ~27.9
  });

  it('forked streams are uncorrelated with their parent', () => {
    const p = makeRng(99);
    const c = makeRng(99).fork('c');
    const n = 5000;
    const xs = Array.from({ length: n }, () => p.next());
    const ys = Array.from({ length: n }, () => c.next());
    const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    const cov = xs.reduce((s, xv, i) => s + (xv - mx) * (ys[i] - my), 0) / n;
    expect(Math.abs(cov / (1 / 12))).toBeLessThan(0.06);
  });
});

describe('sampleInput', () => {
  test.prop([fc.integer(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })])(
    'lengths lie in [minLen, maxLen] and tokens come from the vocabulary',
    (seed, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const rng = makeRng(seed);
      for (let i = 0; i < 20; i++) {
        const s = sampleInput(rng, ['x', 'y', 'z'], lo, hi);
        expect(s.length).toBeGreaterThanOrEqual(lo);
        expect(s.length).toBeLessThanOrEqual(hi);
        for (const t of s) expect(['x', 'y', 'z']).toContain(t);
      }
    },
  );

  it('is reproducible from the seed and covers every length and token', () => {
    const draw = () => {
      const rng = makeRng(5);
      return Array.from({ length: 300 }, () => sampleInput(rng, [1, 2, 3], 1, 4));
    };
    const a = draw();
    expect(draw()).toEqual(a);
    expect(new Set(a.map((s) => s.length))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(a.flat())).toEqual(new Set([1, 2, 3]));
  });
});
