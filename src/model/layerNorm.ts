/**
 * TransformerLens's LayerNorm: centre, divide by the root mean square (eps inside the root), then
 * scale and shift. Applied over the last axis. `hook` sees (and may replace) the scale
 * [..., 1] and the normalised stream before the weight and bias, TransformerLens's `hook_scale`
 * and `hook_normalized`.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';

export const LN_EPS = 1e-5;

export type NormHook = (point: 'hook_scale' | 'hook_normalized', t: tf.Tensor) => tf.Tensor;

export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, hook: NormHook = (_, t) => t): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const scale = hook('hook_scale', tf.sqrt(tf.add(tf.mean(tf.square(centred), -1, true), LN_EPS)));
  return tf.add(tf.mul(hook('hook_normalized', tf.div(centred, scale)), w), b);
}
