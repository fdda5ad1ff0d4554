/**
 * Run as its own process (the wasm build is chosen once per process): loads the wasm backend
 * with the threads given on the command line (or the wasm-threads choice), and prints as JSON the build that ran, a large
 * matMul and a tiny model's logits and gradients (SHA-256 of their float32 bytes: equal means
 * bit-identical), and the first few values.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { backendBuild, selectBackend, setWasmThreads } from '../../src/model/backend.ts';
import { forward } from '../../src/model/forward.ts';
import { paramsFromModel } from '../../src/model/params.ts';
import { randomModel, tinyConfig } from './tinyModels.ts';

// A count: setWasmThreads then the wasm backend; 'wasm-threads': that backend choice as it is.
const arg = process.argv[2];
if (arg !== 'wasm-threads') setWasmThreads(Number(arg));
await selectBackend(arg === 'wasm-threads' ? 'wasm-threads' : 'wasm');
const a = tf.randomUniform([384, 384], -1, 1, 'float32', 1);
const b = tf.randomUniform([384, 384], -1, 1, 'float32', 2);
const matMul = tf.matMul(a, b).dataSync() as Float32Array;
const m = randomModel(tinyConfig(), 31);
const params = paramsFromModel(m, { trainable: true });
const tokens = tf.tensor2d(
  [
    [0, 1, 2, 3, 1],
    [0, 3, 1, 0, 0],
  ],
  undefined,
  'int32',
);
const { grads } = tf.variableGrads(() => tf.sum(tf.square(forward(m.config, params, { tokens, lengths: [5, 3] }).logits)) as tf.Scalar);
const gradients = Float32Array.from(
  Object.keys(grads)
    .sort()
    .flatMap((k) => Array.from(grads[k].dataSync())),
);
const logits = forward(m.config, params, { tokens, lengths: [5, 3] }).logits.dataSync() as Float32Array;
const digest = (x: Float32Array) => ({
  sha256: createHash('sha256')
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex'),
  first: Array.from(x.slice(0, 4)),
});
process.stdout.write(JSON.stringify({ build: await backendBuild(), matMul: digest(matMul), logits: digest(logits), gradients: digest(gradients) }), () =>
  process.exit(0),
);
