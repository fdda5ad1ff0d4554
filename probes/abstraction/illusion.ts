/**
 * The interpretability illusion check for a subspace (Makelov, Lange & Nanda 2023, "Is this the
 * subspace you are looking for?"): patching a subspace can change the output through a direction
 * that nothing downstream reads on its own (a dormant direction) combined with one that is read
 * but does not hold the variable. So the subspace is restricted to the directions later components
 * read at that hook (the column space of W_Q, W_K, W_V and W_in of every later sublayer and of W_U,
 * each behind its layer norm's centring and scale when the model has LayerNorm), re-orthonormalised,
 * and patched again: if the effect disappears, it went through a dormant direction.
 */
import { parseHookName, type HookName } from '../../src/model/hooks.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';

/** Tolerance below which a Gram–Schmidt residual counts as zero (relative to the column's norm). */
const RANK_TOL = 1e-6;

/** Orthonormal columns spanning `cols` (each a d-vector), dropping dependent ones: modified Gram–Schmidt, twice. */
export function orthonormalSpan(cols: readonly Float64Array[], d: number): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const c of cols) {
    const v = Float64Array.from(c);
    const norm0 = Math.hypot(...v);
    if (norm0 < 1e-9) continue;
    for (let pass = 0; pass < 2; pass++)
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[i] * v[i];
        for (let i = 0; i < d; i++) v[i] -= dot * q[i];
      }
    const norm = Math.hypot(...v);
    if (norm <= RANK_TOL * norm0) continue;
    for (let i = 0; i < d; i++) v[i] /= norm;
    basis.push(v);
    if (basis.length === d) break;
  }
  return basis;
}

/** The columns of a [d, n] weight (row-major), or of each [d, n] slab of a [h, d, n] one. */
function columnsOf(w: WeightArray, d: number): Float64Array[] {
  const n = w.shape[w.shape.length - 1];
  const slabs = w.data.length / (d * n);
  const out: Float64Array[] = [];
  for (let s = 0; s < slabs; s++)
    for (let j = 0; j < n; j++) {
      const c = new Float64Array(d);
      for (let i = 0; i < d; i++) c[i] = w.data[s * d * n + i * n + j];
      out.push(c);
    }
  return out;
}

/** What a reader behind a layer norm with scale `g` sees of direction e_i: g_i (e_i − mean): column c becomes C·diag(g)·c. */
function behindNorm(cols: Float64Array[], g: WeightArray | undefined, d: number): Float64Array[] {
  if (!g) return cols;
  return cols.map((c) => {
    const v = c.map((x, i) => x * g.data[i]);
    const mean = v.reduce((a, b) => a + b, 0) / d;
    return v.map((x) => x - mean);
  });
}

/** Which sublayers and the unembedding read the stream at `hook`, and the directions they read: an orthonormal [d, r] frame. */
export function readSpace(model: ModelData, hook: HookName): Float64Array[] {
  const d = model.config.dModel;
  const parsed = parseHookName(hook);
  const L = model.config.layers.length;
  const layer = parsed?.layer ?? L;
  // resid_pre l: from layer l's attention on; resid_mid l: from its MLP; resid_post l: from layer l+1.
  const firstSub = parsed?.point === 'hook_resid_pre' ? 2 * layer : parsed?.point === 'hook_resid_mid' ? 2 * layer + 1 : 2 * layer + 2;
  const w = (n: string) => model.weights.get(n);
  const ln = model.config.normalization === 'LN';
  const cols: Float64Array[] = [];
  for (let sub = firstSub; sub < 2 * L; sub++) {
    const l = sub >> 1;
    const cfg = model.config.layers[l];
    if (sub % 2 === 0 && cfg.nHeads > 0)
      for (const m of ['W_Q', 'W_K', 'W_V']) cols.push(...behindNorm(columnsOf(w(`blocks.${l}.attn.${m}`)!, d), ln ? w(`blocks.${l}.ln1.w`) : undefined, d));
    if (sub % 2 === 1 && cfg.dMlp > 0) cols.push(...behindNorm(columnsOf(w(`blocks.${l}.mlp.W_in`)!, d), ln ? w(`blocks.${l}.ln2.w`) : undefined, d));
  }
  cols.push(...behindNorm(columnsOf(w('unembed.W_U')!, d), ln ? w('ln_final.w') : undefined, d));
  return orthonormalSpan(cols, d);
}

/** `basis` [d, k] projected onto the read space, re-orthonormalised: [d, k'] with k' ≤ k (0 when nothing of it is read). */
export function restrictToReadSpace(basis: WeightArray, read: readonly Float64Array[]): WeightArray {
  const [d, k] = basis.shape;
  const cols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const c = new Float64Array(d);
    for (const q of read) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i] * basis.data[i * k + j];
      for (let i = 0; i < d; i++) c[i] += dot * q[i];
    }
    cols.push(c);
  }
  const span = orthonormalSpan(cols, d);
  const data = new Float32Array(d * span.length);
  span.forEach((c, j) => c.forEach((x, i) => (data[i * span.length + j] = x)));
  return { shape: [d, span.length], data };
}
