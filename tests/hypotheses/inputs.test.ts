import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { inputsOf, permutationKeys, permutationOf } from '../../probes/hypotheses/inputs.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import { library } from './support.ts';

const reverse = library('reverse');
const vocab = ['a', 'b', 'c', 'd'];

/** The shrunk counterexample of a property over inputsOf. */
function shrunk(pred: (x: string[]) => boolean, seed = 1): string[] {
  const d = fc.check(
    fc.property(inputsOf(reverse, { vocab, maxLen: 6 }), (x) => pred(x as string[])),
    { seed, numRuns: 500 },
  );
  expect(d.failed).toBe(true);
  return d.counterexample![0] as string[];
}

describe('inputsOf', () => {
  it("draws from the program's header unless told otherwise", () => {
    for (const x of fc.sample(inputsOf(reverse), { numRuns: 200, seed: 2 })) {
      expect(x.length).toBeGreaterThanOrEqual(1);
      expect(x.length).toBeLessThanOrEqual(reverse.maxLen!);
      for (const t of x) expect(reverse.vocab).toContain(t);
    }
    const lens = new Set(fc.sample(inputsOf(reverse, { vocab, minLen: 2, maxLen: 3 }), { numRuns: 100, seed: 2 }).map((x) => x.length));
    expect([...lens].sort()).toEqual([2, 3]);
  });

  it('never generates an input the program refuses', () => {
    // Each query reads every key holding its token, and RASP averages no strings: the evaluator refuses inputs with a repeated token.
    const same = parseProgram('out = aggregate(select(tokens, tokens, ==), tokens);', { file: 'same.rasp' });
    const xs = fc.sample(inputsOf(same, { vocab, maxLen: 4 }), { numRuns: 100, seed: 3 });
    for (const x of xs) expect(labelInput(same, x)).not.toBeNull();
    expect(xs.some((x) => x.length > 1)).toBe(true);
  });

  it('shrinks towards shorter inputs and earlier tokens (the runner finishes the job: minimise.test.ts)', () => {
    expect(shrunk((x) => x.length < 3)).toEqual(['a', 'a', 'a']);
    expect(shrunk((x) => !x.includes('c'))).toContain('c');
    // A token must differ from the first one: it still ends as early in the vocabulary as it can.
    expect(shrunk((x) => x.every((t) => t === x[0]))).toEqual(['a', 'b']);
  });

  it('permutations from sort keys are permutations, and shrink to the identity', () => {
    fc.assert(
      fc.property(permutationKeys(6), fc.integer({ min: 0, max: 6 }), (keys, n) => {
        expect([...permutationOf(keys, n)].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
    expect(permutationOf([0, 0, 0], 3)).toEqual([0, 1, 2]);
    // Any non-identity fails "is the identity": the keys shrink until one key alone moves one position.
    for (const seed of [1, 2, 3]) {
      const d = fc.check(
        fc.property(permutationKeys(5), (k) => permutationOf(k, 5).every((p, i) => p === i)),
        { seed },
      );
      expect(d.counterexample![0].filter((k) => k !== 0)).toHaveLength(1);
    }
  });
});
