/**
 * `rasplab intervene`'s probe: IIA per variable and site. Each variable gets its own pairs (the
 * same seed for every site, so sites are compared on the same inputs).
 */
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { programVariable } from '../../src/rasp/counterfactual.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { ProbeTask } from '../probeSet.ts';
import { UserError } from '../../src/rasp/errors.ts';
import { interchangeAccuracy, type InterchangeResult } from './interchange.ts';
import { interchangePairs, type InterchangePairs } from './pairs.ts';
import { sitePosition } from './sites.ts';
import { parseSiteText } from './siteText.ts';

export interface VariableIIA extends InterchangeResult {
  readonly variable: string;
  /** Pairs drawn but left out (the evaluator refused the counterfactual). */
  readonly refused: number;
}

export interface IIAOptions {
  readonly variables: readonly string[];
  /** Sites as text (probes/abstraction/siteText.ts); 'labels' for a compiled model's own directions. */
  readonly sites: readonly string[];
  readonly task: ProbeTask;
  readonly pairs: number;
  readonly seed: number;
  readonly tolerance?: number;
}

/** Every variable at every site. Bad names (variable, site) are refused before any run. */
export async function iiaTable(model: LoadedModel, program: Program, opts: IIAOptions): Promise<VariableIIA[]> {
  const jobs = opts.variables.map((v) => ({ v, node: programVariable(program, v), sites: opts.sites.map((s) => parseSiteText(s, model, v)) }));
  for (const { sites } of jobs)
    for (const s of sites) if (sitePosition(s) === 0) throw new UserError(`site '${s.name}': position 0 is BOS, where no program variable has a value`);
  const out: VariableIIA[] = [];
  for (const { v, node, sites } of jobs) {
    const byPosition = new Map<number | undefined, InterchangePairs>();
    for (const site of sites) {
      const at = sitePosition(site);
      if (!byPosition.has(at)) byPosition.set(at, interchangePairs(program, node, opts.task, opts.pairs, opts.seed, at ?? 'all', model.config.output));
      const pairs = byPosition.get(at)!;
      out.push({ variable: v, refused: pairs.refused, ...(await interchangeAccuracy(model, pairs, site, { tolerance: opts.tolerance })) });
    }
  }
  return out;
}
