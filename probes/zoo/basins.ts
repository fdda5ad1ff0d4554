/**
 * The basins of a set of models, by linear mode connectivity between every pair of them: two
 * models share a basin when the exact-match barrier on the (aligned) straight line between them
 * is below a threshold (probes/landscape/connect.ts). Being joined by a low line is not
 * transitive, so a basin here is a connected component of the "joined" relation (single
 * linkage): A and C share one when A–B and B–C are low even if A–C is not, and the pairs say
 * which. Models of different shapes have no line between them: each shape's models are grouped
 * among themselves only.
 */
import type { ModelData } from '../../src/model/types.ts';
import { shapeDifference } from '../landscape/weightSpace.ts';
import { connectModels, type NamedSet } from '../landscape/connect.ts';

export interface PairBarrier {
  readonly a: string;
  readonly b: string;
  /** mean of the ends' exact match − the lowest on the line. */
  readonly exactMatch: number;
  /** max loss on the line − mean of the ends' losses. */
  readonly loss: number;
}

export interface Basins {
  readonly threshold: number;
  readonly points: number;
  /** The inputs each path was scored on. */
  readonly inputs: number;
  readonly minLen: number;
  readonly maxLen: number;
  readonly pairs: readonly PairBarrier[];
  /** Each basin's models, largest first (ties in the order the models were given). */
  readonly groups: readonly (readonly string[])[];
}

/** Connected components of `joined` over `keys`, each in the order of `keys`, largest first. */
export function components(keys: readonly string[], joined: readonly (readonly [string, string])[]): string[][] {
  const parent = new Map(keys.map((k) => [k, k]));
  const root = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  for (const [a, b] of joined) parent.set(root(a), root(b));
  const groups = new Map<string, string[]>();
  for (const k of keys) groups.set(root(k), [...(groups.get(root(k)) ?? []), k]);
  return [...groups.values()].sort((x, y) => y.length - x.length);
}

/** Pairwise barriers between `models` (same-shape pairs only) on `set`, and the basins they make under `threshold`. */
export async function linearBasins(
  models: readonly { readonly key: string; readonly data: ModelData }[],
  set: NamedSet,
  opts: {
    readonly threshold: number;
    readonly points: number;
    readonly tolerance?: number;
    readonly onPair?: (done: number, total: number, pair: PairBarrier) => void;
  },
): Promise<Basins> {
  const todo: [number, number][] = [];
  for (let i = 0; i < models.length; i++)
    for (let j = i + 1; j < models.length; j++) if (!shapeDifference(models[i].data.config, models[j].data.config)) todo.push([i, j]);
  const pairs: PairBarrier[] = [];
  for (const [i, j] of todo) {
    const r = await connectModels(models[i].data, models[j].data, [set], { points: opts.points, tolerance: opts.tolerance });
    const b = r.sets[0].barrier;
    const pair = { a: models[i].key, b: models[j].key, exactMatch: b.exactMatch, loss: b.loss };
    pairs.push(pair);
    opts.onPair?.(pairs.length, todo.length, pair);
  }
  const joined = pairs.filter((p) => p.exactMatch < opts.threshold).map((p) => [p.a, p.b] as const);
  return {
    threshold: opts.threshold,
    points: opts.points,
    inputs: set.set.inputs.length,
    minLen: set.minLen,
    maxLen: set.maxLen,
    pairs,
    groups: components(
      models.map((m) => m.key),
      joined,
    ),
  };
}
