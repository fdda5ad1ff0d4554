/**
 * Multinomial logistic regression with tfjs, full batch, started from a given solution (the
 * least-squares fit) so a few hundred Adam steps suffice. Small L2 keeps separable problems finite.
 */
import * as tf from '@tensorflow/tfjs';
import '../src/model/quietTf.ts';

export interface LogisticFit {
  /** d×k weights and k biases, row-major. */
  readonly W: Float32Array;
  readonly b: Float32Array;
}

export function trainLogistic(
  X: Float32Array,
  n: number,
  d: number,
  labels: Int32Array,
  k: number,
  init: { W: Float32Array; b: Float32Array },
  opts: { steps?: number; learningRate?: number; l2?: number } = {},
): LogisticFit {
  const steps = opts.steps ?? 200;
  const l2 = opts.l2 ?? 1e-4;
  // tf.variable copies its initial value, and oneHot its indices: tidy frees those originals.
  const [W, b, x, y] = tf.tidy(() => [
    tf.variable(tf.tensor2d(init.W, [d, k])),
    tf.variable(tf.tensor1d(init.b)),
    tf.tensor2d(X, [n, d]),
    tf.oneHot(tf.tensor1d(labels, 'int32'), k),
  ]);
  const opt = tf.train.adam(opts.learningRate ?? 0.05);
  try {
    for (let s = 0; s < steps; s++) {
      tf.tidy(() => {
        opt.minimize(() => {
          const logits = tf.add(tf.matMul(x, W), b);
          const ce = tf.losses.softmaxCrossEntropy(y, logits);
          return tf.add(ce, tf.mul(l2, tf.sum(tf.square(W)))) as tf.Scalar;
        });
      });
    }
    return { W: W.dataSync() as Float32Array, b: b.dataSync() as Float32Array };
  } finally {
    opt.dispose();
    W.dispose();
    b.dispose();
    x.dispose();
    y.dispose();
  }
}
