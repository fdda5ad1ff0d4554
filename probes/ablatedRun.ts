/**
 * What a model does on a few inputs while components are ablated: its output and every head's
 * attention pattern. The replacements follow probes/ablation.ts (zero; the position-wise mean over
 * a reference set; the activation on another reference input of the same length), so the view of
 * one input agrees with the scores `ablate` reports.
 */
import type { MaybeValue, Value } from '../src/rasp/values.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import { decodeOutputs } from '../src/model/scoring.ts';
import { Ablator, type AblationMode } from './ablation.ts';
import { attentionLayers, patternHook, rowPatterns, unlabelled, type HeadPattern } from './attention.ts';
import { encodeProbeSet } from './batches.ts';
import type { ComponentRef } from '../src/model/components.ts';
import { hookSites } from './hookSites.ts';
import type { ProbeSet } from './probeSet.ts';

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
  m: LoadedModel,
  inputs: readonly Value[][],
  components: readonly ComponentRef[],
  mode: AblationMode,
  opts: AblatedRunOptions,
): Promise<AblatedRun[]> {
  const sites = components.flatMap((c) => hookSites(c, m.config));
  const replaces = sites.length > 0 && mode !== 'zero';
  // Replacement activations must line up position by position with the inputs' batches.
  const nPos = 1 + Math.max(longest(inputs), replaces ? longest(opts.reference.inputs) : 0);
  const set = unlabelled(inputs);
  const data = encodeProbeSet(m.config, set, { nPos });
  const ablator = new Ablator(m, data, set, opts, [...new Set(sites.map((s) => s.hook))]);
  try {
    const layers = attentionLayers(m);
    const out: AblatedRun[] = [];
    for (let i = 0; i < data.batches.length; i++) {
      const b = data.batches[i];
      const intervene = sites.length ? ablator.hooksFor(sites, mode, i) : undefined;
      const { logits, acts } = await m.activations(b, layers.map(patternHook), { hooks: intervene });
      const patterns = new Map(layers.map((l) => [l, acts.get(patternHook(l))!.data]));
      const outputs = decodeOutputs(m.config, logits, b.nPos, b.lengths);
      for (let r = 0; r < b.size; r++)
        out.push({ input: inputs[out.length], output: outputs[r], heads: rowPatterns(m.config, patterns, r, b.nPos, b.lengths[r]) });
    }
    return out;
  } finally {
    ablator.dispose();
  }
}
