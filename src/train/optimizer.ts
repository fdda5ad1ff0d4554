/**
 * AdamW (Loshchilov & Hutter): Adam with weight decay applied to the weights directly, not added
 * to the gradient (tfjs's Adam has no decoupled decay), with clipping by global norm first.
 *
 * The update runs in plain JavaScript over Float32Arrays, in place. Measured on the wasm backend
 * with 38 parameter tensors, the same update as tfjs ops cost 7–15 ms a step (about 15 kernels per
 * tensor at ~40 µs of overhead each), and a fused version on one flat vector was no better because
 * wasm's split/slice of the result took 14–35 ms; the loop here takes about a millisecond. Keeping
 * the moments as Float32Arrays also makes the state exactly what a checkpoint stores.
 */

export interface AdamWConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

/** First and second moments per parameter (same sizes as the parameters), and the updates applied so far. */
export interface AdamWState {
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  t: number;
}

export function initAdamW(sizes: readonly number[]): AdamWState {
  return { m: sizes.map((n) => new Float32Array(n)), v: sizes.map((n) => new Float32Array(n)), t: 0 };
}

/**
 * Which parameters decay: matrices (embeddings, attention and MLP weights, unembedding), not
 * biases or layer-norm gains — decaying a gain toward 0 fights the normalisation it scales.
 */
export function decays(name: string, shape: readonly number[]): boolean {
  return shape.length >= 2 && !name.includes('.b_');
}

/** The norm of all gradients concatenated. */
export function globalNorm(grads: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/**
 * One AdamW update, in place on `params` and `state`, after scaling all gradients by
 * min(1, clipNorm / norm) (clipNorm ≤ 0: no clipping). Returns the gradient norm before clipping.
 */
export function adamWUpdate(
  params: readonly Float32Array[],
  grads: readonly ArrayLike<number>[],
  state: AdamWState,
  lr: number,
  cfg: AdamWConfig,
  decayMask: readonly boolean[],
  clipNorm: number,
): number {
  const norm = globalNorm(grads);
  const scale = clipNorm > 0 && Number.isFinite(clipNorm) ? Math.min(1, clipNorm / (norm + 1e-6)) : 1;
  state.t += 1;
  // Bias corrections folded into two constants: lr·m̂/(√v̂+ε) = a·m/(s·√v+ε).
  const a = lr / (1 - Math.pow(cfg.beta1, state.t));
  const s = 1 / Math.sqrt(1 - Math.pow(cfg.beta2, state.t));
  const { beta1: b1, beta2: b2, eps } = cfg;
  const g1 = (1 - b1) * scale;
  const g2 = (1 - b2) * scale * scale;
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    const g = grads[k];
    const m = state.m[k];
    const v = state.v[k];
    const keep = decayMask[k] ? 1 - lr * cfg.weightDecay : 1;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = (m[i] = b1 * m[i] + g1 * gi);
      const vi = (v[i] = b2 * v[i] + g2 * gi * gi);
      p[i] = p[i] * keep - (a * mi) / (s * Math.sqrt(vi) + eps);
    }
  }
  return norm;
}
