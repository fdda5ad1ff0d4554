/**
 * The secant backward pass of edge patching (edgeRun.ts, `backward: 'secant'`): each nonlinearity
 * computes its value as usual, and its gradient is its secant between this run and the reference
 * (the corrupted) run instead of its slope here, DeepLIFT's rescale rule. Where the two runs agree
 * the secant is the slope.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { activation } from '../../src/model/mlp.ts';
import type { ModelConfig } from '../../src/model/types.ts';

/** softmax over the last axis, a row with every key masked 0 (as the forward pass makes it). */
function maskedSoftmax(scores: tf.Tensor): tf.Tensor {
  const p = tf.softmax(scores, -1);
  return tf.where(tf.isNaN(p), tf.zerosLike(p), p);
}

/** The softmax of `scores`, crossed backwards by its secant to the reference run's. */
export function secantSoftmax(refScores: tf.Tensor, refPattern: tf.Tensor): (scores: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [scores, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const p = maskedSoftmax(scores);
    save([scores, p]);
    return {
      value: p,
      gradFunc: (dy: tf.Tensor, [s, pattern]: tf.Tensor[]) => {
        const mid = tf.mul(tf.add(pattern, refPattern), 0.5);
        const jacobian = (x: tf.Tensor) => tf.mul(mid, tf.sub(x, tf.sum(tf.mul(mid, x), -1, true)));
        // Masked keys score −∞ in both runs: no change there.
        const ds = tf.where(tf.logicalAnd(tf.isFinite(s), tf.isFinite(refScores)), tf.sub(s, refScores), tf.zerosLike(s));
        const u = jacobian(ds);
        const uu = tf.sum(tf.square(u), -1, true);
        const scale = tf.where(tf.greater(uu, 1e-12), tf.div(tf.sum(tf.mul(u, tf.sub(pattern, refPattern)), -1, true), tf.maximum(uu, 1e-12)), tf.onesLike(uu));
        return tf.mul(scale, jacobian(dy));
      },
    };
  }) as (scores: tf.Tensor) => tf.Tensor;
}

/** x² for x = output − target, crossed backwards by its secant to the reference's x′ = refOutput − target: dy · (x + x′). */
export function secantSquare(refOutput: tf.Tensor, target: tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return { value: tf.square(x), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.add(saved, tf.sub(refOutput, target))) };
  }) as (x: tf.Tensor) => tf.Tensor;
}

/** The activation's slope at x (where the two runs' pre-activations meet). */
function activationSlope(x: tf.Tensor, fn: ModelConfig['actFn']): tf.Tensor {
  if (fn === 'relu') return tf.cast(tf.greater(x, 0), 'float32');
  // GELU: Φ(x) + x·φ(x)
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5);
  return tf.add(cdf, tf.mul(x, tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI))));
}

/** The MLP activation of `pre`, crossed backwards by its secant to the reference pre-activations. */
export function secantActivation(refPre: tf.Tensor, fn: ModelConfig['actFn']): (pre: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [pre, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([pre]);
    return {
      value: activation(pre, fn),
      gradFunc: (dy: tf.Tensor, [x]: tf.Tensor[]) => {
        const dx = tf.sub(x, refPre);
        const apart = tf.greater(tf.abs(dx), 1e-6);
        const secant = tf.div(tf.sub(activation(x, fn), activation(refPre, fn)), tf.where(apart, dx, tf.onesLike(dx)));
        return tf.mul(dy, tf.where(apart, secant, activationSlope(x, fn)));
      },
    };
  }) as (pre: tf.Tensor) => tf.Tensor;
}
