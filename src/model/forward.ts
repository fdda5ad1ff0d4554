/**
 * The forward pass of any model in the format, with TransformerLens's hook points.
 *
 * Per layer: resid_pre → (ln1) → attention → resid_mid = resid_pre + attn_out → (ln2) → MLP →
 * resid_post = resid_mid + mlp_out; then ln_final and the unembedding. A layer without heads has
 * attn_out = 0 and one without MLP has mlp_out = 0 (those hook points fire with zeros only when
 * someone observes them). `unembed.hook_in` always fires, so callers can read or patch "what the
 * unembedding sees" whether or not the model has a final layer norm; the layer norms' own points
 * (`hook_scale`, `hook_normalized`, before weight and bias) exist only in models with LayerNorm.
 *
 * Everything is plain tfjs ops on the given params, so gradients flow (tf.variableGrads) and the
 * caller's tf.tidy frees all intermediates. Cached tensors belong to the caller.
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';
import { attention, attentionMask, type AttentionMask } from './attention.ts';
import { HookPoints, type ForwardOptions } from './hookPoints.ts';
import { afterAttention, firesFrom, latestStart, sublayerHooks, type HookName } from './hooks.ts';
import { layerNorm } from './layerNorm.ts';
import { mlp } from './mlp.ts';
import type { Params } from './params.ts';
import { dVocabOut } from './shapes.ts';
import type { ModelConfig } from './types.ts';

export type { ForwardOptions } from './hookPoints.ts';

export interface ForwardInput {
  /** int32 [batch, pos]; position 0 holds BOS. */
  readonly tokens: tf.Tensor2D;
  /** Valid positions per row, BOS included; keys at or past it are padding. Absent: no padding. */
  readonly lengths?: readonly number[];
  /**
   * Per layer, the keys its attention sees, [batch · pos] row-major (1 seen, 0 not), in place of
   * `lengths` at that layer. A patched run takes the clean input's positions from the layer where the
   * whole residual stream was patched in (probes/carriedPositions.ts); absent or undefined: `lengths`.
   */
  readonly visibleKeys?: readonly (Float32Array | undefined)[];
  /**
   * Start at layer `layer` (0 … n_layers) with `resid` as the residual stream entering it, as a run
   * of the same tokens (and visible keys) wrote it: the embeddings and the layers before are
   * skipped, and their hook points do not fire. A sweep of interventions starts each run at the
   * first layer it touches from the clean run's stream (probes/cleanPrefix.ts). With `mid`, `resid` is
   * the stream at that layer's hook_resid_mid, and its attention sublayer is skipped too (a run
   * that touches only the layer's MLP). With `z`, the layer's attention starts at its hook_z from
   * `z`, as the same run computed it there, skipping queries, keys and pattern (a run that touches
   * a head's z or what follows it).
   */
  readonly from?: { readonly layer: number; readonly resid: tf.Tensor; readonly mid?: boolean; readonly z?: tf.Tensor };
  /**
   * Per layer, the attention mask to use as it is (attention.ts `attentionMask`; null: nothing
   * masked) in place of the one made from `lengths`, `visibleKeys` and causality; undefined at a
   * layer: made as usual. A sweep that runs one batch many times makes them once
   * (probes/cleanPrefix.ts).
   */
  readonly masks?: readonly (AttentionMask | null | undefined)[];
}

export interface ForwardResult {
  readonly logits: tf.Tensor3D;
  readonly cache: Map<HookName, tf.Tensor>;
}

