/**
 * Questions about a zoo's population rather than one model, over the index's rows (plain data in
 * and out, no model loaded):
 *  - emergence: per program and size (and step count and data fraction: the data a run saw), exact match, token
 *    accuracy and log-likelihood side by side, averaged over seeds; a jump under exact match that
 *    is smooth under the other two is the "mirage" of emergent abilities;
 *  - the Rashomon set: the models within ε of the best held-out exact match, and within it how many
 *    distinct mechanisms, told apart by which compiled head each learned head matches.
 */
import type { CompareFigures, JobFigures } from './figures.ts';
import type { ZooRow } from './store.ts';

export interface EmergencePoint {
  readonly program: string;
  readonly layers: number | null;
  readonly heads: number | null;
  readonly dModel: number | null;
  readonly dMlp: number | null;
  readonly steps: number | null;
  /** The share of the training inputs the runs trained on (1: all). */
  readonly dataFraction: number;
  readonly seeds: number;
  readonly exactMatch: number;
  readonly tokenAccuracy: number;
  /** Mean log-likelihood per output position on the held-out set: −(its loss). */
  readonly logLikelihood: number;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const num = (v: string | number | null) => (v === null ? null : Number(v));

export function emergence(rows: readonly ZooRow[]): EmergencePoint[] {
  const groups = new Map<string, ZooRow[]>();
  for (const r of rows) {
    const k = JSON.stringify([r.program, r.layers, r.heads, r.d_model, r.d_mlp, r.steps, r.data_fraction]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    program: String(g[0].program),
    layers: num(g[0].layers),
    heads: num(g[0].heads),
    dModel: num(g[0].d_model),
    dMlp: num(g[0].d_mlp),
    steps: num(g[0].steps),
    dataFraction: Number(g[0].data_fraction),
    seeds: g.length,
    exactMatch: mean(g.map((r) => Number(r.test_acc))),
    tokenAccuracy: mean(g.map((r) => Number(r.test_token_acc))),
    logLikelihood: -mean(g.map((r) => Number(r.test_loss))),
  }));
}

export interface Mechanism {
  /** In which layer a learned head matches each compiled head ("0.0→L0, 1.0→L1"),
   * or "no compiled head matched"; "not compared" without the compare analysis. */
  readonly signature: string;
  readonly models: readonly string[];
}

export interface RashomonSet {
  readonly program: string;
  readonly best: number;
  readonly epsilon: number;
  readonly models: readonly { readonly key: string; readonly testAcc: number; readonly beyond: number | null }[];
  readonly mechanisms: readonly Mechanism[];
  /** Verify's agreement beyond the training lengths across the set: how far equally good models part there. */
  readonly beyondRange: readonly [number, number] | null;
}

/** Heads of one layer are interchangeable (relabelling them changes nothing), so a learned head counts by its layer: "1.0→L1". */
export function mechanismOf(compare: CompareFigures | undefined): string {
  if (!compare) return 'not compared';
  const matched = compare.heads.filter((h) => h.matched).map((h) => `${h.compiled}→L${(h.learned ?? '?').split('.')[0]}`);
  return matched.length ? matched.join(', ') : 'no compiled head matched';
}

/** One Rashomon set per program. */
export function rashomon(rows: readonly ZooRow[], epsilon: number): RashomonSet[] {
  const programs = [...new Set(rows.map((r) => String(r.program)))];
  return programs.map((program) => {
    const mine = rows.filter((r) => r.program === program);
    const best = Math.max(...mine.map((r) => Number(r.test_acc)));
    const inSet = mine.filter((r) => Number(r.test_acc) >= best - epsilon);
    const byMechanism = new Map<string, string[]>();
    for (const r of inSet) {
      const sig = mechanismOf((JSON.parse(r.figures) as JobFigures).compare);
      byMechanism.set(sig, [...(byMechanism.get(sig) ?? []), String(r.key)]);
    }
    const beyond = inSet.map((r) => r.verify_beyond).filter((v): v is number => v !== null);
    return {
      program,
      best,
      epsilon,
      models: inSet.map((r) => ({ key: String(r.key), testAcc: Number(r.test_acc), beyond: num(r.verify_beyond) })),
      mechanisms: [...byMechanism].map(([signature, models]) => ({ signature, models })).sort((a, b) => b.models.length - a.models.length),
      beyondRange: beyond.length ? [Math.min(...beyond), Math.max(...beyond)] : null,
    };
  });
}
