/**
 * Alignment search (`rasplab align`): where in a model's residual stream does a program variable
 * live? At every residual-stream read point (each layer's resid_pre and resid_mid, and the last
 * resid_post), the same subspace at every position is interchanged at one random position per pair
 * (sources of any length that reach it, so that what depends on the length can differ):
 *   (a) in given directions: a compiled model's labelled directions, when its residual stream has the
 *       model's width (a learned model initialised from or shaped like the compiled one);
 *   (b) in a rank-k subspace trained by DAS (das.ts) on training pairs, scored on held-out pairs;
 * each DAS subspace also restricted to the directions later components read (illusion.ts).
 * Then the best site, and at it the smallest rank (1, 2, 4, … up to k) whose IIA is within a point
 * of rank k's.
 */
import { layerHook, type HookName } from '../../src/model/hooks.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelConfig, ModelData, WeightArray } from '../../src/model/types.ts';
import { programVariable } from '../../src/rasp/counterfactual.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ProbeTask } from '../probeSet.ts';
import { trainSubspace } from './das.ts';
import { readSpace, restrictToReadSpace } from './illusion.ts';
import { interchangeAccuracy, type InterchangeResult } from './interchange.ts';
import { interchangePairs } from './pairs.ts';
import { directionBasis, labelledDirections, type InterchangeSite } from './sites.ts';

export interface AlignOptions {
  readonly rank: number;
  readonly steps: number;
  /** Training pairs for DAS; as many again, from another seed, are held out to score. */
  readonly pairs: number;
  readonly seed: number;
  readonly task: ProbeTask;
  /** A model whose labelled directions are tried as given directions (a compiled model). */
  readonly directions?: ModelData;
  readonly lr?: number;
  readonly tolerance?: number;
  /** Only these hooks (default: every residual-stream read point). */
  readonly hooks?: readonly HookName[];
  /** Called as each site is done. */
  readonly onSite?: (hook: HookName, done: number, of: number) => void;
}

export interface IllusionCheck {
  /** Dimension of what later components read at this hook (d_model: they read all of it, and the restriction changes nothing). */
  readonly readRank: number;
  /** Rank of the subspace once restricted to it. */
  readonly restrictedRank: number;
  readonly iiaRestricted: number;
  /**
   * The subspace has an effect (IIA over the pairs it should change above 50%) that disappears (IIA
   * falls by more than 10 points) when restricted: it went through a dormant direction.
   */
  readonly illusion: boolean;
}

export interface AlignedSite {
  readonly hook: HookName;
  /** IIA of the given directions at this hook; null when there are none (no model given, other width, variable unlabelled). */
  readonly given: InterchangeResult | null;
  readonly das: InterchangeResult;
  readonly illusion: IllusionCheck;
  /** The DAS subspace, [d_model, rank]. */
  readonly basis: WeightArray;
}

export interface AlignResult {
  readonly variable: string;
  readonly rank: number;
  readonly trainPairs: number;
  readonly testPairs: number;
  /** Why the given directions were not tried (absent when they were). */
  readonly givenNote?: string;
  readonly sites: readonly AlignedSite[];
  readonly best: { readonly hook: HookName; readonly iia: number };
  /** At the best site: IIA per rank tried, and the smallest rank within a point of the full rank's IIA. */
  readonly ranks: readonly { readonly rank: number; readonly iia: number }[];
  readonly rankNeeded: number;
}

/** Every residual-stream read point: each layer's resid_pre and resid_mid, then the last resid_post. */
export function residualReadPoints(config: ModelConfig): HookName[] {
  const hooks = config.layers.flatMap((_, l) => [layerHook(l, 'hook_resid_pre'), layerHook(l, 'hook_resid_mid')]);
  return [...hooks, layerHook(config.layers.length - 1, 'hook_resid_post')];
}

function givenBasis(model: ModelData, from: ModelData | undefined, variable: string): { basis: WeightArray | null; note?: string } {
  if (!from) return { basis: null, note: 'no model with labelled directions was given (--directions COMPILED)' };
  if (from.config.dModel !== model.config.dModel)
    return {
      basis: null,
      note: `the given model's residual stream is ${from.config.dModel} wide, this one's ${model.config.dModel}: its directions do not apply`,
    };
  const dirs = labelledDirections(from, variable);
  if (dirs.length === 0) return { basis: null, note: `the given model has no direction for '${variable}'` };
  return { basis: directionBasis(model.config.dModel, dirs) };
}

const RANK_SLACK = 0.01;

export async function align(model: LoadedModel, program: Program, variable: string, opts: AlignOptions): Promise<AlignResult> {
  const node = programVariable(program, variable);
  const train = interchangePairs(program, node, opts.task, opts.pairs, opts.seed, 'random', model.config.output);
  const test = interchangePairs(program, node, opts.task, opts.pairs, opts.seed + 1_000_003, 'random', model.config.output);
  const given = givenBasis(model, opts.directions, variable);
  const hooks = opts.hooks ?? residualReadPoints(model.config);
  const score = (hook: HookName, basis: WeightArray): Promise<InterchangeResult> => {
    const site: InterchangeSite = { kind: 'subspace', name: hook, parts: [{ hook, basis }] };
    return interchangeAccuracy(model, test, site, { tolerance: opts.tolerance });
  };
  const das = (hook: HookName, rank: number) => trainSubspace(model, train, hook, { rank, steps: opts.steps, seed: opts.seed, lr: opts.lr });
  const sites: AlignedSite[] = [];
  for (const hook of hooks) {
    const { basis } = await das(hook, opts.rank);
    const result = await score(hook, basis);
    const read = readSpace(model, hook);
    const restricted = restrictToReadSpace(basis, read);
    const iiaRestricted = restricted.shape[1] === 0 ? 0 : (await score(hook, restricted)).iia;
    sites.push({
      hook,
      given: given.basis ? await score(hook, given.basis) : null,
      das: result,
      illusion: {
        readRank: read.length,
        restrictedRank: restricted.shape[1],
        iiaRestricted,
        illusion: result.iiaChanged > 0.5 && result.iia - iiaRestricted > 0.1,
      },
      basis,
    });
    opts.onSite?.(hook, sites.length, hooks.length);
  }
  const best = sites.reduce((a, b) => (b.das.iia > a.das.iia ? b : a));
  const ranks: { rank: number; iia: number }[] = [];
  for (let r = 1; r < opts.rank; r *= 2) ranks.push({ rank: r, iia: (await score(best.hook, (await das(best.hook, r)).basis)).iia });
  ranks.push({ rank: opts.rank, iia: best.das.iia });
  const rankNeeded = ranks.find((r) => r.iia >= best.das.iia - RANK_SLACK)!.rank;
  return {
    variable,
    rank: opts.rank,
    trainPairs: train.base.length,
    testPairs: test.base.length,
    ...(given.note ? { givenNote: given.note } : {}),
    sites,
    best: { hook: best.hook, iia: best.das.iia },
    ranks,
    rankNeeded,
  };
}
