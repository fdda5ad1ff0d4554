/**
 * Small statistics over one activation column: the best single cut that tells a binary target
 * apart, and mutual information with a discrete variable after binning the activation.
 */

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

export interface Cut {
  /** Mean of the true-positive and true-negative rates of "target = 1 iff activation > cut" (0.5: no better than a constant). */
  readonly balancedAccuracy: number;
  /** Plain accuracy of that rule, and the majority baseline. */
  readonly accuracy: number;
  readonly baseline: number;
  /** The activation above which the rule says 1 (-Infinity: everywhere). */
  readonly cut: number;
}

/**
 * The best one-sided rule "target = 1 iff activation > cut" by balanced accuracy, the lowest such
 * cut on ties. One-sided, so that a target names where a neuron is high; balanced, so that a rare
 * target is not beaten by always saying 0; lowest, so that a neuron whose activation grows over a
 * range of values is named for where it starts to fire. `order` sorts `x` ascending.
 */
export function bestCut(x: ArrayLike<number>, order: readonly number[], y: Uint8Array): Cut {
  const N = order.length;
  let pos = 0;
  for (let i = 0; i < N; i++) pos += y[order[i]];
  const neg = N - pos;
  const baseline = N ? Math.max(pos, neg) / N : 0;
  let best: Cut = { balancedAccuracy: 0.5, accuracy: N ? pos / N : 0, baseline, cut: -Infinity };
  if (pos === 0 || neg === 0) return best;
  let posBelow = 0;
  let negBelow = 0;
  for (let i = 0; i + 1 < N; i++) {
    const s = order[i];
    if (y[s]) posBelow++;
    else negBelow++;
    // Only cut between different values: equal activations cannot be told apart.
    if (x[order[i + 1]] === x[s]) continue;
    const balancedAccuracy = ((pos - posBelow) / pos + negBelow / neg) / 2;
    if (balancedAccuracy > best.balancedAccuracy + 1e-12)
      best = { balancedAccuracy, accuracy: (pos - posBelow + negBelow) / N, baseline, cut: (x[s] + x[order[i + 1]]) / 2 };
  }
  return best;
}
