/**
 * Linear mode connectivity: models at evenly spaced points on the straight line between A and B
 * (probes/landscape/weightSpace.ts), each scored on probe sets (the training lengths, and lengths
 * beyond them) with the scoring every command shares. The loss barrier of a set is the highest
 * loss on the path minus the mean of the two ends' losses (0 when the path never rises above its
 * ends' mean); its accuracy counterparts are the mean of the ends' accuracies minus the lowest on
 * the path. A barrier is read from the points measured, so a finer path can only find a higher one.
 * By default B's heads and neurons are first permuted to match A's (probes/landscape/align.ts):
 * the same B, nearer A. With `curve`, the same points are also measured on a quadratic Bézier
 * curve from A to the aligned B whose middle point is trained (probes/landscape/curve.ts); with
 * `inspect`, each model on a path is also asked what mechanism it has (probes/landscape/mechanisms.ts).
 */
import { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';
import { scoreModel } from '../scoreRuns.ts';
import type { ProbeSet } from '../probeSet.ts';
import type { DataSpec } from '../../src/rasp/examples.ts';
import { alignTo, type Alignment } from './align.ts';
import { bezierPoint, trainCurve, type CurveOptions } from './curve.ts';
import { atScaleOf, pathPoint } from './weightSpace.ts';

export const DEFAULT_PATH_POINTS = 11;

/** A probe set with what it is called in the output. */
export interface NamedSet {
  /** e.g. 'trained' or 'length 9'. */
  readonly name: string;
  readonly minLen: number;
  readonly maxLen: number;
  readonly set: ProbeSet;
}

export interface PathScore {
  /** Position on the path: 0 is A, 1 is B. */
  readonly t: number;
  readonly loss: number;
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
}

export interface Barrier {
  /** max loss on the path − mean of the two ends' losses. */
  readonly loss: number;
  /** mean of the two ends' exact match − min exact match on the path. */
  readonly exactMatch: number;
  /** mean of the two ends' token accuracy − min token accuracy on the path. */
  readonly tokenAccuracy: number;
}

export interface SetPath {
  readonly name: string;
  readonly minLen: number;
  readonly maxLen: number;
  readonly inputs: number;
  readonly path: PathScore[];
  readonly barrier: Barrier;
}

/** The trained curve and the same sets scored along it. */
export interface CurvePath<M = unknown> {
  readonly steps: number;
  readonly lr: number;
  readonly batch: number;
  /** Mean training loss at the drawn t, over the first and the last tenth of the steps. */
  readonly trainLoss: { readonly first: number; readonly last: number };
  readonly sets: SetPath[];
  /** What `inspect` found at each point, in the order of the points (empty without it). */
  readonly mechanisms: M[];
}

export interface Connection<M = unknown> {
  readonly points: number;
  /** Whether B's attention scale was folded into its W_Q to match A's. */
  readonly rescaled: boolean;
  /** How B was permuted before the path was drawn (null: --no-align). */
  readonly alignment: Alignment | null;
  readonly sets: SetPath[];
  /** What `inspect` found at each point of the line (empty without it). */
  readonly mechanisms: M[];
  /** The curve (null without `curve`). */
  readonly curve: CurvePath<M> | null;
}

export interface ConnectOptions<M = unknown> {
  /** Points on the line, both ends included (≥ 2). */
  readonly points?: number;
  readonly tolerance?: number;
  readonly batchSize?: number;
  /** Permute B's heads and neurons to match A's first (default true). */
  readonly align?: boolean;
  /** Called after each point is scored (progress). */
  readonly onPoint?: (done: number, total: number) => void;
  /** Also train a Bézier curve on examples of `spec` and score it at the same points. */
  readonly curve?: CurveOptions & { readonly spec: DataSpec };
  /** Asked of each model on the path, after it is scored. */
  readonly inspect?: (m: LoadedModel, t: number) => Promise<M>;
}

/** The barrier of a path (see the file header). */
export function barrierOf(path: readonly PathScore[]): Barrier {
  const ends = (f: (p: PathScore) => number) => (f(path[0]) + f(path[path.length - 1])) / 2;
  const max = (f: (p: PathScore) => number) => Math.max(...path.map(f));
  const min = (f: (p: PathScore) => number) => Math.min(...path.map(f));
  return {
    loss: max((p) => p.loss) - ends((p) => p.loss),
    exactMatch: ends((p) => p.exactMatch) - min((p) => p.exactMatch),
    tokenAccuracy: ends((p) => p.tokenAccuracy) - min((p) => p.tokenAccuracy),
  };
}

/** Scores the models `pointAt(t)` at `points` evenly spaced t on each set, and inspects each. */
async function scorePath<M>(
  pointAt: (i: number, n: number) => ModelData,
  sets: readonly NamedSet[],
  points: number,
  opts: ConnectOptions<M>,
  progress: (done: number) => void,
): Promise<{ sets: SetPath[]; mechanisms: M[] }> {
  const paths: PathScore[][] = sets.map(() => []);
  const mechanisms: M[] = [];
  const n = points - 1;
  for (let i = 0; i <= n; i++) {
    await LoadedModel.use(pointAt(i, n), async (m) => {
      for (let s = 0; s < sets.length; s++) {
        const score = await scoreModel(m, sets[s].set, { batchSize: opts.batchSize, tolerance: opts.tolerance });
        paths[s].push({ t: i / n, loss: score.loss, exactMatch: score.exactMatch, tokenAccuracy: score.tokenAccuracy });
      }
      if (opts.inspect) mechanisms.push(await opts.inspect(m, i / n));
    });
    progress(i + 1);
  }
  return {
    sets: sets.map((s, k) => ({ name: s.name, minLen: s.minLen, maxLen: s.maxLen, inputs: s.set.inputs.length, path: paths[k], barrier: barrierOf(paths[k]) })),
    mechanisms,
  };
}

/** Scores the models on the line from `a` to `b` (same shape: check with checkSameShape first) on each set, and on the curve when asked. */
export async function connectModels<M = unknown>(a: ModelData, b: ModelData, sets: readonly NamedSet[], opts: ConnectOptions<M> = {}): Promise<Connection<M>> {
  const points = opts.points ?? DEFAULT_PATH_POINTS;
  if (!Number.isInteger(points) || points < 2) throw new Error(`connectModels needs at least 2 points, got ${points}`);
  const bScaled = atScaleOf(a, b);
  const aligned = opts.align === false ? null : alignTo(a, bScaled);
  const end = aligned?.model ?? bScaled;
  const total = opts.curve ? 2 * points : points;
  const line = await scorePath(
    (i, n) => pathPoint(a, end, i, n),
    sets,
    points,
    opts,
    (done) => opts.onPoint?.(done, total),
  );
  let curve: Connection<M>['curve'] = null;
  if (opts.curve) {
    const trained = trainCurve(a, end, opts.curve.spec, opts.curve);
    const scored = await scorePath(
      (i, n) => bezierPoint(a, trained.middle, end, i / n),
      sets,
      points,
      opts,
      (done) => opts.onPoint?.(points + done, total),
    );
    curve = { steps: trained.steps, lr: trained.lr, batch: trained.batch, trainLoss: trained.trainLoss, ...scored };
  }
  return {
    points,
    rescaled: bScaled !== b,
    alignment: aligned?.alignment ?? null,
    ...line,
    curve,
  };
}
