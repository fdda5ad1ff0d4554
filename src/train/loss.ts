/**
 * Losses over scored positions only (undefined outputs, BOS and padding contribute nothing):
 * cross-entropy per position for categorical outputs, squared error for numerical ones, each
 * averaged over the scored positions of the batch.
 */
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';
import type { OutputSpec } from '../model/types.ts';
import type { Batch } from '../model/batch.ts';

/** The label side of a batch as tensors, built once per batch and reused by loss and metrics. */
export interface Targets {
  /** Categorical: one-hot classes [batch, pos, classes], all-zero rows where not scored. Numerical: values [batch, pos]. */
  readonly values: tf.Tensor;
  /** 1 where scored, 0 elsewhere, [batch, pos] (numerical only; the one-hot rows already mask categorical). */
  readonly mask: tf.Tensor2D | null;
  readonly scored: number;
}

export function batchTargets(output: OutputSpec, b: Batch): Targets {
  if (output.encoding === 'categorical') {
    const c = output.values.length;
    const oneHot = new Float32Array(b.size * b.nPos * c);
    b.classes.forEach((k, i) => {
      if (k >= 0) oneHot[i * c + k] = 1;
    });
    return { values: tf.tensor3d(oneHot, [b.size, b.nPos, c]), mask: null, scored: b.scored };
  }
  const mask = new Float32Array(b.targets.length);
  const vals = new Float32Array(b.targets.length);
  b.targets.forEach((y, i) => {
    if (!Number.isNaN(y)) {
      mask[i] = 1;
      vals[i] = y;
    }
  });
  return { values: tf.tensor2d(vals, [b.size, b.nPos]), mask: tf.tensor2d(mask, [b.size, b.nPos]), scored: b.scored };
}

export function disposeTargets(t: Targets): void {
  t.values.dispose();
  t.mask?.dispose();
}

/**
 * Mean loss over scored positions; `logits` is [batch, pos, d_vocab_out]. `denom` replaces the
 * batch's own count: 1 gives the sum, which gradient workers return so that shards add exactly.
 */
export function maskedLoss(output: OutputSpec, logits: tf.Tensor3D, targets: Targets, denom = Math.max(1, targets.scored)): tf.Scalar {
  return tf.tidy(() => {
    if (output.encoding === 'categorical') {
      const logp = tf.logSoftmax(logits, -1);
      return tf.div(tf.neg(tf.sum(tf.mul(logp, targets.values))), denom) as tf.Scalar;
    }
    const pred = tf.squeeze(logits, [2]);
    const err = tf.mul(tf.square(tf.sub(pred, targets.values)), targets.mask!);
    return tf.div(tf.sum(err), denom) as tf.Scalar;
  });
}
