/**
 * A gradient worker: a thread with its own tfjs backend that computes one shard's summed loss
 * and gradients per step, reading the weights from and writing the gradients to shared memory.
 * Started by gradPool.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../model/backend.ts';
import { serve } from '../../threads/serve.ts';
import { shardGradients } from '../step.ts';
import { offsetsOf, type GradReply, type GradRequest } from './protocol.ts';

let init: Extract<GradRequest, { type: 'init' }> | undefined;
let weights: Float32Array;
let grads: Float32Array;
let offsets: number[] = [];

serve<GradRequest, GradReply>(async (m) => {
  if (m.type === 'init') {
    init = m;
    weights = new Float32Array(m.weights);
    grads = new Float32Array(m.grads);
    offsets = offsetsOf(m.shapes).offsets;
    return { backend: await selectBackend(m.backend) };
  }
  if (!init) throw new Error('a step before init');
  const ctx = init;
  const params = ctx.shapes.map((shape, i) => tf.tensor(weights.slice(offsets[i], offsets[i] + shape.reduce((a, b) => a * b, 1)), [...shape], 'float32'));
  try {
    const r = shardGradients(ctx, params, m.examples);
    r.grads.forEach((g, i) => grads.set(g, offsets[i]));
    return { loss: r.loss, scored: r.scored };
  } finally {
    tf.dispose(params);
  }
});
