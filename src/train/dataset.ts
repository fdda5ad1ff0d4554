/**
 * Datasets sampled from a program: inputs of varying length over the vocabulary, labelled by the
 * reference evaluator. A training batch is a pure function of (seed, step): resuming a run needs no
 * replay of a random stream, and every run with one seed sees the same data in the same order.
 */
import { isUserError, RaspError, UserError } from '../rasp/errors.ts';
import { evaluateProgram } from '../rasp/evaluate.ts';
import { sampleInput } from '../rasp/inputs.ts';
import type { Program } from '../rasp/program.ts';
import { makeRng, type Rng } from '../rasp/random.ts';
import { formatValue, valueKey, type MaybeValue, type Value } from '../rasp/values.ts';
import type { ModelConfig, OutputSpec } from '../model/types.ts';

/** What the data is drawn from. */
export interface DataSpec {
  readonly program: Program;
  /** Input tokens (BOS excluded). */
  readonly vocab: readonly Value[];
  readonly minLen: number;
  readonly maxLen: number;
}

/** One labelled input: the program's output per input position (null: undefined there, not scored). */
export interface Example {
  readonly input: Value[];
  readonly output: MaybeValue[];
}

/** A batch laid out for the model: position 0 is BOS, input token i at position i+1, rows padded to `nPos`. */
export interface Batch {
  readonly size: number;
  /** Positions per row (longest input in the batch + 1 for BOS). */
  readonly nPos: number;
  /** Token indices into config.vocab, [size, nPos] row-major; padding uses index 0. */
  readonly tokens: Int32Array;
  /** Valid positions per row, BOS included (input length + 1). */
  readonly lengths: number[];
  /** Categorical: class index per position, -1 where not scored. Numerical: unused (NaN). */
  readonly classes: Int32Array;
  /** Numerical targets per position (NaN where not scored); for categorical outputs NaN. */
  readonly targets: Float32Array;
  /** How many positions are scored. */
  readonly scored: number;
  /** Input tokens in the batch (BOS and padding excluded): what tokens/s counts. */
  readonly inputTokens: number;
}

const MAX_REJECTS = 10_000;

/** Labels one input; `null` when the evaluator refuses it (e.g. a division by zero in a map). */
export function labelInput(program: Program, input: Value[]): MaybeValue[] | null {
  try {
    return evaluateProgram(program, input);
  } catch (e) {
    if (e instanceof RaspError || isUserError(e)) return null;
    throw e;
  }
}

/**
 * Draws `n` labelled examples with `sampleInput`: lengths uniform over [minLen, maxLen] (every length
 * equally represented, as length generalisation and the AND-mask's per-length environments need),
 * tokens uniform over the vocabulary. Inputs the evaluator refuses are drawn again.
 */
export function sampleExamples(spec: DataSpec, rng: Rng, n: number): Example[] {
  const out: Example[] = [];
  let rejects = 0;
  while (out.length < n) {
    const input = sampleInput(rng, spec.vocab, spec.minLen, spec.maxLen);
    const output = labelInput(spec.program, input);
    if (output === null) {
      if (++rejects > MAX_REJECTS) {
        const inputs = `lengths ${spec.minLen}..${spec.maxLen} over [${spec.vocab.map(formatValue).join(', ')}]`;
        throw new UserError(`program '${spec.program.name}' rejects nearly every input of ${inputs}`);
      }
      continue;
    }
    out.push({ input, output });
  }
  return out;
}

/** The training examples of one step: a pure function of (seed, step). */
export function trainExamples(spec: DataSpec, seed: number, step: number, batchSize: number): Example[] {
  return sampleExamples(spec, makeRng(seed).fork(`train:${step}`), batchSize);
}

/** A held-out set from a stream no training step draws from; `lengths` overrides the length range. */
export function testExamples(spec: DataSpec, seed: number, n: number, lengths?: { min: number; max: number }): Example[] {
  const s = lengths ? { ...spec, minLen: lengths.min, maxLen: lengths.max } : spec;
  return sampleExamples(s, makeRng(seed).fork(`test:${s.minLen}-${s.maxLen}`), n);
}

/** Turns examples into a batch for `config`; throws a UserError for a token or output the model cannot hold. */
export function encodeBatch(config: ModelConfig, examples: readonly Example[]): Batch {
  const tokenIndex = new Map(config.vocab.map((v, i) => [valueKey(v), i]));
  const classIndex =
    config.output.encoding === 'categorical' ? new Map(config.output.values.map((v, i) => [valueKey(v), i])) : null;
  const maxInput = examples.reduce((m, e) => Math.max(m, e.input.length), 0);
  const nPos = maxInput + 1;
  if (nPos > config.nCtx) throw new UserError(`inputs of length ${maxInput} do not fit a model with n_ctx ${config.nCtx}`);
  const size = examples.length;
  const tokens = new Int32Array(size * nPos);
  const classes = new Int32Array(size * nPos).fill(-1);
  const targets = new Float32Array(size * nPos).fill(Number.NaN);
  const lengths: number[] = [];
  let scored = 0;
  let inputTokens = 0;
  examples.forEach((ex, r) => {
    const row = r * nPos;
    lengths.push(ex.input.length + 1);
    inputTokens += ex.input.length;
    ex.input.forEach((tok, i) => {
      const k = tokenIndex.get(valueKey(tok));
      if (k === undefined || k === 0)
        throw new UserError(`token ${formatValue(tok)} is not in the model's vocabulary [${config.vocab.map(formatValue).join(', ')}]`);
      tokens[row + i + 1] = k;
    });
    ex.output.forEach((y, i) => {
      if (y === null) return;
      if (classIndex) {
        const c = classIndex.get(valueKey(y));
        if (c === undefined) throw new UserError(`output value ${formatValue(y)} is not among the model's output classes [${outputValuesText(config.output)}]`);
        classes[row + i + 1] = c;
      } else {
        targets[row + i + 1] = Number(y);
      }
      scored++;
    });
  });
  return { size, nPos, tokens, lengths, classes, targets, scored, inputTokens };
}

function outputValuesText(o: OutputSpec): string {
  return o.encoding === 'categorical' ? o.values.map(formatValue).join(', ') : 'numerical';
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
