/**
 * Learning-rate schedule: linear warm-up to the peak, then cosine or linear decay to a floor.
 * A pure function of the step, so a resumed run sees exactly the rates an uninterrupted one would.
 */
export interface Schedule {
  readonly peak: number;
  /** Steps of linear warm-up (0: start at the peak). */
  readonly warmup: number;
  /** Total optimisation steps the decay spans. */
  readonly total: number;
  readonly decay: 'cosine' | 'linear' | 'constant';
  /** The rate decays to peak × minRatio at the last step. */
  readonly minRatio: number;
}

/** Warm-up of 5% of the run, at most 200 steps: long enough for Adam's moment estimates to settle. */
export function defaultWarmup(steps: number): number {
  return Math.min(200, Math.max(1, Math.round(steps * 0.05)));
}

/** The learning rate used for optimisation step `step` (0-based). */
export function learningRate(s: Schedule, step: number): number {
  if (s.warmup > 0 && step < s.warmup) return (s.peak * (step + 1)) / s.warmup;
  if (s.decay === 'constant') return s.peak;
  const span = Math.max(1, s.total - s.warmup - 1);
  const p = Math.min(1, Math.max(0, (step - s.warmup) / span));
  const floor = s.peak * s.minRatio;
  const shape = s.decay === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * p)) : 1 - p;
  return floor + (s.peak - floor) * shape;
}
