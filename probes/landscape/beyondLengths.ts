/**
 * Experiment: volume and barrier against accuracy beyond the training lengths. For each model, its
 * mean radius (filter-normalised, the same directions seed and rise for all: minimaVolumes.ts), its
 * line barrier to a reference model (aligned, connect.ts; optional), both on the training probe set,
 * and its exact match on each set of other lengths. The Spearman rank correlation of each measure with
 * the mean exact match beyond (and with the mean token accuracy beyond) says whether a wider minimum, or one nearer the reference, generalises
 * further across these models (null when either side has no spread).
 */
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { scoreModel } from '../scoreRuns.ts';
import { connectModels, type NamedSet } from './connect.ts';
import { minimaVolumes, type NamedModelData } from './minimaVolumes.ts';

export interface ModelBeyond {
  readonly name: string;
  readonly meanRadius: number;
  readonly radii: number[];
  /** Loss barrier of the line from the reference to this model (null without a reference). */
  readonly barrier: number | null;
  readonly beyond: {
    readonly name: string;
    readonly minLen: number;
    readonly maxLen: number;
    readonly inputs: number;
    readonly exactMatch: number;
    readonly tokenAccuracy: number;
  }[];
  /** Mean of `beyond`'s exact matches. */
  readonly exactBeyond: number;
  /** Mean of `beyond`'s token accuracies (what still varies when no model gets a whole longer input right). */
  readonly tokenBeyond: number;
}

export interface BeyondLengths {
  readonly seed: number;
  readonly directions: number;
  readonly rise: number;
  readonly inputs: number;
  readonly reference: string | null;
  readonly models: ModelBeyond[];
  /** Spearman rank correlations with the exact match beyond (null: too few models or no spread). */
  readonly correlation: { readonly radius: number | null; readonly barrier: number | null };
  /** The same with the token accuracy beyond. */
  readonly tokenCorrelation: { readonly radius: number | null; readonly barrier: number | null };
}

export interface BeyondLengthsOptions {
  readonly directions: number;
  readonly seed: number;
  readonly rise: number;
  readonly bisections?: number;
  readonly tolerance?: number;
  /** Points on each line to the reference. */
  readonly points?: number;
  readonly onStage?: (what: string) => void;
}

/** Ranks 1…n, ties sharing their mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson's correlation of the ranks; null with fewer than 3 values or no spread. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 3) return null;
  const [rx, ry] = [ranks(xs), ranks(ys)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

export async function beyondLengths(
  models: readonly NamedModelData[],
  trained: NamedSet,
  beyond: readonly NamedSet[],
  reference: NamedModelData | null,
  opts: BeyondLengthsOptions,
): Promise<BeyondLengths> {
  if (beyond.length === 0) throw new Error('beyondLengths needs at least one set of other lengths');
  opts.onStage?.(`radii along ${opts.directions} directions`);
  const v = await minimaVolumes(models, trained.set, opts);
  const out: ModelBeyond[] = [];
  for (let k = 0; k < models.length; k++) {
    const m = models[k];
    let barrier: number | null = null;
    if (reference) {
      opts.onStage?.(`${m.name}: the line from ${reference.name}`);
      const c = await connectModels(reference.model, m.model, [trained], {
        points: opts.points,
        tolerance: opts.tolerance,
      });
      barrier = c.sets[0].barrier.loss;
    }
    const scores = await LoadedModel.use(m.model, async (lm) => {
      const r = [];
      for (const s of beyond) r.push({ name: s.name, minLen: s.minLen, maxLen: s.maxLen, inputs: s.set.inputs.length, ...(await scoreModel(lm, s.set, opts)) });
      return r;
    });
    out.push({
      name: m.name,
      meanRadius: v.models[k].radius.mean,
      radii: v.models[k].radii,
      barrier,
      beyond: scores.map((s) => ({
        name: s.name,
        minLen: s.minLen,
        maxLen: s.maxLen,
        inputs: s.inputs,
        exactMatch: s.exactMatch,
        tokenAccuracy: s.tokenAccuracy,
      })),
      exactBeyond: scores.reduce((s, x) => s + x.exactMatch, 0) / scores.length,
      tokenBeyond: scores.reduce((s, x) => s + x.tokenAccuracy, 0) / scores.length,
    });
  }
  const against = (ys: number[]) => ({
    radius: spearman(
      out.map((m) => m.meanRadius),
      ys,
    ),
    barrier: reference
      ? spearman(
          out.map((m) => m.barrier!),
          ys,
        )
      : null,
  });
  return {
    seed: opts.seed,
    directions: opts.directions,
    rise: opts.rise,
    inputs: trained.set.inputs.length,
    reference: reference?.name ?? null,
    models: out,
    correlation: against(out.map((m) => m.exactBeyond)),
    tokenCorrelation: against(out.map((m) => m.tokenBeyond)),
  };
}
