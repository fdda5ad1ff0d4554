/**
 * Linear mode connectivity: models at evenly spaced points on the straight line between A and B
 * (probes/landscape/weightSpace.ts), each scored on probe sets (the training lengths, and lengths
 * beyond them) with the scoring every command shares. The loss barrier of a set is the highest
 * loss on the path minus the mean of the two ends' losses (0 when the path never rises above its
 * ends' mean); its accuracy counterparts are the mean of the ends' accuracies minus the lowest on
 * the path. A barrier is read from the points measured, so a finer path can only find a higher one.
 * By default B's heads and neurons are first permuted to match A's (probes/landscape/align.ts):
 * the same B, nearer A.
 */
import { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';
import { scoreModel } from '../scoreRuns.ts';
import type { ProbeSet } from '../probeSet.ts';
import { alignTo, type Alignment } from './align.ts';
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
  /** Position on the line: 0 is A, 1 is B. */
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

export interface Connection {
  readonly points: number;
  /** Whether B's attention scale was folded into its W_Q to match A's. */
  readonly rescaled: boolean;
  /** How B was permuted before the path was drawn (null: --no-align). */
  readonly alignment: Alignment | null;
  readonly sets: SetPath[];
}

export interface ConnectOptions {
  /** Points on the line, both ends included (≥ 2). */
  readonly points?: number;
  readonly tolerance?: number;
  readonly batchSize?: number;
  /** Permute B's heads and neurons to match A's first (default true). */
  readonly align?: boolean;
  /** Called after each point is scored (progress). */
  readonly onPoint?: (done: number, total: number) => void;
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

/** Scores the models on the line from `a` to `b` (same shape: check with checkSameShape first) on each set. */
export async function connectModels(a: ModelData, b: ModelData, sets: readonly NamedSet[], opts: ConnectOptions = {}): Promise<Connection> {
  const points = opts.points ?? DEFAULT_PATH_POINTS;
  if (!Number.isInteger(points) || points < 2) throw new Error(`connectModels needs at least 2 points, got ${points}`);
  const bScaled = atScaleOf(a, b);
  const aligned = opts.align === false ? null : alignTo(a, bScaled);
  const end = aligned?.model ?? bScaled;
  const paths: PathScore[][] = sets.map(() => []);
  const n = points - 1;
  for (let i = 0; i <= n; i++) {
    await LoadedModel.use(pathPoint(a, end, i, n), async (m) => {
      for (let s = 0; s < sets.length; s++) {
        const score = await scoreModel(m, sets[s].set, { batchSize: opts.batchSize, tolerance: opts.tolerance });
        paths[s].push({ t: i / n, loss: score.loss, exactMatch: score.exactMatch, tokenAccuracy: score.tokenAccuracy });
      }
    });
    opts.onPoint?.(i + 1, points);
  }
  return {
    points,
    rescaled: bScaled !== b,
    alignment: aligned?.alignment ?? null,
    sets: sets.map((s, k) => ({ name: s.name, minLen: s.minLen, maxLen: s.maxLen, inputs: s.set.inputs.length, path: paths[k], barrier: barrierOf(paths[k]) })),
  };
}
