/**
 * What counts as a correct output, decided once for every command: the predicted class is the
 * argmax of the logits (categorical outputs), a numerical output is right within a tolerance of
 * the target (`NUMERIC_TOLERANCE` unless the user gives `--tolerance`; the target taken as the
 * float32 the model is trained on, so logits and decoded outputs are judged alike), a position
 * where the program's output is undefined is not scored, and a sequence is an exact match when
 * every scored position is right (so one with no scored position counts as exact). `train`,
 * `verify`, `compare`, `ablate`, `prune`, the TUI and the report all score through this file, so
 * one model on one set of inputs gets one exact match everywhere.
 */
import { UserError } from '../rasp/errors.ts';
import { valuesEqual, type MaybeValue } from '../rasp/values.ts';
import type { Batch } from './batch.ts';
import { outputWidth } from './shapes.ts';
import type { ModelConfig, OutputSpec } from './types.ts';

/**
 * How far a numerical output may be from its target and still count as right, unless told
 * otherwise: loose enough for a learned model's regression output, tight enough to tell apart the
 * fractions a mean aggregate gives at the lengths models are trained on.
 */
export const NUMERIC_TOLERANCE = 0.05;

/** Whether a numerical output is within `tolerance` of its target. */
export function numberMatches(got: number, target: number, tolerance = NUMERIC_TOLERANCE): boolean {
  return Math.abs(got - Math.fround(target)) <= tolerance;
}

/** Index of the largest of `n` values from `offset` (the first on ties). */
export function argmax(data: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (data[offset + i] > data[offset + best]) best = i;
  return best;
}

/** Whether a model's output value matches the expected one (an undefined expectation always does). */
export function outputMatches(output: OutputSpec, expected: MaybeValue, got: MaybeValue, tolerance = NUMERIC_TOLERANCE): boolean {
  if (expected === null) return true;
  if (output.encoding === 'numerical') return typeof got === 'number' && typeof expected !== 'string' && numberMatches(got, Number(expected), tolerance);
  return valuesEqual(expected, got);
}

/** Whether a model's output sequence is an exact match: right at every position where the program's output is defined. */
export function outputsMatch(output: OutputSpec, expected: readonly MaybeValue[], got: readonly MaybeValue[], tolerance = NUMERIC_TOLERANCE): boolean {
  return got.length === expected.length && expected.every((e, i) => outputMatches(output, e, got[i], tolerance));
}

/**
 * Refuses logits that are not numbers where an answer is read from them (BOS and padding aside):
 * the argmax of NaNs is the first class, so a broken model would otherwise answer confidently.
 */
function checkFinite(logits: ArrayLike<number>, width: number, nPos: number, lengths: readonly number[]): void {
  lengths.forEach((len, b) => {
    for (let p = 1; p < len; p++)
      for (let c = 0; c < width; c++) {
        const x = logits[(b * nPos + p) * width + c];
        if (!Number.isFinite(x))
          throw new UserError(
            `the model's output is ${x} at position ${p - 1} of input ${b + 1}: ` +
              'its weights or config overflow float32 in the forward pass, so it has no answer to give',
          );
      }
  });
}

/** Output values per row, BOS position and padding dropped, from logits read back as [batch·nPos·width] floats. */
export function decodeOutputs(config: ModelConfig, logits: ArrayLike<number>, nPos: number, lengths: readonly number[]): MaybeValue[][] {
  const out = config.output;
  const width = outputWidth(out);
  checkFinite(logits, width, nPos, lengths);
  return lengths.map((len, b) => {
    const row: MaybeValue[] = [];
    for (let p = 1; p < len; p++) {
      const at = (b * nPos + p) * width;
      row.push(out.encoding === 'numerical' ? logits[at] : out.values[argmax(logits, at, width)]);
    }
    return row;
  });
}

