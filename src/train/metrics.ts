/**
 * Accuracy of a model under training on labelled batches (scored by src/model/scoring.ts, as every
 * command scores), and the matmul FLOPs a training step costs.
 */
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';
import { batchTokens, type Batch } from '../model/batch.ts';
import { forward } from '../model/forward.ts';
import type { Params } from '../model/params.ts';
import { addAccuracy, NUMERIC_TOLERANCE, scoreLogits, ZERO_ACCURACY, type Accuracy } from '../model/scoring.ts';
import type { ModelConfig } from '../model/types.ts';

/** Runs the model on each batch (no gradients) and scores it; numerical outputs right within `tolerance`. */
export async function measureAccuracy(config: ModelConfig, params: Params, batches: readonly Batch[], tolerance = NUMERIC_TOLERANCE): Promise<Accuracy> {
  let acc = ZERO_ACCURACY;
  for (const b of batches) {
    const logits = tf.tidy(() => {
      return forward(config, params, { tokens: batchTokens(b), lengths: b.lengths }, { cache: false }).logits;
    });
    const data = await logits.data();
    logits.dispose();
    acc = addAccuracy(acc, scoreLogits(config.output, b, data as Float32Array, tolerance));
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
