/**
 * A plain-JS forward pass over ModelData, written loop by loop from the maths (one head at a
 * time, float64), to check the tfjs forward pass against. Slow and obvious on purpose.
 */
import type { ModelData, WeightArray } from '../../src/model/types.ts';

type Vec = number[];
type Mat = number[][];

export interface ReferenceOptions {
  /** Replace layer l's attention pattern by zeros (as a hook on attn.hook_pattern would). */
  readonly zeroPatternLayers?: readonly number[];
}

export interface ReferenceResult {
  /** [batch][pos][d_vocab_out] */
  readonly logits: number[][][];
  /** Attention patterns: patterns[b][layer][head][q][k]. */
  readonly patterns: number[][][][][];
}

function get(w: WeightArray, ...idx: number[]): number {
  let at = 0;
  for (let d = 0; d < idx.length; d++) at = at * w.shape[d] + idx[d];
  return w.data[at];
}

function layerNormRef(x: Vec, w: WeightArray, b: WeightArray): Vec {
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  const c = x.map((v) => v - mean);
  const variance = c.reduce((a, v) => a + v * v, 0) / n;
  const s = Math.sqrt(variance + 1e-5);
  return c.map((v, i) => (v / s) * get(w, i) + get(b, i));
}

/** erf by Abramowitz–Stegun 7.1.26 is too coarse for 1e-5 checks; use a series / continued fraction. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    // Maclaurin series: erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let sum = 0;
    let term = a;
    for (let n = 0; n < 100; n++) {
      sum += term / (2 * n + 1);
      term *= (-a * a) / (n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  return sign * (1 - (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * (1 - 1 / (2 * a * a)));
}

function act(x: number, fn: 'relu' | 'gelu'): number {
  return fn === 'relu' ? Math.max(0, x) : 0.5 * x * (1 + erf(x / Math.SQRT2));
}

export function referenceForward(m: ModelData, tokens: number[][], lengths?: number[], opts: ReferenceOptions = {}): ReferenceResult {
  const c = m.config;
  const W = (name: string) => {
    const w = m.weights.get(name);
    if (!w) throw new Error(`missing ${name}`);
    return w;
  };
  const D = c.dModel;
  const ln = c.normalization === 'LN';
  const zeroPattern = new Set(opts.zeroPatternLayers ?? []);
  const logits: number[][][] = [];
  const patterns: number[][][][][] = [];
  tokens.forEach((row, b) => {
    const P = row.length;
    const len = lengths?.[b] ?? P;
    let x: Mat = row.map((t, p) => Array.from({ length: D }, (_, d) => get(W('embed.W_E'), t, d) + get(W('pos_embed.W_pos'), p, d)));
    const rowPatterns: number[][][][] = [];
    c.layers.forEach((L, l) => {
      const pre = `blocks.${l}`;
      const layerPatterns: number[][][] = [];
      if (L.nHeads > 0) {
        const h_in = ln ? x.map((v) => layerNormRef(v, W(`${pre}.ln1.w`), W(`${pre}.ln1.b`))) : x;
        const out: Mat = x.map(() => Array.from({ length: D }, (_, d) => get(W(`${pre}.attn.b_O`), d)));
        for (let h = 0; h < L.nHeads; h++) {
          const proj = (m_: 'Q' | 'K' | 'V') =>
            h_in.map((v) =>
              Array.from({ length: L.dHead }, (_, e) => {
                let s = get(W(`${pre}.attn.b_${m_}`), h, e);
                for (let d = 0; d < D; d++) s += v[d] * get(W(`${pre}.attn.W_${m_}`), h, d, e);
                return s;
              }),
            );
          const q = proj('Q');
          const k = proj('K');
          const v = proj('V');
          const pattern: Mat = q.map((qv, qp) => {
            const scores = k.map((kv, kp) => {
              const masked = (c.causal && kp > qp) || kp >= len;
              const s = qv.reduce((a, val, e) => a + val * kv[e], 0) / c.attnScale;
              return masked ? -Infinity : s;
            });
            const mx = Math.max(...scores);
            const ex = scores.map((s) => Math.exp(s - mx));
            const sum = ex.reduce((a, e) => a + e, 0);
            return ex.map((e) => (zeroPattern.has(l) ? 0 : e / sum));
          });
          layerPatterns.push(pattern);
          for (let qp = 0; qp < P; qp++) {
            const z = Array.from({ length: L.dHead }, (_, e) => pattern[qp].reduce((a, pw, kp) => a + pw * v[kp][e], 0));
            for (let d = 0; d < D; d++) for (let e = 0; e < L.dHead; e++) out[qp][d] += z[e] * get(W(`${pre}.attn.W_O`), h, e, d);
          }
        }
        x = x.map((v, p) => v.map((val, d) => val + out[p][d]));
      }
      rowPatterns.push(layerPatterns);
      if (L.dMlp > 0) {
        const h_in = ln ? x.map((v) => layerNormRef(v, W(`${pre}.ln2.w`), W(`${pre}.ln2.b`))) : x;
        x = x.map((resid, p) => {
          const hidden = Array.from({ length: L.dMlp }, (_, j) => {
            let s = get(W(`${pre}.mlp.b_in`), j);
            for (let d = 0; d < D; d++) s += h_in[p][d] * get(W(`${pre}.mlp.W_in`), d, j);
            return act(s, c.actFn);
          });
          return resid.map((val, d) => {
            let s = get(W(`${pre}.mlp.b_out`), d);
            for (let j = 0; j < L.dMlp; j++) s += hidden[j] * get(W(`${pre}.mlp.W_out`), j, d);
            return val + s;
          });
        });
      }
    });
    const fin = ln ? x.map((v) => layerNormRef(v, W('ln_final.w'), W('ln_final.b'))) : x;
    const O = W('unembed.b_U').shape[0];
    logits.push(
      fin.map((v) =>
        Array.from({ length: O }, (_, o) => {
          let s = get(W('unembed.b_U'), o);
          for (let d = 0; d < D; d++) s += v[d] * get(W('unembed.W_U'), d, o);
          return s;
        }),
      ),
    );
    patterns.push(rowPatterns);
  });
  return { logits, patterns };
}
