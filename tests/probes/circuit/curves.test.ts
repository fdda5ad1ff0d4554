import { describe, expect, it } from 'vitest';
import { curves } from '../../../probes/circuit/curves.ts';

describe('ROC and precision–recall against a known answer', () => {
  it('is perfect when every true item outscores every false one', () => {
    const c = curves([0.9, 0.8, 0.1, 0], [true, true, false, false]);
    expect(c.rocAuc).toBe(1);
    expect(c.averagePrecision).toBe(1);
    expect(c.points.map((p) => [p.tpr, p.fpr])).toEqual([
      [0.5, 0],
      [1, 0],
      [1, 0.5],
      [1, 1],
    ]);
  });

  it('counts ties half and reversed order as zero', () => {
    expect(curves([1, 1, 1, 1], [true, false, true, false]).rocAuc).toBe(0.5);
    expect(curves([0, 1], [true, false]).rocAuc).toBe(0);
    // one false item above one of two true ones: 3 of the 4 pairs in order
    const c = curves([3, 2, 1, 0], [true, false, true, false]);
    expect(c.rocAuc).toBe(0.75);
    // precision 1 at recall ½, then 2/3 at recall 1
    expect(c.averagePrecision).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });

  it('has no area without both kinds of item', () => {
    expect(curves([1, 2], [true, true]).rocAuc).toBeNaN();
    expect(curves([1, 2], [false, false]).averagePrecision).toBeNaN();
  });
});
