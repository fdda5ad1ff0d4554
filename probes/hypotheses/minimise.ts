/**
 * A last pass over fast-check's shrunk counterexample. fast-check shrinks an array by dropping
 * leading items and then shrinking items, so it can stop at `c a` when `c` alone fails. Here,
 * greedily, every position is tried for removal and every token for replacement by each earlier
 * vocabulary token, in a fixed order, until no single step keeps the claim failing. Then, when few
 * enough inputs come before the result (shorter ones, and same-length ones earlier in vocabulary
 * order), they are all tried in that order: the first that fails is the minimal counterexample,
 * the shortest and then the earliest. Either way the result is the same for a given seed.
 */
import { countInputs, enumerateInputs } from '../../src/rasp/inputs.ts';
import { valueKey, type Value } from '../../src/rasp/values.ts';
import type { Checker } from './checker.ts';

/** The most inputs tried one by one to prove a counterexample minimal. */
export const EXHAUSTIVE_BUDGET = 2000;

export interface Minimised {
  readonly input: Value[];
  /** Single steps taken. */
  readonly steps: number;
  /** Every input before it (shorter, or as long and earlier) was tried: none fails. */
  readonly minimal: boolean;
}

/** How many inputs of the same length come before `x` in vocabulary order. */
function rankInLength(x: readonly Value[], rank: ReadonlyMap<string, number>, v: number): number {
  return x.reduce<number>((r, t) => r * v + (rank.get(valueKey(t)) ?? 0), 0);
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
  for (let changed = true; changed;) {
    changed = false;
    for (let i = 0; i < cur.length; i++) {
      const shorter = [...cur.slice(0, i), ...cur.slice(i + 1)];
      if (fails(shorter)) {
        cur = shorter;
        steps++;
        changed = true;
        i--;
      }
    }
    for (let i = 0; i < cur.length; i++) {
      const r = rank.get(valueKey(cur[i])) ?? 0;
      for (let j = 0; j < r; j++) {
        const lower = cur.map((v, k) => (k === i ? checker.domain.vocab[j] : v));
        if (fails(lower)) {
          cur = lower;
          steps++;
          changed = true;
          break;
        }
      }
    }
  }
  const { vocab, minLen } = checker.domain;
  const before = countInputs(vocab.length, minLen, cur.length - 1) + rankInLength(cur, rank, vocab.length);
  if (before > EXHAUSTIVE_BUDGET) return { input: cur, steps, minimal: false };
  let tried = 0;
  for (const x of enumerateInputs(vocab, minLen, cur.length)) {
    if (tried++ >= before) break;
    if (fails(x)) return { input: x, steps: steps + 1, minimal: true };
  }
  return { input: cur, steps, minimal: true };
}
