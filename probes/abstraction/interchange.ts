/**
 * Interchange intervention accuracy (IIA; Geiger et al.): over base/source pairs, run the model on
 * the base with the site holding what it holds on the source, and count the pairs whose whole
 * output is the program's counterfactual output (the variable overridden by its source values).
 * IIA = 1 says the site plays the variable's causal role on those inputs. Pairs whose
 * counterfactual equals the base output test nothing, so IIA is also given over the others.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { encodeBatch, encodeInputs, type Batch } from '../../src/model/batch.ts';
import type { Hooks } from '../../src/model/hooks.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { decodeOutputs, NUMERIC_TOLERANCE, outputsMatch } from '../../src/model/scoring.ts';
import type { Value } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import { replacementHooks } from '../intervene.ts';
import type { InterchangePairs } from './pairs.ts';
import { rowActivationHooks, rowPositionMask, siteHooks, subspaceHooks, type InterchangeSite } from './sites.ts';

export interface InterchangeResult {
  readonly site: string;
  readonly pairs: number;
  /** Fraction of pairs whose intervened output is the counterfactual. */
  readonly iia: number;
  /** Pairs whose counterfactual differs from the base output, and IIA over those (NaN when none). */
  readonly changed: number;
  readonly iiaChanged: number;
  /** Pairs intervened at one position: IIA per model position (BOS = 0). */
  readonly byPosition: readonly { readonly position: number; readonly pairs: number; readonly iia: number }[];
  /** IIA per base input length (shortest first): where a site that holds its variable on short inputs stops holding it. */
  readonly byLength: readonly { readonly length: number; readonly pairs: number; readonly iia: number }[];
}

const BATCH = 256;

/**
 * One batch of bases and their sources, encoded to the same positions, and the positions
 * intervened on per row; the base batch carries the counterfactual outputs as its targets.
 */
export interface PairBatch {
  readonly base: Batch;
  readonly source: Batch;
  readonly positions: (number | null)[];
  readonly from: number;
}

export function pairBatches(model: ModelData, pairs: InterchangePairs, batchSize = BATCH): PairBatch[] {
  const out: PairBatch[] = [];
  for (let from = 0; from < pairs.base.length; from += batchSize) {
    const take = (xs: Value[][]) => xs.slice(from, from + batchSize);
    const nPos = Math.max(...take(pairs.base).map((x) => x.length), ...take(pairs.source).map((x) => x.length)) + 1;
    out.push({
      base: encodeBatch(
        model.config,
        take(pairs.base).map((input, r) => ({ input, output: pairs.counterfactual[from + r] })),
        { nPos },
      ),
      source: encodeInputs(model.config, take(pairs.source), { nPos }),
      positions: pairs.positions.slice(from, from + batchSize),
      from,
    });
  }
  return out;
}

/** The hooks that write the source run's site into the base run; `cache` holds the source run's activations at the site's hooks. */
export function interchangeHooks(site: InterchangeSite, cache: ReadonlyMap<string, tf.Tensor>, b: PairBatch, bases?: readonly tf.Tensor2D[]): Hooks {
  if (site.kind === 'activation')
    return b.positions.every((p) => p === null)
      ? replacementHooks(site.sites, (h) => cache.get(h)!)
      : rowActivationHooks(site.sites, (h) => cache.get(h)!, b.positions, b.base.nPos);
  return subspaceHooks(
    site.parts.map((p, i) => ({ hook: p.hook, basis: bases![i] })),
    (h) => cache.get(h)!,
    rowPositionMask(b.positions, b.base.nPos),
  );
}

/** A subspace site's bases as tensors (the caller disposes them); none for an activation site. */
export const siteBases = (site: InterchangeSite): tf.Tensor2D[] =>
  site.kind === 'subspace' ? site.parts.map((p) => tf.tensor2d(p.basis.data, p.basis.shape as [number, number])) : [];

/** The intervened logits of one pair batch, as the caller's tidy sees them (source activations freed here). */
export function intervenedLogits(model: LoadedModel, b: PairBatch, site: InterchangeSite, bases?: readonly tf.Tensor2D[]): tf.Tensor3D {
  const src = model.runWithCache(b.source, { names: siteHooks(site) });
  try {
    return tf.tidy(() => model.run(b.base, { hooks: interchangeHooks(site, src.cache, b, bases) }));
  } finally {
    src.dispose();
  }
}

export interface InterchangeOptions {
  readonly tolerance?: number;
  readonly batchSize?: number;
}

/** IIA of one site over the pairs. */
export async function interchangeAccuracy(
  model: LoadedModel,
  pairs: InterchangePairs,
  site: InterchangeSite,
  opts: InterchangeOptions = {},
): Promise<InterchangeResult> {
  const tol = opts.tolerance ?? NUMERIC_TOLERANCE;
  const bases = siteBases(site);
  let hits = 0;
  let changed = 0;
  let changedHits = 0;
  const perPos = new Map<number, { pairs: number; hits: number }>();
  const perLength = new Map<number, { pairs: number; hits: number }>();
  const tally = (m: Map<number, { pairs: number; hits: number }>, key: number, ok: boolean): void => {
    const t = m.get(key) ?? { pairs: 0, hits: 0 };
    t.pairs++;
    if (ok) t.hits++;
    m.set(key, t);
  };
  try {
    for (const b of pairBatches(model, pairs, opts.batchSize)) {
      const logits = intervenedLogits(model, b, site, bases);
      const got = decodeOutputs(model.config, await logits.data(), b.base.nPos, b.base.lengths);
      logits.dispose();
      got.forEach((y, r) => {
        const i = b.from + r;
        const cf = pairs.counterfactual[i];
        const ok = outputsMatch(model.config.output, cf, y, tol);
        const differs = !outputsMatch(model.config.output, cf, pairs.baseOutput[i], tol);
        if (ok) hits++;
        if (differs) changed++;
        if (ok && differs) changedHits++;
        const p = pairs.positions[i];
        if (p !== null) tally(perPos, p, ok);
        tally(perLength, pairs.base[i].length, ok);
      });
    }
  } finally {
    tf.dispose(bases);
  }
  const n = pairs.base.length;
  const rates = (m: Map<number, { pairs: number; hits: number }>) =>
    [...m].sort((a, b) => a[0] - b[0]).map(([key, t]) => ({ key, pairs: t.pairs, iia: t.hits / t.pairs }));
  return {
    site: site.name,
    pairs: n,
    iia: n ? hits / n : Number.NaN,
    changed,
    iiaChanged: changed ? changedHits / changed : Number.NaN,
    byPosition: rates(perPos).map(({ key, ...r }) => ({ position: key, ...r })),
    byLength: rates(perLength).map(({ key, ...r }) => ({ length: key, ...r })),
  };
}
