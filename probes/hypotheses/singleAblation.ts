/**
 * Ablation on one input at a time, for claims: the sites of the components (probes/components.ts), the
 * replacement hooks (intervene.ts), and where replacements come from — nothing (zero), the
 * position-wise mean over a reference set drawn with the seed (mean), or the activations of a
 * generated partner input of the same length (resample).
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import fc from 'fast-check';
import { positionAxis, type HookName, type Hooks } from '../../src/model/hooks.ts';
import type { Value } from '../../src/rasp/values.ts';
import { ABLATION_MODES, type AblationMode } from '../ablation.ts';
import { encodeProbeSet } from '../batches.ts';
import type { ComponentRef } from '../../src/model/components.ts';
import { hookSites } from '../hookSites.ts';
import { replacementHooks } from '../intervene.ts';
import { makeProbeSet } from '../probeSet.ts';
import { meanActivations } from '../sources.ts';
import { claimComponent, claimError, type ClaimContext } from './checker.ts';
import { tokenOf } from './inputs.ts';
import { singleBatch } from './single.ts';

/** Inputs the mean of mean ablation is taken over. */
export const MEAN_REFERENCE_INPUTS = 256;

export interface SingleAblation {
  /** The claim's components, read once here. */
  readonly components: readonly ComponentRef[];
  readonly mode: AblationMode;
  /** For resample: tokens to take the partner input from (cut to the input's length). */
  readonly extra?: fc.Arbitrary<Value[]>;
  /** Runs `fn` with the hooks that ablate the components on `input`; frees what they needed. */
  withHooks<T>(input: readonly Value[], extra: Value[] | undefined, fn: (hooks: Hooks) => T): T;
  /** The partner input a resample case uses. */
  partnerOf(input: readonly Value[], extra: Value[] | undefined): Value[];
  dispose(): void;
}

/** `size` entries of `t` along the position axis of `hook`, from position 0. */
function firstPositions(t: tf.Tensor, hook: HookName, size: number): tf.Tensor {
  const ax = positionAxis(hook);
  if (t.shape[ax] === size) return t;
  return tf.slice(
    t,
    t.shape.map(() => 0),
    t.shape.map((d, i) => (i === ax ? size : d)),
  );
}

export function singleAblation(ctx: ClaimContext, key: string, texts: readonly string[], mode: AblationMode): SingleAblation {
  if (!ABLATION_MODES.includes(mode)) throw claimError(ctx, 'mode', `must be one of ${ABLATION_MODES.join(', ')}, got '${mode}'`);
  if (texts.length === 0) throw claimError(ctx, key, 'name at least one component');
  const m = ctx.model;
  const comps = texts.map((t) => claimComponent(ctx, key, t));
  const sites = comps.flatMap((c) => hookSites(c, m.config));
  const hooks = [...new Set(sites.map((s) => s.hook))];
  const vocab = ctx.domain.vocab;
  let means: Map<HookName, tf.Tensor> | undefined;
  if (mode === 'mean') {
    const ref = makeProbeSet(ctx.program, { ...ctx.domain, n: MEAN_REFERENCE_INPUTS, seed: ctx.seed });
    means = meanActivations(m, encodeProbeSet(m.config, ref, { nPos: ctx.domain.maxLen + 1 }), hooks);
  }
  const partnerOf = (input: readonly Value[], extra: Value[] | undefined) => (extra ?? []).slice(0, input.length);
  return {
    components: comps,
    mode,
    extra: mode === 'resample' ? fc.array(tokenOf(vocab), { minLength: ctx.domain.maxLen, maxLength: ctx.domain.maxLen }) : undefined,
    partnerOf,
    withHooks(input, extra, fn) {
      const P = input.length + 1;
      if (mode === 'zero') return fn(replacementHooks(sites, () => null));
      if (mode === 'mean') return fn(replacementHooks(sites, (h) => firstPositions(means!.get(h)!, h, P)));
      const partner = partnerOf(input, extra);
      if (partner.length !== input.length) throw new Error('resample ablation needs a partner of the same length');
      const r = m.runWithCache(singleBatch(m.config, partner), { names: hooks });
      try {
        return fn(replacementHooks(sites, (h) => r.cache.get(h)!));
      } finally {
        r.dispose();
      }
    },
    dispose() {
      for (const t of means?.values() ?? []) t.dispose();
    },
  };
}
