/**
 * The residual stream entering each layer of the unmodified model, per batch, kept so that a run
 * whose interventions all sit at layer l or later starts there (ForwardInput.from) rather than at
 * the embedding: the layers before l would compute exactly what they computed here. A run that
 * touches only layer l's MLP (a neuron, the MLP) starts at its resid_mid, after its attention; one
 * that touches a head's z (a head) or what follows it starts at the layer's hook_z, from the z kept
 * here, skipping the queries, keys and pattern that it would compute as they are. A sweep over
 * every component of an n-layer model then recomputes well under half the layers it did. The
 * unmodified run's logits are kept too (`baseLogits`): a sweep's baseline is that run.
 *
 * Streams are made on a batch's first use and kept until dispose(); when keeping them all would
 * take more than MAX_PREFIX_BYTES, every run starts at the embedding as before.
 *
 * The batch's attention masks are kept beside them (ForwardInput.masks), so no run makes them
 * again. A layer whose visible keys a run sets makes its own.
 */
import * as tf from '@tensorflow/tfjs';
import '../src/model/quietTf.ts';
import { attentionMask, type AttentionMask } from '../src/model/attention.ts';
import { afterAttention, firesFrom, latestStart, layerHook, type HookName } from '../src/model/hooks.ts';
import type { LoadedModel, RunOptions } from '../src/model/loadedModel.ts';
import type { ProbeBatches } from './batches.ts';

/** What the kept streams may take: a sweep should not trade its time for the machine's memory. */
export const MAX_PREFIX_BYTES = 256 * 2 ** 20;

/**
 * One batch's clean run: `pre[l]` enters layer l (`pre[n_layers]` is the final resid_post), `mid[l]`
 * is layer l's resid_mid, `z[l]` its hook_z (undefined without heads), and the logits.
 */
interface Streams {
  readonly pre: tf.Tensor[];
  readonly mid: tf.Tensor[];
  readonly z: (tf.Tensor | undefined)[];
  readonly logits: Float32Array;
}

export class CleanPrefix {
  /** Per batch, the streams entering layers 1 … n_layers and at each layer's resid_mid, once made. */
  private readonly streams: (Streams | undefined)[] = [];
  /** Per batch, each layer's mask at [batch, heads, pos, pos] (null: nothing masked or no heads), once made. */
  private readonly masks: ((AttentionMask | null)[] | undefined)[] = [];
  private readonly enabled: boolean;

  /** `enabled: false` starts every run at the embedding (how the shortcut is checked). */
  constructor(
    private readonly m: LoadedModel,
    private readonly data: ProbeBatches,
    enabled = true,
  ) {
    const nLayers = m.config.layers.length;
    const heads = m.config.layers.reduce((n, L) => n + L.nHeads, 0);
    const zWidth = m.config.layers.reduce((n, L) => n + L.nHeads * L.dHead, 0);
    const bytes = data.size * data.nPos * (m.config.dModel * 4 * (2 * nLayers + 1) + zWidth * 4 + data.nPos * heads);
    this.enabled = enabled && nLayers > 0 && bytes <= MAX_PREFIX_BYTES;
  }

  /** `run` for batch `batch`, starting at the latest layer its hooks and visible keys allow. */
  optionsFor(batch: number, run: RunOptions = {}): RunOptions {
    if (!this.enabled) return run;
    const made = this.masksOf(batch);
    run = { ...run, masks: made.map((mask, l) => (run.visibleKeys?.[l] === undefined ? mask : undefined)) };
    const nLayers = this.m.config.layers.length;
    const firstKeys = run.visibleKeys?.findIndex((k) => k !== undefined) ?? -1;
    const hooked = Object.keys(run.hooks ?? {}) as HookName[];
    const layer = Math.min(latestStart(hooked, nLayers), firstKeys < 0 ? nLayers : firstKeys);
    if (layer < 0) return run;
    if (layer < nLayers && firstKeys !== layer) {
      // A run that touches only the layer's MLP starts after its attention; one that touches a head's z or later, at its z.
      if (afterAttention(hooked, layer)) return { ...run, from: { layer, resid: this.streamsOf(batch).mid[layer], mid: true } };
      const z = this.m.config.layers[layer].nHeads > 0 && firesFrom(hooked, layer, 'attn.hook_z') ? this.streamsOf(batch).z[layer] : undefined;
      if (z) return { ...run, from: { layer, resid: this.streamsOf(batch).pre[layer], z } };
    }
    // Layer 0's stream is the embedding, cheaper to recompute than to read from the kept one.
    if (layer < 1) return run;
    return { ...run, from: { layer, resid: this.streamsOf(batch).pre[layer] } };
  }

  /** The unmodified run's logits of batch `batch`, read back: the run the streams are kept from, when they are. */
  async baseLogits(batch: number): Promise<Float32Array> {
    return this.enabled ? this.streamsOf(batch).logits : this.m.logits(this.data.batches[batch], { masks: this.masksOf(batch) });
  }

  private streamsOf(batch: number): Streams {
    const kept = this.streams[batch];
    if (kept) return kept;
    const layers = this.m.config.layers;
    const pre = [...layers.map((_, l) => layerHook(l, 'hook_resid_pre')), layerHook(layers.length - 1, 'hook_resid_post')];
    const mid = layers.map((_, l) => layerHook(l, 'hook_resid_mid'));
    const z = layers.map((L, l) => (L.nHeads > 0 ? layerHook(l, 'attn.hook_z') : undefined));
    const r = this.m.runWithCache(this.data.batches[batch], { names: [...pre, ...mid, ...z.filter((h) => h !== undefined)], masks: this.masksOf(batch) });
    const logits = r.logits.dataSync() as Float32Array;
    r.logits.dispose();
    const made = { pre: pre.map((h) => r.cache.get(h)!), mid: mid.map((h) => r.cache.get(h)!), z: z.map((h) => h && r.cache.get(h)), logits };
    this.streams[batch] = made;
    return made;
  }

  private masksOf(batch: number): (AttentionMask | null)[] {
    const kept = this.masks[batch];
    if (kept) return kept;
    const b = this.data.batches[batch];
    const { causal } = this.m.config;
    const made = this.m.config.layers.map((L) => (L.nHeads > 0 ? attentionMask(b.nPos, b.lengths, causal) : null));
    this.masks[batch] = made;
    return made;
  }

  dispose(): void {
    for (const s of this.streams) for (const t of [...(s?.pre ?? []), ...(s?.mid ?? []), ...(s?.z ?? [])]) t?.dispose();
    for (const s of this.masks) for (const t of s ?? []) t?.add.dispose();
    this.streams.length = 0;
    this.masks.length = 0;
  }
}
