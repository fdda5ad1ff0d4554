import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreementMask, andMaskGradient, andMaskGradients } from '../../src/train/andMask.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Three environments, six components:
//  0: all positive        1: all negative        2: two positive, one negative
//  3: one env exactly 0   4: mixed 1+/1-/1 zero  5: all positive, tiny
const envs = [
  [1.0, -2.0, 3.0, 0.0, 1.0, 1e-6],
  [2.0, -1.0, 1.0, 2.0, -1.0, 2e-6],
  [3.0, -3.0, -1.0, 4.0, 0.0, 3e-6],
];

describe('AND-mask', () => {
  it('τ = 1 keeps exactly the components every environment agrees on', () => {
    const g = envs.map((e) => tf.tensor1d(e));
    const mask = agreementMask(g, 1);
    expect(Array.from(mask.dataSync())).toEqual([1, 1, 0, 0, 0, 1]);
    const out = andMaskGradient(g, 1);
    const mean = [2, -2, 1, 2, 0, 2e-6];
    const scale = 6 / 3; // size / kept, the paper's rescaling
    const expected = mean.map((m, i) => (i === 0 || i === 1 || i === 5 ? m * scale : 0));
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([...g, mask, out]);
  });

  it('τ = 1/3 also keeps a net agreement of one environment (2 of 3, or 1 of 2 with a zero)', () => {
    const g = envs.map((e) => tf.tensor1d(e));
    const mask = agreementMask(g, 1 / 3);
    // |sum of signs| per component: 3, 3, 1, 2, 0, 3
    expect(Array.from(mask.dataSync())).toEqual([1, 1, 1, 1, 0, 1]);
    const twoThirds = agreementMask(g, 2 / 3);
    expect(Array.from(twoThirds.dataSync())).toEqual([1, 1, 0, 1, 0, 1]);
    tf.dispose([...g, mask, twoThirds]);
  });

  it('masks per parameter: the rescaling uses each parameter’s own kept fraction', () => {
    const p0 = envs.map((e) => tf.tensor2d(e, [2, 3]));
    const p1 = [tf.tensor1d([1, 1]), tf.tensor1d([1, -1]), tf.tensor1d([1, 1])];
    const [g0, g1] = andMaskGradients(
      [0, 1, 2].map((e) => [p0[e], p1[e]]),
      1,
    );
    expect(g0.shape).toEqual([2, 3]);
    // Parameter 1: only component 0 agrees; mean 1, scaled by 2/1.
    expect(Array.from(g1.dataSync())).toEqual([2, 0]);
    tf.dispose([...p0, ...p1, g0, g1]);
  });

  it('a fully masked parameter gets a zero gradient, not NaN', () => {
    const g = [tf.tensor1d([1, -1]), tf.tensor1d([-1, 1])];
    const out = andMaskGradient(g, 1);
    expect(Array.from(out.dataSync())).toEqual([0, 0]);
    tf.dispose([...g, out]);
  });

  it('frees every intermediate tensor', () => {
    const g = envs.map((e) => tf.tensor1d(e));
    const before = tf.memory().numTensors;
    const out = andMaskGradient(g, 0.5);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([...g, out]);
  });
});
