/** Timing for benchmarks (never for tests). */

/** Median of `reps` timings of `fn` (after one warm-up call), in ms. */
export function medianMs(reps: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}
