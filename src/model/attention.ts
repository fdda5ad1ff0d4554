/**
 * One attention sublayer with per-layer head count and width. Heads are folded into the
 * projections ([d_model, heads·d_head] for Q, K and V together) and into the batch axis for the
 * score and mixing matmuls, so a wide layer costs a handful of kernels rather than one per head.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import type { HookPoints } from './hookPoints.ts';
import type { Params } from './params.ts';
import type { LayerConfig } from './types.ts';

/**
 * The score of a key a query may not see: -inf, as in TransformerLens (its `attn.IGNORE`), so
 * `hook_attn_scores` reads the same in both. A row with every key masked (only a patch can make
 * one) would softmax to NaN; its pattern is 0 instead, as TransformerLens makes it.
 */
export const MASKED_SCORE = -Infinity;

/**
 * Which keys each query sees, as a term added to the scores: `add` [batch or 1, 1, q, k] holds 0
 * where query q sees key k and MASKED_SCORE where k is a future position (causal) or padding (k >=
 * lengths[b], or 0 in `visible`, [batch · pos] row-major, when given). An addition broadcasts over
 * heads inside the kernel, where a select needs its condition tiled to the scores' shape (on wasm a
 * Tile of booleans took 4% of a training step). `emptyRows`: some query sees no key at all.
 * Null when nothing is masked.
 */
export interface AttentionMask {
  readonly add: tf.Tensor;
  readonly emptyRows: boolean;
}

export function attentionMask(nPos: number, lengths: readonly number[] | undefined, causal: boolean, visible?: Float32Array): AttentionMask | null {
  const padded = visible !== undefined ? visible.includes(0) : lengths !== undefined && lengths.some((n) => n < nPos);
  if (!causal && !padded) return null;
  // The first key each row of the batch shows (nPos: none); a causal query before it sees nothing.
  const firstSeen = visible
    ? Array.from({ length: visible.length / nPos }, (_, b) => {
        const k = visible.subarray(b * nPos, (b + 1) * nPos).findIndex((v) => v > 0);
        return k < 0 ? nPos : k;
      })
    : (lengths ?? [nPos]).map((n) => (n >= 1 ? 0 : nPos));
  const emptyRows = firstSeen.some((k) => (causal ? k > 0 : k >= nPos));
  const add = tf.tidy(() => {
    const keys = tf.range(0, nPos, 1, 'int32');
    const parts: tf.Tensor[] = [];
    if (causal) parts.push(tf.reshape(tf.lessEqual(tf.reshape(keys, [1, nPos]), tf.reshape(keys, [nPos, 1])), [1, 1, nPos, nPos]));
    if (padded && visible) parts.push(tf.greater(tf.tensor(visible, [visible.length / nPos, 1, 1, nPos]), 0));
    else if (padded) parts.push(tf.less(tf.reshape(keys, [1, 1, 1, nPos]), tf.tensor(lengths!, [lengths!.length, 1, 1, 1], 'int32')));
    const seen = parts.length === 2 ? tf.logicalAnd(parts[0], parts[1]) : parts[0];
    return tf.where(seen, tf.zeros(seen.shape), tf.fill(seen.shape, MASKED_SCORE));
  });
  return { add, emptyRows };
}

/** [heads, d_model, d_head] → [d_model, heads·d_head], heads outermost in the columns. */
function foldHeads(w: tf.Tensor, dModel: number): tf.Tensor2D {
  const [H, , E] = w.shape;
  return tf.reshape(tf.transpose(w, [1, 0, 2]), [dModel, H * E]);
}

/** [batch, pos, heads, e] → [batch·heads, pos, e] for batched matmuls over heads. */
function headsToBatch(t: tf.Tensor, B: number, P: number, H: number, E: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B * H, P, E]);
}

/**
 * x [batch, pos, d_model] (already normalised) → attention output [batch, pos, d_model] (b_O included).
 * `given`: the layer's hook_z [batch, pos, heads, d_head] as a run of the same input computed it; the
 * queries, keys, values and pattern are then skipped, and only hook_z and what follows it fire (a
 * sweep that patches one head's z, probes/cleanPrefix.ts).
 */
