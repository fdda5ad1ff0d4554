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

/**
 * As `medianMs`, in CPU time of this process (process.cpuUsage): for single-threaded synchronous
 * work such as compiling, the same as wall time on an idle machine, and not inflated by waiting for
 * a core on a shared one.
 */
export function medianCpuMs(reps: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}
