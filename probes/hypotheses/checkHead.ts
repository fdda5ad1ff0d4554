/**
 * "Head L.H implements selector S": the head's attention pattern (hook_pattern) against the
 * selector's matrix from the reference evaluator, query by query. Model position 0 is BOS, input
 * position i is model position i + 1; a query that selects nothing must attend BOS.
 */
import { Evaluator } from '../../src/rasp/evaluate.ts';
import { parseSelectorExpression } from '../../src/rasp/expression.ts';
import type { Value } from '../../src/rasp/values.ts';
import { patternHook } from '../attention.ts';
import type { HeadClaim } from './claims.ts';
import { claimComponent, claimError, claimRasp, type Checker, type ClaimContext } from './checker.ts';
import { keyText, runInput } from './single.ts';

/** Keys within this much of the most-attended one count as most-attended (compiled heads split evenly). */
export const ARGMAX_TIE = 1e-3;
/** Float slack for the mass rule (a key selected among w gets exactly 1/(w+1) beside BOS). */
const MASS_SLACK = 1e-6;

export interface HeadVerdict {
  readonly ok: boolean;
  /** Model key positions the query should attend. */
  readonly wanted: number[];
  readonly mass: number;
}

/**
 * Judges one attention row (model positions, BOS first) against the selected input keys. argmax:
 * the most-attended keys (within ARGMAX_TIE of the top) include a wanted key and are all wanted or
 * BOS — BOS may tie, as compiled selector-width heads attend it beside the selected keys, but a head
 * that attends everything evenly implements no narrower selector.
 */
export function judgeRow(row: ArrayLike<number>, nKeys: number, selected: readonly boolean[], rule: 'mass' | 'argmax', threshold: number): HeadVerdict {
  const wanted = selected.flatMap((s, k) => (s ? [k + 1] : []));
  if (wanted.length === 0) wanted.push(0);
  let mass = 0;
  for (const k of wanted) mass += row[k];
  if (rule === 'mass') return { ok: mass >= threshold - MASS_SLACK, wanted, mass };
  let best = -Infinity;
  for (let k = 0; k < nKeys; k++) best = Math.max(best, row[k]);
  const isWanted = new Set(wanted);
  let hit = false;
  let stray = false;
  for (let k = 0; k < nKeys; k++) {
    if (row[k] < best - ARGMAX_TIE) continue;
    if (isWanted.has(k)) hit = true;
    else if (k !== 0) stray = true;
  }
  return { ok: hit && !stray, wanted, mass };
}

const modelKey = (input: readonly Value[], k: number): string => (k === 0 ? 'BOS' : keyText(input, k - 1));

export function headChecker(ctx: ClaimContext, claim: HeadClaim): Checker {
  const ref = claimComponent(ctx, 'head', claim.head, ['head']);
  if (ref.kind !== 'head') throw new Error('unreachable');
  const rule = claim.match ?? 'mass';
  const threshold = claim.threshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw claimError(ctx, 'threshold', `must be in (0, 1], got ${threshold}`);
  const selector = claimRasp(ctx, 'implements', (file) => parseSelectorExpression(ctx.program, claim.implements, { file }));
  const hook = patternHook(ref.layer);
  const H = ctx.model.config.layers[ref.layer].nHeads;
  return {
    domain: ctx.domain,
    check(input) {
      const run = runInput(ctx.model, input, { cache: [hook] });
      const P = run.nPos;
      const data = run.acts.get(hook)!; // [1, H, P, P]
      const matrix = new Evaluator(input).selector(selector);
      for (let q = 0; q < input.length; q++) {
        const base = (ref.head * P + q + 1) * P;
        const row = data.subarray(base, base + P);
        const v = judgeRow(row, input.length + 1, matrix[q], rule, threshold);
        if (v.ok) continue;
        const attends = Array.from(row, (w, k) => `${modelKey(input, k)} ${w.toFixed(2)}`).join(', ');
        const keys = v.wanted.map((k) => modelKey(input, k)).join(', ');
        const none = matrix[q].every((s) => !s) ? ' (it selects nothing)' : '';
        return {
          ok: false,
          observed: `query ${keyText(input, q)} attends ${attends}`,
          expected: rule === 'mass' ? `mass ≥ ${threshold} on ${keys}${none}` : `the most attention on ${keys}${none}`,
        };
      }
      return { ok: true, observed: `every query of ${H > 1 ? `head ${ref.layer}.${ref.head}` : 'the head'} matches`, expected: claim.implements };
    },
    dispose() {},
  };
}
