/**
 * Does a model compute the program? Runs both on every input of lengths minLen..maxLen when there
 * are at most EXHAUSTIVE_LIMIT of them, else on `samples` seeded random inputs, and compares them
 * position by position.
 *
 * Comparison rules:
 *  - categorical outputs must be equal (RASP equality: True == 1);
 *  - numerical outputs must be within `tolerance`, the one every command scores with
 *    (src/model/scoring.ts); how close a compiled model's numbers are shows in `maxAbsError`;
 *  - a position where the program's output is undefined (null) agrees only with an undefined
 *    answer (RASP's evaluator gives none now: an aggregate that selects nothing gives its default);
 *  - where the program's value is a boolean, a numerical model's number within `tolerance` of 0 or 1
 *    is read as False or True (so a mismatch shows `False`, not a float near 0);
 *  - inputs the evaluator refuses (it throws, e.g. a categorical aggregate that mixes values) are
 *    counted in `rejected` and not compared; when it refuses every input, nothing was verified and
 *    `agreement` is null (the first refusal says why).
 */
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { NUMERIC_TOLERANCE, outputMatches } from '../src/model/scoring.ts';
import type { OutputSpec } from '../src/model/types.ts';
import { isUserError } from '../src/rasp/errors.ts';
import { evaluateProgram } from '../src/rasp/evaluate.ts';
import { countInputs, enumerateInputs, sampleInput } from '../src/rasp/inputs.ts';
import type { Program } from '../src/rasp/program.ts';
import { makeRng } from '../src/rasp/random.ts';
import type { MaybeValue, Value } from '../src/rasp/values.ts';

export const EXHAUSTIVE_LIMIT = 100_000;
export const DEFAULT_SAMPLES = 10_000;
/** Inputs evaluated and run per round: bounds memory for large exhaustive checks. */
const CHUNK = 4096;

export interface VerifyOptions {
  readonly vocab: readonly Value[];
  readonly maxLen: number;
  readonly minLen?: number;
  readonly samples?: number;
  readonly seed?: number;
  readonly batchSize?: number;
  /** How far a numerical output may be from the program's (default NUMERIC_TOLERANCE). */
  readonly tolerance?: number;
}

export interface Mismatch {
  readonly input: Value[];
  readonly expected: MaybeValue[];
  readonly got: MaybeValue[];
}

export interface Rejection {
  readonly input: Value[];
  /** The evaluator's message. */
  readonly reason: string;
}

export interface VerifyResult {
  /** Inputs compared (rejected ones excluded). */
  readonly checked: number;
  readonly exhaustive: boolean;
  /** Fraction of compared inputs on which the model matched at every position; null when none were compared. */
  readonly agreement: number | null;
  /** Largest |model − program| over numerical positions with a defined expected value (0 if none). */
  readonly maxAbsError: number;
  readonly firstMismatch: Mismatch | null;
  readonly rejected: number;
  readonly firstRejection: Rejection | null;
}

/** Whether one output position agrees, per the rules above; also the numerical error it contributes. */
export function positionAgrees(output: OutputSpec, expected: MaybeValue, got: MaybeValue, tolerance = NUMERIC_TOLERANCE): { ok: boolean; absError: number } {
  if (expected === null) return { ok: got === null, absError: 0 };
  const ok = outputMatches(output, expected, got, tolerance);
  if (output.encoding === 'categorical') return { ok, absError: 0 };
  const err = typeof got === 'number' && typeof expected !== 'string' ? Math.abs(got - Number(expected)) : Number.NaN;
  return { ok, absError: Number.isNaN(err) ? Infinity : err };
}

/** A numerical model's answer where the program's value is a boolean: False or True when the number is within `tolerance` of 0 or 1. */
function asBoolean(expected: MaybeValue, got: MaybeValue, tolerance: number): MaybeValue {
  if (typeof expected !== 'boolean' || typeof got !== 'number') return got;
  if (Math.abs(got) <= tolerance) return false;
  if (Math.abs(got - 1) <= tolerance) return true;
  return got;
}

function* inputsToCheck(o: VerifyOptions, minLen: number): Generator<Value[]> {
  if (countInputs(o.vocab.length, minLen, o.maxLen) <= EXHAUSTIVE_LIMIT) {
    yield* enumerateInputs(o.vocab, minLen, o.maxLen);
    return;
  }
  const rng = makeRng(o.seed ?? 0).fork('verify');
  const n = o.samples ?? DEFAULT_SAMPLES;
  for (let i = 0; i < n; i++) yield sampleInput(rng, o.vocab, minLen, o.maxLen);
}

export function verifyModel(model: LoadedModel, program: Program, opts: VerifyOptions): VerifyResult {
  const minLen = opts.minLen ?? 1;
  const exhaustive = countInputs(opts.vocab.length, minLen, opts.maxLen) <= EXHAUSTIVE_LIMIT;
  const numerical = model.config.output.encoding === 'numerical';
  let checked = 0;
  let agreeing = 0;
  let rejected = 0;
  let maxAbsError = 0;
  let firstMismatch: Mismatch | null = null;
  let firstRejection: Rejection | null = null;
  const pending: { input: Value[]; expected: MaybeValue[] }[] = [];
  const flush = () => {
    const outputs = model.outputs(
      pending.map((p) => p.input),
      { batchSize: opts.batchSize },
    );
    pending.forEach(({ input, expected }, i) => {
      const got = outputs[i];
      let ok = got.length === expected.length;
      for (let p = 0; p < expected.length; p++) {
        const r = positionAgrees(model.config.output, expected[p], got[p] ?? null, opts.tolerance);
        ok &&= r.ok;
        if (numerical && expected[p] !== null) maxAbsError = Math.max(maxAbsError, r.absError);
      }
      checked++;
      if (ok) agreeing++;
      else firstMismatch ??= { input, expected, got: numerical ? got.map((g, p) => asBoolean(expected[p], g, opts.tolerance ?? NUMERIC_TOLERANCE)) : got };
    });
    pending.length = 0;
  };
  for (const input of inputsToCheck(opts, minLen)) {
    let expected: MaybeValue[];
    try {
      expected = evaluateProgram(program, input);
    } catch (e) {
      // The program's own failures (RaspError) reject the input; anything else is a bug to surface.
      if (!isUserError(e)) throw e;
      rejected++;
      firstRejection ??= { input, reason: e.message };
      continue;
    }
    pending.push({ input, expected });
    if (pending.length >= CHUNK) flush();
  }
  if (pending.length) flush();
  return { checked, exhaustive, agreement: checked === 0 ? null : agreeing / checked, maxAbsError, firstMismatch, rejected, firstRejection };
}
