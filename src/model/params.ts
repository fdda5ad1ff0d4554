/**
 * Weights as tensors: what the forward pass consumes. Trainable params are tf.Variables so the
 * trainer can take gradients with tf.variableGrads; the forward pass treats both alike.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import type { ModelData, WeightArray } from './types.ts';

/** Weight name (TransformerLens's) → tensor with that weight's shape. The owner disposes them. */
export type Params = Map<string, tf.Tensor>;

export function paramsFromModel(m: Pick<ModelData, 'weights'>, opts: { trainable?: boolean } = {}): Params {
  const params: Params = new Map();
  for (const [name, w] of m.weights) {
    const t = tf.tensor(w.data, [...w.shape], 'float32');
    if (opts.trainable) {
      params.set(name, tf.variable(t, true));
      t.dispose();
    } else params.set(name, t);
  }
  return params;
}

/** Reads params back into plain arrays (copies; the params stay alive). */
export function paramsToWeights(params: Params): Map<string, WeightArray> {
  const out = new Map<string, WeightArray>();
  for (const [name, t] of params) out.set(name, { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) });
  return out;
}

export function disposeParams(params: Params): void {
  for (const t of params.values()) t.dispose();
}
