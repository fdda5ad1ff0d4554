import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAssignment } from '../../probes/assignment.ts';

/** Every permutation of 0..n-1 (n ≤ 7). */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

const total = (score: number[][], p: number[]) => p.reduce((s, j, i) => s + score[i][j], 0);

describe('maxAssignment', () => {
  it('finds the known optimum of a small table, where the greedy choice is wrong', () => {
    // Greedy takes 9 (row 0 → col 0) and then must take 0 + 1; the best is 8 + 8 + 8.
    const score = [
      [9, 8, 0],
      [8, 0, 1],
      [0, 1, 8],
    ];
    const p = maxAssignment(score);
    expect(p).toEqual([1, 0, 2]);
    expect(total(score, p)).toBe(24);
  });

  it('is a permutation whose total equals the brute-force best on random tables', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) => fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n })),
        (score) => {
          const p = maxAssignment(score);
          expect([...p].sort((a, b) => a - b)).toEqual(score.map((_, i) => i));
          const best = Math.max(...permutations(score.length).map((q) => total(score, q)));
          expect(total(score, p)).toBe(best);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });

  it('recovers a hidden permutation from a table that scores it highest, and its inverse from the transposed table', () => {
    const n = 40;
    const hidden = Array.from({ length: n }, (_, i) => (i * 17 + 5) % n);
    const score = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j === hidden[i] ? 10 : Math.sin(i * 31 + j * 7))));
    expect(maxAssignment(score)).toEqual(hidden);
    const inverse = new Array<number>(n);
    hidden.forEach((j, i) => (inverse[j] = i));
    expect(maxAssignment(score[0].map((_, j) => score.map((row) => row[j])))).toEqual(inverse);
  });

  it('takes the empty table and refuses a non-square one', () => {
    expect(maxAssignment([])).toEqual([]);
    expect(() => maxAssignment([[1, 2]])).toThrow(/square/);
  });
});