export function forward(config: ModelConfig, params: Params, input: ForwardInput, opts: ForwardOptions = {}): ForwardResult {
  const [B, P] = input.tokens.shape;
  const D = config.dModel;
  if (P > config.nCtx) throw new Error(`forward: ${P} positions exceed the model's context of ${config.nCtx}`);
  if (input.lengths && input.lengths.length !== B) throw new Error(`forward: ${input.lengths.length} lengths for a batch of ${B}`);
  const hooks = new HookPoints(opts);
  const w = (name: string): tf.Tensor => {
    const t = params.get(name);
    if (!t) throw new Error(`forward: parameter '${name}' is missing`);
    return t;
  };
  const ln = config.normalization === 'LN';
  const norm = (x: tf.Tensor, prefix: 'ln_final' | `blocks.${number}.ln${1 | 2}`) =>
    ln ? layerNorm(x, w(`${prefix}.w`), w(`${prefix}.b`), (point, t) => hooks.apply(`${prefix}.${point}`, t)) : x;
  /** A sublayer that is absent still shows its (zero) output to whoever observes it. */
  const zeroOutput = (h: HookName): tf.Tensor | null => (hooks.observed(h) ? hooks.apply(h, tf.zeros([B, P, D])) : null);

  const start = input.from ? startAt(config, input, opts) : 0;
  let resid: tf.Tensor = input.from ? input.from.resid : embeddings();
  function embeddings(): tf.Tensor {
    // One-hot times W_E rather than tf.gather: gather's gradient needs UnsortedSegmentSum, which the
    // wasm backend lacks, and vocabularies here are small enough that the matmul costs nothing.
    // (int32 one-hot then cast: wasm's OneHot writes integer bits into float32 outputs.)
    const V = config.vocab.length;
    const embedded =
      V < 2 // (tf.oneHot needs depth >= 2; a BOS-only vocabulary has nothing to learn anyway)
        ? tf.gather(w('embed.W_E'), input.tokens)
        : tf.reshape(tf.matMul(tf.cast(tf.oneHot(tf.reshape(input.tokens, [B * P]), V), 'float32') as tf.Tensor2D, w('embed.W_E') as tf.Tensor2D), [B, P, D]);
    const embed = hooks.apply('hook_embed', embedded);
    let pos: tf.Tensor = tf.expandDims(tf.slice(w('pos_embed.W_pos'), [0, 0], [P, D]), 0);
    if (hooks.observed('hook_pos_embed')) pos = hooks.apply('hook_pos_embed', tf.broadcastTo(pos, [B, P, D]));
    return tf.add(embed, pos);
  }
  /** A sublayer whose whole output a hook replaces, and whose insides nobody observes, is not computed. */
  const replaced = (out: HookName, l: number, scope: 'attn' | 'mlp') => hooks.replacesWhole(out) && !sublayerHooks(l, scope).some((h) => hooks.observed(h));

  const mask = config.layers.some((L) => L.nHeads > 0) ? attentionMask(P, input.lengths, config.causal) : null;
  const maskAt = (l: number) => {
    const given = input.masks?.[l];
    if (given !== undefined) return given;
    const visible = input.visibleKeys?.[l];
    return visible ? attentionMask(P, input.lengths, config.causal, visible) : mask;
  };

  config.layers.forEach((L, l) => {
    if (l < start) return;
    if (l > start || !input.from?.mid) {
      resid = hooks.apply(`blocks.${l}.hook_resid_pre`, resid);
      if (L.nHeads > 0) {
        const h: HookName = `blocks.${l}.hook_attn_out`;
        const z = l === start ? input.from?.z : undefined;
        const out = replaced(h, l, 'attn')
          ? tf.zeros([B, P, D])
          : attention(z ? resid : norm(resid, `blocks.${l}.ln1`), l, L, params, maskAt(l), config.attnScale, hooks, z);
        resid = tf.add(resid, hooks.apply(h, out));
      } else {
        const out = zeroOutput(`blocks.${l}.hook_attn_out`);
        if (out) resid = tf.add(resid, out);
      }
    }
    resid = hooks.apply(`blocks.${l}.hook_resid_mid`, resid);
    if (L.dMlp > 0) {
      const h: HookName = `blocks.${l}.hook_mlp_out`;
      const out = replaced(h, l, 'mlp') ? tf.zeros([B, P, D]) : mlp(norm(resid, `blocks.${l}.ln2`), l, L.dMlp, params, config.actFn, hooks);
      resid = tf.add(resid, hooks.apply(h, out));
    } else {
      const out = zeroOutput(`blocks.${l}.hook_mlp_out`);
      if (out) resid = tf.add(resid, out);
    }
    resid = hooks.apply(`blocks.${l}.hook_resid_post`, resid);
  });

  const final = hooks.apply('unembed.hook_in', norm(resid, 'ln_final'));
  const O = dVocabOut(config);
  const logits = tf.reshape(tf.add(tf.matMul(tf.reshape(final, [B * P, D]) as tf.Tensor2D, w('unembed.W_U') as tf.Tensor2D), w('unembed.b_U')), [
    B,
    P,
    O,
  ]) as tf.Tensor3D;
  return { logits: hooks.apply('unembed.hook_out', logits), cache: hooks.cache };
}

/** The layer a pass given `from` starts at, checked: a hook or visible keys before it would be silently skipped. */
function startAt(config: ModelConfig, input: ForwardInput, opts: ForwardOptions): number {
  const { layer, resid } = input.from!;
  const [B, P] = input.tokens.shape;
  const nLayers = config.layers.length;
  if (!Number.isInteger(layer) || layer < 0 || layer > nLayers) throw new Error(`forward: cannot start at layer ${layer} of ${nLayers}`);
  if (resid.shape.join() !== [B, P, config.dModel].join())
    throw new Error(`forward: a stream of shape [${resid.shape.join(', ')}] to start from, expected [${B}, ${P}, ${config.dModel}]`);
  const hooked = Object.keys(opts.hooks ?? {}) as HookName[];
  const firstKeys = input.visibleKeys?.findIndex((k) => k !== undefined) ?? -1;
  const { mid, z } = input.from!;
  if ((mid || z) && layer === nLayers) throw new Error(`forward: cannot start inside layer ${layer} of ${nLayers}`);
  if (mid && z) throw new Error('forward: a pass starts at resid_mid or at hook_z, not both');
  if (z) {
    const L = config.layers[layer];
    if (z.shape.join() !== [B, P, L.nHeads, L.dHead].join())
      throw new Error(`forward: a hook_z of shape [${z.shape.join(', ')}] to start from, expected [${B}, ${P}, ${L.nHeads}, ${L.dHead}]`);
  }
  const inside = mid ? afterAttention(hooked, layer) : z ? firesFrom(hooked, layer, 'attn.hook_z') : true;
  if (latestStart(hooked, nLayers) < layer || (firstKeys >= 0 && firstKeys < layer) || ((mid || z) && (!inside || firstKeys === layer)))
    throw new Error(`forward: starting at layer ${layer}${mid ? "'s resid_mid" : z ? "'s hook_z" : ''} would skip an intervention before it`);
  return layer;
}
