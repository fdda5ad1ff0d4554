/** The emergence table's groups: one per program, size, steps, learning rate and data fraction, the seeds averaged. */
import { describe, expect, it } from 'vitest';
import { emergence } from '../../src/zoo/populations.ts';
import type { ZooRow } from '../../src/zoo/store.ts';

const row = (seed: number, lr: number, testAcc: number): ZooRow =>
  ({
    program: 'reverse',
    layers: 1,
    heads: 1,
    d_model: 8,
    d_mlp: 0,
    steps: 100,
    lr,
    data_fraction: 1,
    seed,
    test_acc: testAcc,
    test_token_acc: testAcc,
    test_loss: 1 - testAcc,
  }) as unknown as ZooRow;

describe('emergence', () => {
  it('keeps runs of different learning rates apart and averages the seeds of each', () => {
    const points = emergence([row(0, 0.01, 1), row(1, 0.01, 0.5), row(0, 0.001, 0.2)]);
    expect(points.map((p) => [p.lr, p.seeds, p.exactMatch])).toEqual([
      [0.01, 2, 0.75],
      [0.001, 1, 0.2],
    ]);
  });
});
