/**
 * Closed-form ridge regression in float64: W = (XᵀX + λI)⁻¹ XᵀY by Cholesky, for probes small
 * enough (features ≲ a few hundred) that this beats any iterative trainer.
 */

/** Solves (XᵀX + λI) W = XᵀY. X: n×d row-major, Y: n×k row-major → W: d×k row-major. */
export function ridge(X: Float64Array, n: number, d: number, Y: Float64Array, k: number, lambda: number): Float64Array {
  const A = new Float64Array(d * d);
  const B = new Float64Array(d * k);
  for (let s = 0; s < n; s++) {
    const xo = s * d;
    const yo = s * k;
    for (let i = 0; i < d; i++) {
      const xi = X[xo + i];
      if (xi === 0) continue;
      for (let j = i; j < d; j++) A[i * d + j] += xi * X[xo + j];
      for (let c = 0; c < k; c++) B[i * k + c] += xi * Y[yo + c];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) A[i * d + j] = A[j * d + i];
    A[i * d + i] += lambda;
  }
  // Cholesky A = L Lᵀ (in place, lower triangle).
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let p = 0; p < j; p++) s -= A[j * d + p] * A[j * d + p];
    const ljj = Math.sqrt(Math.max(s, 1e-300));
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let p = 0; p < j; p++) t -= A[i * d + p] * A[j * d + p];
      A[i * d + j] = t / ljj;
    }
  }
  // Forward then back substitution, every right-hand side at once.
  for (let i = 0; i < d; i++) {
    for (let p = 0; p < i; p++) {
      const l = A[i * d + p];
      if (l !== 0) for (let c = 0; c < k; c++) B[i * k + c] -= l * B[p * k + c];
    }
    for (let c = 0; c < k; c++) B[i * k + c] /= A[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    for (let p = i + 1; p < d; p++) {
      const l = A[p * d + i];
      if (l !== 0) for (let c = 0; c < k; c++) B[i * k + c] -= l * B[p * k + c];
    }
    for (let c = 0; c < k; c++) B[i * k + c] /= A[i * d + i];
  }
  return B;
}

/** X·W: n×d times d×k. */
export function matmul(X: Float64Array, n: number, d: number, W: Float64Array, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < d; i++) {
      const x = X[s * d + i];
      if (x === 0) continue;
      for (let c = 0; c < k; c++) out[s * k + c] += x * W[i * k + c];
    }
  return out;
}
