/**
 * Multinomial logistic regression in float64, fitted to convergence by L-BFGS: a linear probe
 * should find a variable whenever one linear map separates its values, so the fit must reach the
 * optimum of a convex loss, not stop wherever a fixed number of gradient steps left it (the old
 * Adam refinement lost accuracy with more steps). Classes are weighted by the inverse of their
 * frequency, so a rare value is not given up to fit the common ones; a small L2 penalty (not on
 * the bias) keeps separable problems finite. Plain arrays, deterministic, no tensors to free.
 */

export interface SoftmaxFit {
  /** d×k weights, row-major (a bias is one of the d columns of X). */
  readonly W: Float64Array;
  readonly iterations: number;
  /** Share of the samples W classifies right. */
  readonly accuracy: number;
}

export interface SoftmaxOptions {
  /** Most L-BFGS iterations (default 200). */
  readonly maxIterations?: number;
  /** L2 penalty per weight (default 1e-4). */
  readonly l2?: number;
  /** Columns of X left out of the penalty (default: the last one, the bias). */
  readonly unpenalised?: readonly number[];
  /** Starting weights (default 0). */
  readonly init?: Float64Array;
  /**
   * Stop once the share of samples classified right has not grown for this many iterations
   * (default: never): for a probe, which asks how many samples one linear map gets right, the
   * last digits of the loss do not matter.
   */
  readonly patience?: number;
}

const MEMORY = 10;

/** Fits W (d×k) to X (n×d, row-major) and labels in 0..k-1. */
export function fitSoftmax(X: Float64Array, n: number, d: number, labels: Int32Array, k: number, opts: SoftmaxOptions = {}): SoftmaxFit {
  const l2 = opts.l2 ?? 1e-4;
  const free = new Set(opts.unpenalised ?? [d - 1]);
  const counts = new Float64Array(k);
  labels.forEach((c) => counts[c]++);
  const present = counts.filter((c) => c > 0).length;
  // Balanced weights, normalised so that they sum to 1.
  const weight = Float64Array.from(counts, (c) => (c > 0 ? 1 / (present * c) : 0));
  const z = new Float64Array(k);

  let right = 0;
  const lossAndGrad = (W: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    right = 0;
    for (let s = 0; s < n; s++) {
      const xo = s * d;
      z.fill(0);
      for (let i = 0; i < d; i++) {
        const x = X[xo + i];
        if (x !== 0) for (let c = 0; c < k; c++) z[c] += x * W[i * k + c];
      }
      let max = -Infinity;
      let best = 0;
      for (let c = 0; c < k; c++)
        if (z[c] > max) {
          max = z[c];
          best = c;
        }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c] - max);
      const y = labels[s];
      if (best === y) right++;
      const w = weight[y];
      loss -= w * Math.log(z[y] / sum);
      for (let c = 0; c < k; c++) z[c] = (w * z[c]) / sum;
      z[y] -= w;
      for (let i = 0; i < d; i++) {
        const x = X[xo + i];
        if (x !== 0) for (let c = 0; c < k; c++) g[i * k + c] += x * z[c];
      }
    }
    for (let i = 0; i < d; i++) {
      if (free.has(i)) continue;
      for (let c = 0; c < k; c++) {
        const w = W[i * k + c];
        loss += 0.5 * l2 * w * w;
        g[i * k + c] += l2 * w;
      }
    }
    return loss;
  };

  const m = d * k;
  const W = opts.init ? Float64Array.from(opts.init) : new Float64Array(m);
  const g = new Float64Array(m);
  let f = lossAndGrad(W, g);
  let accuracy = right / n;
  let bestAccuracy = accuracy;
  let sinceBest = 0;
  const S: Float64Array[] = [];
  const Yd: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(m);
  const Wn = new Float64Array(m);
  const gn = new Float64Array(m);
  const alpha = new Float64Array(MEMORY);
  const maxIt = opts.maxIterations ?? 200;
  let it = 0;
  for (; it < maxIt; it++) {
    if (maxAbs(g) < 1e-9) break;
    // Two-loop recursion: dir = -H·g.
    dir.set(g);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      axpy(-alpha[j], Yd[j], dir);
    }
    const gamma = S.length ? dot(S[S.length - 1], Yd[S.length - 1]) / dot(Yd[S.length - 1], Yd[S.length - 1]) : 1 / Math.max(norm(g), 1e-12);
    for (let j = 0; j < m; j++) dir[j] *= gamma;
    for (let j = 0; j < S.length; j++) axpy(alpha[j] - rho[j] * dot(Yd[j], dir), S[j], dir);
    for (let j = 0; j < m; j++) dir[j] = -dir[j];
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      S.length = Yd.length = rho.length = 0;
      for (let j = 0; j < m; j++) dir[j] = -g[j] / Math.max(norm(g), 1e-12);
      slope = dot(g, dir);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fn = Infinity;
    for (let tries = 0; tries < 40; tries++, step /= 2) {
      for (let j = 0; j < m; j++) Wn[j] = W[j] + step * dir[j];
      fn = lossAndGrad(Wn, gn);
      if (fn <= f + 1e-4 * step * slope) break;
    }
    if (!(fn < f)) break;
    const s = new Float64Array(m);
    const y = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      s[j] = Wn[j] - W[j];
      y[j] = gn[j] - g[j];
    }
    const sy = dot(s, y);
    if (sy > 1e-16) {
      if (S.length === MEMORY) {
        S.shift();
        Yd.shift();
        rho.shift();
      }
      S.push(s);
      Yd.push(y);
      rho.push(1 / sy);
    }
    const decrease = f - fn;
    W.set(Wn);
    g.set(gn);
    f = fn;
    accuracy = right / n;
    if (accuracy > bestAccuracy) {
      bestAccuracy = accuracy;
      sinceBest = 0;
    } else sinceBest++;
    if (decrease <= 1e-12 * Math.max(1, Math.abs(f)) || (opts.patience !== undefined && sinceBest >= opts.patience)) {
      it++;
      break;
    }
  }
  return { W, iterations: it, accuracy };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

const norm = (a: Float64Array) => Math.sqrt(dot(a, a));

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}
