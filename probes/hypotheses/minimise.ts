/**
 * A last, greedy pass over fast-check's shrunk counterexample. fast-check shrinks an array by
 * dropping leading items and then shrinking items, so it can stop at `c a` when `c` alone fails.
 * Here every position is tried for removal and every token for replacement by each earlier
 * vocabulary token, in a fixed order, until no single step keeps the claim failing: the result is
 * as short as one-step changes can make it, with the earliest tokens, and the same for a given seed.
 */
import { valueKey, type Value } from '../../src/rasp/values.ts';
import type { Checker } from './checker.ts';

export interface Minimised {
  readonly input: Value[];
  /** Single steps taken. */
  readonly steps: number;
}

export function minimiseCounterexample(checker: Checker, input: readonly Value[], extra: unknown, stillValid: (x: Value[]) => boolean): Minimised {
  const fails = (x: Value[]) => {
    if (x.length < checker.domain.minLen || !stillValid(x)) return false;
    const r = checker.check(x, extra);
    return !r.ok && !r.skip;
  };
  const rank = new Map(checker.domain.vocab.map((v, i) => [valueKey(v), i]));
  let cur = [...input];
  let steps = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < cur.length; i++) {
      const shorter = [...cur.slice(0, i), ...cur.slice(i + 1)];
      if (fails(shorter)) (cur = shorter), steps++, (changed = true), i--;
    }
    for (let i = 0; i < cur.length; i++) {
      const r = rank.get(valueKey(cur[i])) ?? 0;
      for (let j = 0; j < r; j++) {
        const lower = cur.map((v, k) => (k === i ? checker.domain.vocab[j] : v));
        if (fails(lower)) {
          (cur = lower), steps++, (changed = true);
          break;
        }
      }
    }
  }
  return { input: cur, steps };
}
