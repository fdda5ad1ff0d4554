/**
 * Between values and token ids: inputs gain a BOS at position 0 and are padded (with BOS) to a
 * common number of positions; labels become class indices (categorical outputs) or targets
 * (numerical ones) at the positions where the program's output is defined. Training, probes and
 * the model's own `outputs` all encode through `encodeBatch`, so a bad token is worded one way.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import { UserError } from '../rasp/errors.ts';
import type { Example } from '../rasp/examples.ts';
import { formatValue, valueKey, type Value } from '../rasp/values.ts';
import type { ModelConfig, OutputSpec } from './types.ts';

/** Rows per forward pass when a caller does not say. */
export const DEFAULT_BATCH_SIZE = 256;

/** A batch laid out for the model: position 0 is BOS, input token i at position i+1, rows padded to `nPos`. */
export interface Batch {
  readonly size: number;
  /** Positions per row (longest input in the batch + 1 for BOS, or more when asked). */
  readonly nPos: number;
  /** Token indices into config.vocab, [size, nPos] row-major; padding uses index 0. */
  readonly tokens: Int32Array;
  /** Valid positions per row, BOS included (input length + 1). */
  readonly lengths: number[];
  /** Categorical: class index per position, -1 where not scored. Numerical: unused (-1). */
  readonly classes: Int32Array;
  /** Numerical targets per position (NaN where not scored); for categorical outputs NaN. */
  readonly targets: Float32Array;
  /** How many positions are scored. */
  readonly scored: number;
  /** Input tokens in the batch (BOS and padding excluded): what tokens/s counts. */
  readonly inputTokens: number;
}

/** Lookup key with RASP's equality: true ≡ 1 and false ≡ 0, strings by text. */
function tokenKey(v: Value): string {
  return typeof v === 'string' ? `s:${v}` : `n:${Number(v)}`;
}

const tokenIndexCache = new WeakMap<readonly Value[], Map<string, number>>();

/** Token value → vocabulary index (BOS, index 0, is never an input token). */
function tokenIndex(vocab: readonly Value[]): Map<string, number> {
  let m = tokenIndexCache.get(vocab);
  if (!m) {
    m = new Map();
    for (let i = vocab.length - 1; i >= 1; i--) m.set(tokenKey(vocab[i]), i);
    tokenIndexCache.set(vocab, m);
  }
  return m;
}

function outputValuesText(o: OutputSpec): string {
  return o.encoding === 'categorical' ? o.values.map(formatValue).join(', ') : 'numerical';
}

/**
 * Lays examples out for `config`, with at least `nPos` positions (default: the longest input + 1).
 * Throws a UserError naming the first input that is too long, token the vocabulary lacks, or
 * output value the model has no class for.
 */
export function encodeBatch(config: ModelConfig, examples: readonly Example[], opts: { nPos?: number } = {}): Batch {
  const index = tokenIndex(config.vocab);
  const classIndex = config.output.encoding === 'categorical' ? new Map(config.output.values.map((v, i) => [valueKey(v), i])) : null;
  const maxInput = config.nCtx - 1;
  const nPos = Math.max(opts.nPos ?? 0, 1 + examples.reduce((m, e) => Math.max(m, e.input.length), 0));
  const size = examples.length;
  const tokens = new Int32Array(size * nPos); // 0 = BOS, which is also the padding
  const classes = new Int32Array(size * nPos).fill(-1);
  const targets = new Float32Array(size * nPos).fill(Number.NaN);
  const lengths: number[] = [];
  let scored = 0;
  let inputTokens = 0;
  examples.forEach((ex, r) => {
    const row = r * nPos;
    if (ex.input.length > maxInput) throw new UserError(`input of length ${ex.input.length} is too long: the model takes at most ${maxInput} tokens`);
    lengths.push(ex.input.length + 1);
    inputTokens += ex.input.length;
    ex.input.forEach((tok, i) => {
      const id = index.get(tokenKey(tok));
      if (id === undefined)
        throw new UserError(`unknown token '${formatValue(tok)}' at position ${i}; vocabulary: ${config.vocab.slice(1).map(formatValue).join(' ')}`);
      tokens[row + i + 1] = id;
    });
    ex.output.forEach((y, i) => {
      if (y === null) return;
      if (classIndex) {
        const c = classIndex.get(valueKey(y));
        if (c === undefined) throw new UserError(`output value ${formatValue(y)} is not among the model's output classes [${outputValuesText(config.output)}]`);
        classes[row + i + 1] = c;
      } else targets[row + i + 1] = Number(y);
      scored++;
    });
  });
  return { size, nPos, tokens, lengths, classes, targets, scored, inputTokens };
}

/** Inputs without labels: enough to run a model on. */
export function encodeInputs(config: ModelConfig, inputs: readonly (readonly Value[])[], opts: { nPos?: number } = {}): Batch {
  return encodeBatch(
    config,
    inputs.map((x) => ({ input: [...x], output: [] })),
    opts,
  );
}

/** The batch's token ids as the int32 [batch, pos] tensor the forward pass takes. */
export function batchTokens(b: Batch): tf.Tensor2D {
  return tf.tensor2d(b.tokens, [b.size, b.nPos], 'int32');
}
