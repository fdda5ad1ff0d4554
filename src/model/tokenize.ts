/**
 * Between values and token ids: inputs gain a BOS at position 0 and are padded (with BOS) to the
 * longest row; outputs drop BOS and padding again.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../rasp/errors.ts';
import { formatValue, type MaybeValue, type Value } from '../rasp/values.ts';
import type { ModelConfig } from './types.ts';

/** Lookup key with RASP's equality: true ≡ 1 and false ≡ 0, strings by text. */
function tokenKey(v: Value): string {
  return typeof v === 'string' ? `s:${v}` : `n:${Number(v)}`;
}

const tokenIndexCache = new WeakMap<readonly Value[], Map<string, number>>();

/** Token value → vocabulary index (BOS, index 0, is never an input token). */
export function tokenIndex(vocab: readonly Value[]): Map<string, number> {
  let m = tokenIndexCache.get(vocab);
  if (!m) {
    m = new Map();
    for (let i = vocab.length - 1; i >= 1; i--) m.set(tokenKey(vocab[i]), i);
    tokenIndexCache.set(vocab, m);
  }
  return m;
}

export interface EncodedIds {
  /** Row-major [batch, nPos] token ids. */
  readonly ids: Int32Array;
  readonly nPos: number;
  /** Valid positions per row, BOS included (input length + 1). */
  readonly lengths: number[];
}

/** Encodes to plain arrays (no tensors): the part of encodeInputs that can fail. */
export function encodeIds(config: ModelConfig, inputs: readonly (readonly Value[])[]): EncodedIds {
  const index = tokenIndex(config.vocab);
  const maxInput = config.nCtx - 1;
  const nPos = 1 + inputs.reduce((m, r) => Math.max(m, r.length), 0);
  const ids = new Int32Array(inputs.length * nPos); // 0 = BOS, which is also the padding
  const lengths: number[] = [];
  inputs.forEach((row, b) => {
    if (row.length > maxInput) throw new UserError(`input of length ${row.length} is too long: the model takes at most ${maxInput} tokens`);
    row.forEach((tok, i) => {
      const id = index.get(tokenKey(tok));
      if (id === undefined)
        throw new UserError(`unknown token '${formatValue(tok)}' at position ${i}; vocabulary: ${config.vocab.slice(1).map(formatValue).join(' ')}`);
      ids[b * nPos + i + 1] = id;
    });
    lengths.push(row.length + 1);
  });
  return { ids, nPos, lengths };
}

export function encodeInputs(config: ModelConfig, inputs: readonly (readonly Value[])[]): { tokens: tf.Tensor2D; lengths: number[] } {
  const { ids, nPos, lengths } = encodeIds(config, inputs);
  return { tokens: tf.tensor2d(ids, [inputs.length, nPos], 'int32'), lengths };
}

/** Decodes logits read back as [batch·nPos·dOut] floats. */
export function decodeLogitArray(config: ModelConfig, data: ArrayLike<number>, nPos: number, lengths: readonly number[]): MaybeValue[][] {
  const out = config.output;
  const dOut = out.encoding === 'categorical' ? out.values.length : 1;
  return lengths.map((len, b) => {
    const row: MaybeValue[] = [];
    for (let p = 1; p < len; p++) {
      const at = (b * nPos + p) * dOut;
      if (out.encoding === 'numerical') row.push(data[at]);
      else {
        let best = 0;
        for (let i = 1; i < dOut; i++) if (data[at + i] > data[at + best]) best = i;
        row.push(out.values[best]);
      }
    }
    return row;
  });
}

/** Output values per row, BOS position and padding dropped. Reads the logits synchronously. */
export function decodeLogits(config: ModelConfig, logits: tf.Tensor3D, lengths: readonly number[]): MaybeValue[][] {
  const [B, P] = logits.shape;
  if (B !== lengths.length) throw new Error(`decodeLogits: ${lengths.length} lengths for a batch of ${B}`);
  return decodeLogitArray(config, logits.dataSync(), P, lengths);
}
