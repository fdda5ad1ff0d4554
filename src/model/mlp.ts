/**
 * One MLP sublayer: W_in, activation, W_out, with the hook points mlp.hook_pre and mlp.hook_post.
 * Positions are folded into the batch so each projection is a single 2-D matmul.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import type { HookPoints } from './hookPoints.ts';
import type { Params } from './params.ts';
import type { ModelConfig } from './types.ts';

/** GELU with the exact error function (TransformerLens's 'gelu'), ReLU otherwise. */
export function activation(x: tf.Tensor, fn: ModelConfig['actFn']): tf.Tensor {
  if (fn === 'relu') return tf.relu(x);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** x [batch, pos, d_model] (already normalised) → the MLP's output [batch, pos, d_model]. */
export function mlp(x: tf.Tensor, layer: number, dMlp: number, params: Params, actFn: ModelConfig['actFn'], hooks: HookPoints): tf.Tensor {
  const [B, P, D] = x.shape;
  const p = (n: string) => params.get(`blocks.${layer}.mlp.${n}`)!;
  const pre = hooks.apply(
    `blocks.${layer}.mlp.hook_pre`,
    tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * P, D]), p('W_in') as tf.Tensor2D), p('b_in')), [B, P, dMlp]),
  );
  const post = hooks.apply(`blocks.${layer}.mlp.hook_post`, activation(pre, actFn));
  return tf.reshape(tf.add(tf.matMul(tf.reshape(post, [B * P, dMlp]), p('W_out') as tf.Tensor2D), p('b_out')), [B, P, D]);
}