/** Counts that add up across batches. */
export interface Accuracy {
  /** Sequences with every scored position right. */
  readonly exact: number;
  readonly sequences: number;
  readonly tokensRight: number;
  readonly tokensScored: number;
}

export const ZERO_ACCURACY: Accuracy = { exact: 0, sequences: 0, tokensRight: 0, tokensScored: 0 };
export const exactMatch = (a: Accuracy): number => (a.sequences ? a.exact / a.sequences : 0);
export const tokenAccuracy = (a: Accuracy): number => (a.tokensScored ? a.tokensRight / a.tokensScored : 0);

export function addAccuracy(a: Accuracy, b: Accuracy): Accuracy {
  return {
    exact: a.exact + b.exact,
    sequences: a.sequences + b.sequences,
    tokensRight: a.tokensRight + b.tokensRight,
    tokensScored: a.tokensScored + b.tokensScored,
  };
}

/** Exact match, token accuracy, accuracy per input position and the mean loss over some batches. */
export interface Score {
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  /** Mean cross-entropy (categorical outputs) or squared error (numerical ones) per scored position. */
  readonly loss: number;
  /** Accuracy at input position i (BOS excluded); NaN where no input reaches position i. */
  readonly perPosition: number[];
}

/** Running totals of a model's logits scored against batches' labels. */
export class ScoreTally {
  private counts: Accuracy = ZERO_ACCURACY;
  private lossSum = 0;
  private readonly posRight: number[] = [];
  private readonly posScored: number[] = [];

  constructor(
    private readonly output: OutputSpec,
    private readonly tolerance = NUMERIC_TOLERANCE,
  ) {}

  /** Adds one batch; `logits` are read back as [size, nPos, width] row-major. */
  add(b: Batch, logits: ArrayLike<number>): this {
    const cat = this.output.encoding === 'categorical';
    const width = outputWidth(this.output);
    checkFinite(logits, width, b.nPos, b.lengths);
    let exact = 0;
    let right = 0;
    let scored = 0;
    for (let r = 0; r < b.size; r++) {
      let allRight = true;
      for (let p = 1; p < b.lengths[r]; p++) {
        const i = r * b.nPos + p;
        let ok: boolean;
        if (cat) {
          const k = b.classes[i];
          if (k < 0) continue;
          const base = i * width;
          const best = argmax(logits, base, width);
          const max = logits[base + best];
          let z = 0;
          for (let c = 0; c < width; c++) z += Math.exp(logits[base + c] - max);
          this.lossSum += max + Math.log(z) - logits[base + k];
          ok = best === k;
        } else {
          const y = b.targets[i];
          if (Number.isNaN(y)) continue;
          const err = logits[i] - y;
          this.lossSum += err * err;
          ok = numberMatches(logits[i], y, this.tolerance);
        }
        scored++;
        const pos = p - 1;
        while (this.posScored.length <= pos) {
          this.posScored.push(0);
          this.posRight.push(0);
        }
        this.posScored[pos]++;
        if (ok) {
          right++;
          this.posRight[pos]++;
        } else allRight = false;
      }
      if (allRight) exact++;
    }
    this.counts = addAccuracy(this.counts, { exact, sequences: b.size, tokensRight: right, tokensScored: scored });
    return this;
  }

  accuracy(): Accuracy {
    return this.counts;
  }

  result(): Score {
    const n = this.counts.tokensScored;
    return {
      exactMatch: exactMatch(this.counts),
      tokenAccuracy: tokenAccuracy(this.counts),
      loss: n ? this.lossSum / n : 0,
      perPosition: this.posScored.map((k, i) => (k ? this.posRight[i] / k : Number.NaN)),
    };
  }
}

/** One batch's counts. */
export const scoreLogits = (output: OutputSpec, b: Batch, logits: ArrayLike<number>, tolerance = NUMERIC_TOLERANCE): Accuracy =>
  new ScoreTally(output, tolerance).add(b, logits).accuracy();
