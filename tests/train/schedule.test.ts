import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultWarmup, learningRate, type Schedule } from '../../src/train/schedule.ts';

const base: Schedule = { peak: 1e-3, warmup: 10, total: 110, decay: 'cosine', minRatio: 0.1 };

describe('learning-rate schedule', () => {
  it('warms up linearly to the peak', () => {
    expect(learningRate(base, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRate(base, 4)).toBeCloseTo(5e-4, 12);
    expect(learningRate(base, 9)).toBeCloseTo(1e-3, 12);
  });
  it('decays by cosine from the peak to peak × minRatio at the last step', () => {
    expect(learningRate(base, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(base, 109)).toBeCloseTo(1e-4, 12);
    // Halfway through the decay the cosine is at the midpoint of peak and floor.
    const mid = 10 + (110 - 10 - 1) / 2;
    expect(learningRate(base, mid)).toBeCloseTo((1e-3 + 1e-4) / 2, 12);
  });
  it('decays linearly when asked', () => {
    const s: Schedule = { ...base, decay: 'linear', minRatio: 0 };
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 10 + 99 / 4)).toBeCloseTo(0.75e-3, 12);
    expect(learningRate(s, 109)).toBeCloseTo(0, 12);
  });
  it('stays at the peak with constant decay', () => {
    expect(learningRate({ ...base, decay: 'constant' }, 100)).toBe(1e-3);
  });
  it('warm-up defaults to 5% of the run, capped at 200', () => {
    expect(defaultWarmup(100)).toBe(5);
    expect(defaultWarmup(100_000)).toBe(200);
    expect(defaultWarmup(3)).toBe(1);
  });
  test.prop([fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 500 }), fc.constantFrom('cosine' as const, 'linear' as const)])(
    'never exceeds the peak and never decays below the floor; non-increasing after warm-up',
    (warmup, extra, decay) => {
      const s: Schedule = { peak: 0.01, warmup, total: warmup + extra, decay, minRatio: 0.1 };
      let prev = Infinity;
      for (let step = 0; step < s.total; step++) {
        const lr = learningRate(s, step);
        expect(lr).toBeLessThanOrEqual(s.peak + 1e-15);
        if (step >= warmup) {
          expect(lr).toBeGreaterThanOrEqual(s.peak * s.minRatio - 1e-15);
          expect(lr).toBeLessThanOrEqual(prev + 1e-15);
          prev = lr;
        }
      }
    },
  );
});
