/**
 * What a model does on a few inputs while components are ablated: its output and every head's
 * attention pattern. The replacements follow probes/ablation.ts (zero; the position-wise mean over
 * a reference set; the activation on another reference input of the same length), so the view of
 * one input agrees with the scores `ablate` reports. It takes a LiveModel so that a caller who
 * recomputes often (the terminal UI) turns the weights into tensors once.
 */
import type * as tf from '@tensorflow/tfjs';
import { makeRng } from '../src/rasp/random.ts';
import type { MaybeValue, Value } from '../src/rasp/values.ts';
import { decodeLogitArray } from '../src/model/tokenize.ts';
import type { HookName } from '../src/model/types.ts';
import type { AblationMode } from './ablation.ts';
import { attentionLayers, patternHook, unlabelled, type HeadPattern } from './attention.ts';
import { encodeProbeSet } from './batches.ts';
import { hookSites, type ComponentRef } from './components.ts';
import { replacementHooks, type ReplacementSource } from './intervene.ts';
import type { ProbeSet } from './probeSet.ts';
import { batchActivations, type Hooks, type LiveModel } from './runner.ts';
import { batchCaches, disposeCaches, meanActivations, resamplePartners } from './sources.ts';

export interface AblatedRun {
  readonly input: Value[];
  /** The model's output per input position (BOS dropped). */
  readonly output: MaybeValue[];
  /** Every head's pattern, [query][key] over positions 0..length (0 is BOS). */
  readonly heads: HeadPattern[];
}

export interface AblatedRunOptions {
  /** Where mean and resample ablation take activations from. */
  readonly reference: ProbeSet;
  /** Seeds the choice of resampled inputs. */
  readonly seed?: number;
}

const longest = (xs: readonly (readonly Value[])[]) => xs.reduce((n, x) => Math.max(n, x.length), 0);

/** The model on `inputs` with `components` ablated together in `mode`. */
export async function ablatedRun(
  m: LiveModel,
  inputs: readonly Value[][],
  components: readonly ComponentRef[],
  mode: AblationMode,
  opts: AblatedRunOptions,
): Promise<AblatedRun[]> {
  const sites = components.flatMap((c) => hookSites(c, m.config));
  const hooks = [...new Set(sites.map((s) => s.hook))];
  const replaces = sites.length > 0 && mode !== 'zero';
  // Replacement activations must line up position by position with the inputs' batches.
  const nPos = 1 + Math.max(longest(inputs), replaces ? longest(opts.reference.inputs) : 0);
  const layout = { nPos };
  const data = encodeProbeSet(m.config, unlabelled(inputs), layout);

  let means: Map<HookName, tf.Tensor> | undefined;
  let resampled: Map<HookName, tf.Tensor>[] | undefined;
  try {
    if (replaces && mode === 'mean') means = meanActivations(m, encodeProbeSet(m.config, opts.reference, layout), hooks);
    if (replaces && mode === 'resample') {
      const ref = opts.reference;
      const partners = resamplePartners(inputs, ref.inputs, makeRng(opts.seed ?? 0).fork('resample'));
      const partnerSet = { inputs: partners.map((j) => ref.inputs[j]), expected: partners.map((j) => ref.expected[j]), exhaustive: false };
      resampled = batchCaches(m, encodeProbeSet(m.config, partnerSet, layout), hooks);
    }
    const sourceFor = (batch: number): ReplacementSource => (h) =>
      means ? means.get(h)! : resampled ? resampled[batch].get(h)! : null;

    const layers = attentionLayers(m.data);
    const out: AblatedRun[] = [];
    for (let i = 0; i < data.batches.length; i++) {
      const b = data.batches[i];
      const intervene: Hooks | undefined = sites.length ? replacementHooks(sites, sourceFor(i)) : undefined;
      const { logits, acts } = await batchActivations(m, b, layers.map(patternHook), intervene);
      const outputs = decodeLogitArray(m.config, logits, b.nPos, b.lengths);
      for (let r = 0; r < b.size; r++) {
        const n = b.lengths[r];
        const heads: HeadPattern[] = [];
        for (const layer of layers) {
          const pat = acts.get(patternHook(layer))!.data;
          const H = m.config.layers[layer].nHeads;
          for (let head = 0; head < H; head++) {
            const base = (r * H + head) * b.nPos * b.nPos;
            const pattern = Array.from({ length: n }, (_, q) => Array.from(pat.subarray(base + q * b.nPos, base + q * b.nPos + n)));
            heads.push({ layer, head, pattern });
          }
        }
        out.push({ input: inputs[out.length], output: outputs[r], heads });
      }
    }
    return out;
  } finally {
    for (const t of means?.values() ?? []) t.dispose();
    if (resampled) disposeCaches(resampled);
  }
}
