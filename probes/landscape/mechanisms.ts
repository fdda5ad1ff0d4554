/**
 * What mechanism a model on a path has, asked of each point (probes/landscape/connect.ts,
 * `inspect`): which heads of a compiled model still have a match among its heads (head similarity,
 * probes/headSimilarity.ts, as `compare` matches them), and which claims of a hypothesis file
 * still hold of it (probes/hypotheses/runner.ts, on few generated inputs: a claim that fails on one
 * of them fails, one that holds on all of them is not proven). A path between two models of one
 * mechanism should keep both; one that leaves a basin may lose a head's job, or an invariance,
 * before its loss says much.
 */
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { formatHead } from '../../src/model/components.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';
import { DEFAULT_MATCH_THRESHOLD, headSimilarity, matchHeads } from '../headSimilarity.ts';
import type { Claim } from '../hypotheses/claims.ts';
import type { InputDomain } from '../hypotheses/inputs.ts';
import { checkClaims } from '../hypotheses/runner.ts';

export const DEFAULT_PATH_RUNS = 50;

export interface HeadOnPath {
  /** The compiled head, "layer.head". */
  readonly head: string;
  /** What it implements. */
  readonly expr?: string;
  /** The point's most similar head, and how similar (mean 1 − JSD). */
  readonly best: string | null;
  readonly similarity: number;
  readonly matched: boolean;
}

export interface ClaimOnPath {
  /** 1-based, as `rasplab check` numbers them. */
  readonly number: number;
  readonly name?: string;
  readonly claim: string;
  readonly passed: boolean;
  readonly counterexample: Value[] | null;
}

export interface PointMechanism {
  readonly t: number;
  /** null without a compiled model to match against. */
  readonly heads: HeadOnPath[] | null;
  /** null without a hypothesis file. */
  readonly claims: ClaimOnPath[] | null;
}

export interface MechanismOptions {
  /** Heads matched against this model's (a compiled one, whose heads are labelled). */
  readonly against?: LoadedModel;
  /** Inputs both models take, on which attention is compared. */
  readonly inputs?: readonly Value[][];
  readonly threshold?: number;
  readonly hypotheses?: {
    readonly program: Program;
    readonly claims: readonly Claim[];
    /** The inputs claims are generated from (the path's task: points carry no training record). */
    readonly domain: InputDomain;
    readonly runs?: number;
    readonly seed?: number;
    /** The file, for messages about its claims. */
    readonly where?: string;
  };
  readonly batchSize?: number;
}

/** The question asked of each point, for connectModels' `inspect`. */
export function mechanismsOnPath(opts: MechanismOptions): (m: LoadedModel, t: number) => Promise<PointMechanism> {
  return async (m, t) => {
    let heads: HeadOnPath[] | null = null;
    if (opts.against && opts.inputs) {
      const sim = await headSimilarity(opts.against, m, opts.inputs, { batchSize: opts.batchSize });
      heads = matchHeads(sim, opts.against, opts.threshold ?? DEFAULT_MATCH_THRESHOLD).map((h) => ({
        head: formatHead(h.head),
        ...(h.expr !== undefined ? { expr: h.expr } : {}),
        best: h.best ? formatHead(h.best) : null,
        similarity: h.similarity,
        matched: h.matched,
      }));
    }
    let claims: ClaimOnPath[] | null = null;
    const hyp = opts.hypotheses;
    if (hyp) {
      const reports = await checkClaims(m, hyp.program, hyp.claims, {
        numRuns: hyp.runs ?? DEFAULT_PATH_RUNS,
        seed: hyp.seed ?? 0,
        domain: hyp.domain,
        where: hyp.where,
      });
      claims = reports.map((r) => ({
        number: r.index + 1,
        ...(r.name !== undefined ? { name: r.name } : {}),
        claim: r.claim,
        passed: r.passed,
        counterexample: r.counterexample,
      }));
    }
    return { t, heads, claims };
  };
}
