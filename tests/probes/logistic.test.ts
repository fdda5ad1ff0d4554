import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { trainLogistic } from '../../probes/logistic.ts';

describe('trainLogistic', () => {
  it('separates two classes and frees every tensor it made', () => {
    // One feature: class 1 exactly where x > 0.
    const X = Float32Array.from([-2, -1, -0.5, 0.5, 1, 2]);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const before = tf.memory().numTensors;
    const fit = trainLogistic(X, 6, 1, labels, 2, { W: new Float32Array(2), b: new Float32Array(2) }, { steps: 100 });
    expect(tf.memory().numTensors).toBe(before);
    const logit = (x: number, c: number) => x * fit.W[c] + fit.b[c];
    for (let i = 0; i < 6; i++) expect(logit(X[i], 1) > logit(X[i], 0)).toBe(labels[i] === 1);
  });
});
