/**
 * Training and held-out data sampled from a program (src/rasp/examples.ts labels them;
 * src/model/batch.ts lays them out). A training batch is a pure function of (seed, step): resuming
 * a run needs no replay of a random stream, and every run with one seed sees the same data in the
 * same order.
 */
import { sampleExamples, scoringExamples, type DataSpec, type Example } from '../rasp/examples.ts';
import { makeRng } from '../rasp/random.ts';

/** The training examples of one step: a pure function of (seed, step). */
export function trainExamples(spec: DataSpec, seed: number, step: number, batchSize: number): Example[] {
  return sampleExamples(spec, makeRng(seed).fork(`train:${step}`), batchSize);
}

/**
 * A held-out set from a stream no training step draws from (every input, when there are at most
 * `n`, as the probe sets take them: so `train` reports what `verify` and the probes find on a
 * small task); `lengths` overrides the length range.
 */
export function testExamples(spec: DataSpec, seed: number, n: number, lengths?: { min: number; max: number }): Example[] {
  const s = lengths ? { ...spec, minLen: lengths.min, maxLen: lengths.max } : spec;
  return scoringExamples(s, makeRng(seed).fork(`test:${s.minLen}-${s.maxLen}`), n).examples;
}

/** Splits examples into environments by input length (the AND-mask's environments), shortest first. */
export function splitByLength(examples: readonly Example[]): Example[][] {
  const groups = new Map<number, Example[]>();
  for (const e of examples) {
    const g = groups.get(e.input.length);
    if (g) g.push(e);
    else groups.set(e.input.length, [e]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}
