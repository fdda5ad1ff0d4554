/**
 * A gradient worker: a thread with its own tfjs backend that computes one shard's summed loss
 * and gradients per step, reading the weights from and writing the gradients to shared memory.
 * Started by gradPool.ts; never run directly.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../model/backend.ts';
import { shardGradients } from '../step.ts';
import { offsetsOf, type FromWorker, type InitMessage, type ToWorker } from './protocol.ts';

if (!parentPort) throw new Error('gradWorker.ts runs only as a worker thread');
const port = parentPort;
const send = (m: FromWorker) => port.postMessage(m);

let init: InitMessage | undefined;
let weights: Float32Array;
let grads: Float32Array;
let offsets: number[] = [];
let sizes: number[] = [];

function step(id: number, examples: Parameters<typeof shardGradients>[2]): void {
  const ctx = init!;
  const params = ctx.shapes.map((shape, i) => tf.tensor(weights.slice(offsets[i], offsets[i] + sizes[i]), [...shape], 'float32'));
  try {
    const r = shardGradients(ctx, params, examples);
    r.grads.forEach((g, i) => grads.set(g, offsets[i]));
    send({ type: 'done', id, loss: r.loss, scored: r.scored });
  } finally {
    tf.dispose(params);
  }
}

port.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        init = m;
        weights = new Float32Array(m.weights);
        grads = new Float32Array(m.grads);
        offsets = offsetsOf(m.shapes).offsets;
        sizes = m.shapes.map((s) => s.reduce((a, b) => a * b, 1));
        send({ type: 'ready', backend: await selectBackend(m.backend) });
      } else if (m.type === 'step') step(m.id, m.examples);
      else port.close();
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
