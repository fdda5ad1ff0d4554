/**
 * Accuracy of a model on labelled batches, and the matmul FLOPs a training step costs.
 * Exact match: every scored position of a sequence right. Numerical outputs count as right within
 * `NUMERIC_TOLERANCE` of the target.
 */
import * as tf from '@tensorflow/tfjs';
import { forward } from '../model/forward.ts';
import type { Params } from '../model/params.ts';
import type { ModelConfig, OutputSpec } from '../model/types.ts';
import type { Batch } from './dataset.ts';

export const NUMERIC_TOLERANCE = 0.05;

export interface Accuracy {
  /** Sequences with every scored position right. */
  readonly exact: number;
  readonly sequences: number;
  readonly tokensRight: number;
  readonly tokensScored: number;
}

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
export const ZERO_ACCURACY: Accuracy = { exact: 0, sequences: 0, tokensRight: 0, tokensScored: 0 };

/** Scores logits read back from the backend ([size, nPos, d_out] row-major) against a batch's labels. */
export function scoreLogits(output: OutputSpec, b: Batch, logits: Float32Array | Int32Array | Uint8Array): Accuracy {
  const dOut = output.encoding === 'categorical' ? output.values.length : 1;
  let exact = 0;
  let tokensRight = 0;
  let tokensScored = 0;
  for (let r = 0; r < b.size; r++) {
    let allRight = true;
    for (let p = 1; p < b.lengths[r]; p++) {
      const i = r * b.nPos + p;
      let right: boolean;
      if (output.encoding === 'categorical') {
        const k = b.classes[i];
        if (k < 0) continue;
        const base = i * dOut;
        let best = 0;
        for (let c = 1; c < dOut; c++) if (logits[base + c] > logits[base + best]) best = c;
        right = best === k;
      } else {
        const y = b.targets[i];
        if (Number.isNaN(y)) continue;
        right = Math.abs(logits[i] - y) <= NUMERIC_TOLERANCE;
      }
      tokensScored++;
      if (right) tokensRight++;
      else allRight = false;
    }
    if (allRight) exact++;
  }
  return { exact, sequences: b.size, tokensRight, tokensScored };
}

/** Runs the model on each batch (no gradients) and scores it. */
export async function measureAccuracy(config: ModelConfig, params: Params, batches: readonly Batch[]): Promise<Accuracy> {
  let acc = ZERO_ACCURACY;
  for (const b of batches) {
    const logits = tf.tidy(() => {
      const tokens = tf.tensor2d(b.tokens, [b.size, b.nPos], 'int32');
      return forward(config, params, { tokens, lengths: b.lengths }, { cache: false }).logits;
    });
    const data = await logits.data();
    logits.dispose();
    acc = addAccuracy(acc, scoreLogits(config.output, b, data as Float32Array));
  }
  return acc;
}

/**
 * Matmul FLOPs (2 per multiply-add) of one forward pass over `batch` rows of `nPos` positions:
 * Q/K/V and output projections, scores and pattern·V, MLP in and out, unembedding. The embedding
 * lookup is counted as a one-hot matmul (d_vocab × d_model per position) since that is what its
 * gradient costs when implemented that way. A training step costs about 3× this (forward, and a
 * backward with two matmuls per forward matmul).
 */
export function forwardFlops(config: ModelConfig, batch: number, nPos: number): number {
  const d = config.dModel;
  const n = batch * nPos;
  let f = 2 * n * config.vocab.length * d;
  for (const l of config.layers) {
    const hd = l.nHeads * l.dHead;
    if (l.nHeads > 0) {
      f += 2 * n * d * hd * 3; // W_Q, W_K, W_V
      f += 2 * batch * nPos * nPos * hd * 2; // scores and pattern·V
      f += 2 * n * hd * d; // W_O
    }
    if (l.dMlp > 0) f += 2 * n * d * l.dMlp * 2;
  }
  const dOut = config.output.encoding === 'categorical' ? config.output.values.length : 1;
  f += 2 * n * d * dOut;
  return f;
}

export const trainStepFlops = (config: ModelConfig, batch: number, nPos: number): number => 3 * forwardFlops(config, batch, nPos);
