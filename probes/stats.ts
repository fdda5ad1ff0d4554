/**
 * Small statistics over one activation column: the best single-threshold classifier of a binary
 * target, and mutual information with a discrete variable after binning the activation.
 */

/**
 * The best accuracy of "target = 1 iff activation > t" (or its negation) over every cut t between
 * distinct activations, and the majority baseline. `order` sorts `x` ascending.
 */
export function bestThresholdAccuracy(x: ArrayLike<number>, order: readonly number[], y: Uint8Array): { accuracy: number; baseline: number } {
  const N = order.length;
  if (N === 0) return { accuracy: 0, baseline: 0 };
  let pos = 0;
  for (let i = 0; i < N; i++) pos += y[i];
  const baseline = Math.max(pos, N - pos) / N;
  let best = baseline;
  let posBelow = 0;
  let negBelow = 0;
  for (let i = 0; i < N; i++) {
    const s = order[i];
    if (y[s]) posBelow++;
    else negBelow++;
    // Only cut between different values: equal activations cannot be told apart.
    if (i + 1 < N && x[order[i + 1]] === x[s]) continue;
    const acc = (pos - posBelow + negBelow) / N;
    best = Math.max(best, acc, 1 - acc);
  }
  return { accuracy: best, baseline };
}

/** I(binned x; key) in bits; bins are quantiles of x (ties kept in one bin). */
export function mutualInformation(x: ArrayLike<number>, order: readonly number[], keys: readonly string[], bins: number): number {
  const N = order.length;
  if (N === 0) return 0;
  const bin = new Int32Array(N);
  let b = 0;
  for (let i = 0; i < N; i++) {
    const s = order[i];
    if (i > 0 && x[s] !== x[order[i - 1]] && i >= ((b + 1) * N) / bins) b++;
    bin[s] = b;
  }
  const joint = new Map<string, number>();
  const px = new Map<number, number>();
  const py = new Map<string, number>();
  for (let s = 0; s < N; s++) {
    const k = `${bin[s]}|${keys[s]}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
    px.set(bin[s], (px.get(bin[s]) ?? 0) + 1);
    py.set(keys[s], (py.get(keys[s]) ?? 0) + 1);
  }
  let mi = 0;
  for (const [k, c] of joint) {
    const sep = k.indexOf('|');
    const bx = Number(k.slice(0, sep));
    const ky = k.slice(sep + 1);
    mi += (c / N) * Math.log2((c * N) / (px.get(bx)! * py.get(ky)!));
  }
  return Math.max(0, mi);
}
