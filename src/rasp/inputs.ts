/**
 * Input sequences over a vocabulary: counting, enumerating in a fixed order, and sampling.
 */
import type { Rng } from './random.ts';
import type { Value } from './values.ts';

/** How many sequences of length minLen..maxLen there are over `vocabSize` tokens: Σ V^L. */
export function countInputs(vocabSize: number, minLen: number, maxLen: number): number {
  let total = 0;
  for (let len = Math.max(0, minLen); len <= maxLen; len++) total += vocabSize ** len;
  return total;
}

/**
 * Every sequence with length in [minLen, maxLen]: shorter first, then lexicographic in vocabulary
 * order (the last position changes fastest). Each yielded array is fresh.
 */
export function* enumerateInputs(vocab: readonly Value[], minLen: number, maxLen: number): Generator<Value[]> {
  const v = vocab.length;
  for (let len = Math.max(0, minLen); len <= maxLen; len++) {
    if (len > 0 && v === 0) continue;
    const digits = new Array<number>(len).fill(0);
    for (;;) {
      yield digits.map((d) => vocab[d]);
      let i = len - 1;
      while (i >= 0 && digits[i] === v - 1) digits[i--] = 0;
      if (i < 0) break;
      digits[i]++;
    }
  }
}

/** A random input: length uniform in [minLen, maxLen], each token uniform over the vocabulary. */
export function sampleInput(rng: Rng, vocab: readonly Value[], minLen: number, maxLen: number): Value[] {
  if (vocab.length === 0) throw new Error('cannot sample inputs over an empty vocabulary');
  if (maxLen < minLen) throw new Error(`empty length range ${minLen}..${maxLen}`);
  const len = minLen + rng.int(maxLen - minLen + 1);
  return Array.from({ length: len }, () => vocab[rng.int(vocab.length)]);
}
