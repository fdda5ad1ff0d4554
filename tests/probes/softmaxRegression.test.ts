import { describe, expect, it } from 'vitest';
import { fitSoftmax } from '../../probes/softmaxRegression.ts';

/** One feature and a bias column: x per sample. */
const onLine = (xs: readonly number[]) => Float64Array.from(xs.flatMap((x) => [x, 1]));

describe('fitSoftmax', () => {
  it('carves a rare middle value out of a line, which least squares to one-hot targets cannot', () => {
    // 40 samples at -1 (class 0), 2 at 0 (class 1), 40 at +1 (class 2).
    const xs = [...Array<number>(40).fill(-1), 0, 0, ...Array<number>(40).fill(1)];
    const labels = Int32Array.from(xs, (x) => x + 1);
    const fit = fitSoftmax(onLine(xs), xs.length, 2, labels, 3, { maxIterations: 500 });
    expect(fit.accuracy).toBe(1);
    const logits = (x: number) => [0, 1, 2].map((c) => x * fit.W[c] + fit.W[3 + c]);
    for (const x of [-1, 0, 1]) expect(logits(x).indexOf(Math.max(...logits(x)))).toBe(x + 1);
  });

  it('more iterations never fit the samples worse, and it stops early once accuracy stalls', () => {
    const xs = Array.from({ length: 60 }, (_, i) => (i % 3) - 1 + 0.01 * i);
    const labels = Int32Array.from(xs, (_, i) => i % 3);
    const few = fitSoftmax(onLine(xs), xs.length, 2, labels, 3, { maxIterations: 2 });
    const many = fitSoftmax(onLine(xs), xs.length, 2, labels, 3, { maxIterations: 400, patience: 10 });
    expect(many.accuracy).toBeGreaterThanOrEqual(few.accuracy);
    expect(many.accuracy).toBe(1);
    expect(many.iterations).toBeLessThan(400);
  });
});
