/**
 * A plain-JS forward pass over compiled weights (float64), independent of tfjs and of
 * src/model/forward.ts: lets the compiler's tests check models exactly and quickly. Returns the
 * residual stream after every sublayer and the decoded outputs.
 */
import type { ModelData } from '../../src/model/types.ts';
import type { MaybeValue, Value } from '../../src/rasp/values.ts';

export interface DenseRun {
  /** resid[s][pos][dir] after sublayer s (0: embeddings, 2l+1: after attn l, 2l+2: after mlp l). */
  readonly resid: number[][][];
  readonly logits: number[][];
  /** Decoded outputs, one per input position (BOS dropped). */
  readonly output: MaybeValue[];
}

function w(m: ModelData, name: string) {
  const a = m.weights.get(name);
  if (!a) throw new Error(`missing weight ${name}`);
  return a;
}

export function denseForward(m: ModelData, input: readonly Value[]): DenseRun {
  const c = m.config;
  const D = c.dModel;
  const tokIdx = input.map((t) => {
    const k = c.vocab.findIndex((v) => v === t);
    if (k < 1) throw new Error(`token ${String(t)} not in vocabulary`);
    return k;
  });
  const ids = [0, ...tokIdx];
  const P = ids.length;
  const WE = w(m, 'embed.W_E');
  const WP = w(m, 'pos_embed.W_pos');
  let x = ids.map((id, p) => Array.from({ length: D }, (_, d) => WE.data[id * D + d] + WP.data[p * D + d]));
  const resid: number[][][] = [x.map((r) => [...r])];
  c.layers.forEach((L, l) => {
    const add = x.map(() => new Array<number>(D).fill(0));
    if (L.nHeads > 0) {
      const [WQ, WK, WV, WO] = ['W_Q', 'W_K', 'W_V', 'W_O'].map((n) => w(m, `blocks.${l}.attn.${n}`));
      const dh = L.dHead;
      for (let h = 0; h < L.nHeads; h++) {
        const proj = (W: typeof WQ) => x.map((r) => Array.from({ length: dh }, (_, j) => r.reduce((s, v, d) => s + v * W.data[(h * D + d) * dh + j], 0)));
        const q = proj(WQ);
        const k = proj(WK);
        const v = proj(WV);
        for (let qi = 0; qi < P; qi++) {
          const lim = c.causal ? qi + 1 : P;
          const sc = Array.from({ length: lim }, (_, ki) => q[qi].reduce((s, a, j) => s + a * k[ki][j], 0) / c.attnScale);
          const mx = Math.max(...sc);
          const e = sc.map((s) => Math.exp(s - mx));
          const Z = e.reduce((a, b) => a + b, 0);
          const z = new Array<number>(dh).fill(0);
          e.forEach((ew, ki) => v[ki].forEach((vv, j) => (z[j] += (ew / Z) * vv)));
          for (let d = 0; d < D; d++) add[qi][d] += z.reduce((s, zz, j) => s + zz * WO.data[(h * dh + j) * D + d], 0);
        }
      }
    }
    x = x.map((r, p) => r.map((v, d) => v + add[p][d]));
    resid.push(x.map((r) => [...r]));
    if (L.dMlp > 0) {
      const Win = w(m, `blocks.${l}.mlp.W_in`);
      const Wout = w(m, `blocks.${l}.mlp.W_out`);
      const H = L.dMlp;
      x = x.map((r) => {
        const hid = Array.from({ length: H }, (_, j) =>
          Math.max(
            0,
            r.reduce((s, v, d) => s + v * Win.data[d * H + j], 0),
          ),
        );
        return r.map((v, d) => v + hid.reduce((s, hv, j) => s + hv * Wout.data[j * D + d], 0));
      });
    }
    resid.push(x.map((r) => [...r]));
  });
  const WU = w(m, 'unembed.W_U');
  const nOut = WU.shape[1];
  const logits = x.map((r) => Array.from({ length: nOut }, (_, j) => r.reduce((s, v, d) => s + v * WU.data[d * nOut + j], 0)));
  const out = c.output;
  const output = logits.slice(1).map((lg): MaybeValue => {
    if (out.encoding === 'numerical') return lg[0];
    let best = -1;
    for (let j = 0; j < lg.length; j++) if (best < 0 || lg[j] > lg[best]) best = j;
    // Compiled models write a one-hot; all-zero logits stand for an undefined value.
    return best < 0 || lg[best] < 0.5 ? null : out.values[best];
  });
  return { resid, logits, output };
}
