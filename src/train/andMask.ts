/**
 * The AND-mask of Parascandolo et al., "Learning explanations that are hard to vary" (ICLR 2021).
 *
 * Each environment (here: the sequences of one length) gives its own gradient. A component is kept
 * when the environments agree on its sign: |mean over environments of sign(g_e)| ≥ τ, the paper's
 * criterion (τ = 1: every environment agrees; a component any environment leaves at exactly 0 can
 * then not pass). Kept components take the mean gradient; the rest are zeroed. As in the paper's
 * code, each parameter's surviving gradient is then scaled by (its size / number kept), so masking
 * does not shrink the step.
 */
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';

/** The 0/1 mask of components whose signs agree across `envGrads` (one tensor per environment, same shape). */
export function agreementMask(envGrads: readonly tf.Tensor[], threshold: number): tf.Tensor {
  if (envGrads.length === 0) throw new Error('agreementMask needs at least one environment');
  return tf.tidy(() => {
    const signSum = tf.abs(tf.addN(envGrads.map((g) => tf.sign(g))));
    // Compare counts, not a float mean, so τ = 2/3 with 3 environments keeps exactly "2 of 3 net".
    const needed = threshold * envGrads.length - 1e-6;
    return tf.cast(tf.greaterEqual(signSum, needed), 'float32');
  });
}

/** The AND-masked, rescaled mean gradient of one parameter. */
export function andMaskGradient(envGrads: readonly tf.Tensor[], threshold: number): tf.Tensor {
  return tf.tidy(() => {
    const mask = agreementMask(envGrads, threshold);
    const mean = tf.div(tf.addN(envGrads as tf.Tensor[]), envGrads.length);
    const kept = tf.sum(mask);
    const scale = tf.div(tf.scalar(mask.size), tf.add(kept, 1e-10 * mask.size));
    return tf.mul(tf.mul(mask, mean), scale);
  });
}

/** Applies `andMaskGradient` parameter by parameter: envGrads[e][p] is environment e's gradient of parameter p. */
export function andMaskGradients(envGrads: readonly (readonly tf.Tensor[])[], threshold: number): tf.Tensor[] {
  const nParams = envGrads[0]?.length ?? 0;
  const out: tf.Tensor[] = [];
  for (let p = 0; p < nParams; p++)
    out.push(
      andMaskGradient(
        envGrads.map((g) => g[p]),
        threshold,
      ),
    );
  return out;
}