export function attention(
  x: tf.Tensor,
  layer: number,
  L: LayerConfig,
  params: Params,
  mask: AttentionMask | null,
  attnScale: number,
  hooks: HookPoints,
  given?: tf.Tensor,
): tf.Tensor {
  const [B, P, D] = x.shape;
  const H = L.nHeads;
  const E = L.dHead;
  const p = (n: string) => params.get(`blocks.${layer}.attn.${n}`)!;
  const z = hooks.apply(`blocks.${layer}.attn.hook_z`, given ?? headMix(x, layer, L, params, mask, attnScale, hooks));
  const wO = p('W_O');
  if (hooks.observed(`blocks.${layer}.attn.hook_result`)) {
    // Per-head outputs [batch, pos, head, d_model]: heads as the batch axis of one matmul.
    const zByHead = tf.reshape(tf.transpose(z, [2, 0, 1, 3]), [H, B * P, E]) as tf.Tensor3D;
    const perHead = tf.matMul(zByHead, wO as tf.Tensor3D);
    const result = hooks.apply(`blocks.${layer}.attn.hook_result`, tf.transpose(tf.reshape(perHead, [H, B, P, D]), [1, 2, 0, 3]));
    return tf.add(tf.sum(result, 2), p('b_O'));
  }
  const out = tf.add(tf.matMul(tf.reshape(z, [B * P, H * E]), tf.reshape(wO, [H * E, D]) as tf.Tensor2D), p('b_O'));
  return tf.reshape(out, [B, P, D]);
}

/** What each head mixes from the values at each position, [batch, pos, heads, d_head]: hook_z before its hook. */
function headMix(x: tf.Tensor, layer: number, L: LayerConfig, params: Params, mask: AttentionMask | null, attnScale: number, hooks: HookPoints): tf.Tensor {
  const [B, P, D] = x.shape;
  const H = L.nHeads;
  const E = L.dHead;
  const p = (n: string) => params.get(`blocks.${layer}.attn.${n}`)!;

  const wQKV = tf.concat([foldHeads(p('W_Q'), D), foldHeads(p('W_K'), D), foldHeads(p('W_V'), D)], 1);
  const bQKV = tf.concat([tf.reshape(p('b_Q'), [H * E]), tf.reshape(p('b_K'), [H * E]), tf.reshape(p('b_V'), [H * E])]);
  const qkv = tf.add(tf.matMul(tf.reshape(x, [B * P, D]), wQKV), bQKV);
  const [q0, k0, v0] = tf.split(qkv, 3, 1).map((t) => tf.reshape(t, [B, P, H, E]));
  const q = hooks.apply(`blocks.${layer}.attn.hook_q`, q0);
  const k = hooks.apply(`blocks.${layer}.attn.hook_k`, k0);
  const v = hooks.apply(`blocks.${layer}.attn.hook_v`, v0);

  let scores: tf.Tensor = tf.reshape(tf.matMul(headsToBatch(q, B, P, H, E), headsToBatch(k, B, P, H, E), false, true), [B, H, P, P]);
  if (attnScale !== 1) scores = tf.div(scores, attnScale);
  if (mask) scores = tf.add(scores, mask.add);
  const scoresHook = `blocks.${layer}.attn.hook_attn_scores` as const;
  scores = hooks.apply(scoresHook, scores);
  let probs = tf.softmax(scores, -1);
  // A row that sees no key softmaxes to NaN; only an empty mask row or a patched score can make one.
  if (mask && (mask.emptyRows || hooks.hooked(scoresHook))) probs = tf.where(tf.isNaN(probs), tf.zerosLike(probs), probs);
  const pattern = hooks.apply(`blocks.${layer}.attn.hook_pattern`, probs);

  const zh = tf.matMul(tf.reshape(pattern, [B * H, P, P]) as tf.Tensor3D, headsToBatch(v, B, P, H, E));
  return tf.transpose(tf.reshape(zh, [B, H, P, E]), [0, 2, 1, 3]);
}
