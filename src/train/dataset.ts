/**
 * Training and held-out data sampled from a program (src/rasp/examples.ts labels them;
 * src/model/batch.ts lays them out). A training batch is a pure function of (seed, step): resuming
 * a run needs no replay of a random stream, and every run with one seed sees the same data in the
 * same order.
 */
import { labelInput, sampleExamples, scoringExamples, type DataSpec, type Example } from '../rasp/examples.ts';
import { countInputs, enumerateInputs } from '../rasp/inputs.ts';
import { UserError } from '../rasp/errors.ts';
import { ceilingOf, checkCeiling, raiseHint } from '../rasp/limits.ts';
import { makeRng, type Rng } from '../rasp/random.ts';
import { valueKey, type Value } from '../rasp/values.ts';

/**
 * The fixed part of the training inputs a run with --data-fraction F trains on: of each training
 * length's inputs (the evaluator's refusals left out), a seeded choice of round(F × their number),
 * at least one. Per length, so that lengths stay equally represented in every batch. Defined only
 * where the inputs can be enumerated: more than the `samples` ceiling of them is refused.
 */
export interface TrainingSubset {
  readonly fraction: number;
  /** The chosen examples, one list per training length, shortest first. */
  readonly byLength: readonly (readonly Example[])[];
  /** The chosen inputs' keys (`inputKey`), to keep held-out sets outside them. */
  readonly keys: ReadonlySet<string>;
}

/** A key that tells inputs apart (values keyed as `valueKey` does). */
export function inputKey(input: readonly Value[]): string {
  return input.map(valueKey).join('\u0000');
}

/** The seeded order of a list (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Every labelled input of the spec's lengths, one list per length (refused inputs left out). */
function allExamplesByLength(spec: DataSpec): Example[][] {
  const out: Example[][] = [];
  for (let len = spec.minLen; len <= spec.maxLen; len++) {
    const examples: Example[] = [];
    for (const input of enumerateInputs(spec.vocab, len, len)) {
      const output = labelInput(spec.program, input);
      if (output !== null) examples.push({ input, output });
    }
    out.push(examples);
  }
  return out;
}

/** Refuses a subset of a space too large to enumerate (before any work: the CLI calls it too). */
export function checkSubsetSize(vocabSize: number, minLen: number, maxLen: number): void {
  const count = countInputs(vocabSize, minLen, maxLen);
  if (count > ceilingOf('samples'))
    throw new UserError(
      `--data-fraction chooses among every training input, and lengths ${minLen}..${maxLen} have ${count}, ` +
        `above the ceiling of ${ceilingOf('samples')}; shorten --max-len or ${raiseHint('samples')}`,
    );
}

/** The training subset of a run (a pure function of the spec, the seed and the fraction). */
export function trainingSubset(spec: DataSpec, seed: number, fraction: number): TrainingSubset {
  checkSubsetSize(spec.vocab.length, spec.minLen, spec.maxLen);
  const rng = makeRng(seed).fork(`subset:${fraction}`);
  const byLength = allExamplesByLength(spec).map((all, i) => {
    const chosen = shuffled(all, rng.fork(`length:${spec.minLen + i}`)).slice(0, Math.max(1, Math.round(fraction * all.length)));
    // Kept in enumeration order, so that the subset reads the same whatever the shuffle's internals.
    const picked = new Set(chosen.map((e) => inputKey(e.input)));
    return all.filter((e) => picked.has(inputKey(e.input)));
  });
  const keys = new Set(byLength.flatMap((l) => l.map((e) => inputKey(e.input))));
  return { fraction, byLength: byLength.filter((l) => l.length > 0), keys };
}

/**
 * The training examples of one step: a pure function of (seed, step). With a subset: the length
 * uniform over the training lengths, then an example uniform among that length's chosen ones.
 */
export function trainExamples(spec: DataSpec, seed: number, step: number, batchSize: number, subset?: TrainingSubset): Example[] {
  const rng = makeRng(seed).fork(`train:${step}`);
  if (!subset) return sampleExamples(spec, rng, batchSize);
  return Array.from({ length: batchSize }, () => {
    const group = subset.byLength[rng.int(subset.byLength.length)];
    return group[rng.int(group.length)];
  });
}

/**
 * A held-out set from a stream no training step draws from (every input, when there are at most
 * `n`, as the probe sets take them: so `train` reports what `verify` and the probes find on a
 * small task); `lengths` overrides the length range. With a training subset, only inputs outside it.
 */
export function testExamples(spec: DataSpec, seed: number, n: number, lengths?: { min: number; max: number }, subset?: TrainingSubset): Example[] {
  const s = lengths ? { ...spec, minLen: lengths.min, maxLen: lengths.max } : spec;
  const rng = makeRng(seed).fork(`test:${s.minLen}-${s.maxLen}`);
  const overlaps = subset && s.minLen <= spec.maxLen && s.maxLen >= spec.minLen;
  if (!overlaps) return scoringExamples(s, rng, n).examples;
  // With a training subset: every input outside it, or n of them drawn without replacement.
  const count = countInputs(s.vocab.length, s.minLen, s.maxLen);
  checkCeiling('samples', count, `the inputs of lengths ${s.minLen}..${s.maxLen} (a held-out set outside the --data-fraction subset)`);
  const outside = allExamplesByLength(s)
    .flat()
    .filter((e) => !subset.keys.has(inputKey(e.input)));
  return outside.length <= n ? outside : shuffled(outside, rng).slice(0, n);
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
