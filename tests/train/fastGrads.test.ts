import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { installFastGradients } from '../../src/train/fastGrads.ts';

/** Gradients of f at the given arrays, on one backend. */
async function gradsOn(backend: string, f: (...ts: tf.Tensor[]) => tf.Scalar, inputs: { data: number[]; shape: number[] }[]): Promise<number[][]> {
  await tf.setBackend(backend);
  await tf.ready();
  installFastGradients();
  return tf.tidy(() =>
    tf
      .grads(f)(inputs.map((i) => tf.tensor(i.data, i.shape)))
      .map((g) => Array.from(g.dataSync())),
  );
}

const ramp = (n: number, k = 1) => Array.from({ length: n }, (_, i) => Math.sin(k * (i + 1)));
const weights = Array.from({ length: 24 }, (_, i) => Math.cos(i));

describe('training gradients on wasm', () => {
  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('matMul(transposeA=%s, transposeB=%s) has the same gradient as on cpu', async (ta, tb) => {
    const a = { data: ramp(12), shape: ta ? [4, 3] : [3, 4] };
    const b = { data: ramp(20, 2), shape: tb ? [5, 4] : [4, 5] };
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), tf.tensor(ramp(15, 3), [3, 5])));
    const cpu = await gradsOn('cpu', f as never, [a, b]);
    const wasm = await gradsOn('wasm', f as never, [a, b]);
    cpu.forEach((g, i) => g.forEach((v, j) => expect(wasm[i][j]).toBeCloseTo(v, 5)));
  });

  it('a weight gradient whose activation is the larger operand (taken as (dyᵀ·x)ᵀ on wasm) is the one cpu computes', async () => {
    const x = { data: ramp(6 * 8), shape: [6, 8] };
    const w = { data: ramp(8 * 2, 2), shape: [8, 2] };
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), tf.tensor(ramp(12, 3), [6, 2])));
    const cpu = await gradsOn('cpu', f as never, [x, w]);
    const wasm = await gradsOn('wasm', f as never, [x, w]);
    cpu.forEach((g, i) => g.forEach((v, j) => expect(wasm[i][j]).toBeCloseTo(v, 5)));
  });

  it('a clone on wasm shares its data and keeps it after the original is disposed', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    installFastGradients();
    const t = tf.tensor([1, 2, 3]);
    const c = tf.clone(t);
    t.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
  });

  it.each([0, 1])('gather along axis %i trains on wasm, with the gradient cpu computes (repeated indices summed)', async (axis) => {
    const x = { data: ramp(24), shape: axis === 0 ? [6, 4] : [4, 6] };
    const idx = [
      [0, 2, 2],
      [5, 0, 2],
    ];
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor2d(idx, [2, 3], 'int32'), axis), tf.tensor(weights, axis === 0 ? [2, 3, 4] : [4, 2, 3])));
    const cpu = await gradsOn('cpu', f as never, [x]);
    const wasm = await gradsOn('wasm', f as never, [x]);
    expect(cpu[0].some((v) => v !== 0)).toBe(true);
    cpu[0].forEach((v, j) => expect(wasm[0][j]).toBeCloseTo(v, 5));
  });
});
