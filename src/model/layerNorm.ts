/**
 * TransformerLens's LayerNorm: centre, divide by the root mean square (eps inside the root), then
 * scale and shift. Applied over the last axis.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';

export const LN_EPS = 1e-5;

export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const scale = tf.sqrt(tf.add(tf.mean(tf.square(centred), -1, true), LN_EPS));
  return tf.add(tf.mul(tf.div(centred, scale), w), b);
}
