/**
 * Questions about a zoo's population rather than one model, over the index's rows (plain data in
 * and out, no model loaded):
 *  - emergence: per program and size (and step count, learning rate and data fraction: how a run trained), exact match, token
 *    accuracy and log-likelihood side by side, averaged over seeds; a jump under exact match that
 *    is smooth under the other two is the "mirage" of emergent abilities;
 *  - the Rashomon set: the models within ε of the best held-out exact match, and within it how many
 *    distinct mechanisms, told apart by which compiled head each learned head matches, and, where
 *    the index has the figures, by the edge set of the circuit discovery found, and by the linear
 *    barrier to the spec's reference model (below a threshold: in the reference's basin).
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
  readonly lr: number | null;
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
    const k = JSON.stringify([r.program, r.layers, r.heads, r.d_model, r.d_mlp, r.steps, r.lr, r.data_fraction]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    program: String(g[0].program),
    layers: num(g[0].layers),
    heads: num(g[0].heads),
    dModel: num(g[0].d_model),
    dMlp: num(g[0].d_mlp),
    steps: num(g[0].steps),
    lr: num(g[0].lr),
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
  /** Mechanisms told apart by the discovered circuit (the same edge set: one mechanism); null when no model of the set has discovery's figures. */
  readonly byCircuit: readonly Mechanism[] | null;
  /**
   * Mechanisms told apart by the exact-match barrier on the line to the reference model: the models
   * below `barrier` share the reference's basin, the others do not (the index holds barriers to the
   * reference only, so those outside are one group here); null without connect's figures. Exact
   * match, not loss: a model fine-tuned from a compiled one has its unembedding scaled (setup.ts),
   * so the loss differs between the ends of a line that keeps every output.
   */
  readonly byBarrier: { readonly threshold: number; readonly reference: string; readonly groups: readonly Mechanism[] } | null;
  /** Verify's agreement beyond the training lengths across the set: how far equally good models part there. */
  readonly beyondRange: readonly [number, number] | null;
}

/** Heads of one layer are interchangeable (relabelling them changes nothing), so a learned head counts by its layer: "1.0→L1". */
export function mechanismOf(compare: CompareFigures | undefined): string {
  if (!compare) return 'not compared';
  const matched = compare.heads.filter((h) => h.matched).map((h) => `${h.compiled}→L${(h.learned ?? '?').split('.')[0]}`);
  return matched.length ? matched.join(', ') : 'no compiled head matched';
}

/** Groups keys by a signature, largest group first (ties in order of first appearance). */
function groupBy(items: readonly { key: string; signature: string }[]): Mechanism[] {
  const groups = new Map<string, string[]>();
  for (const { key, signature } of items) groups.set(signature, [...(groups.get(signature) ?? []), key]);
  return [...groups].map(([signature, models]) => ({ signature, models })).sort((a, b) => b.models.length - a.models.length);
}

/** "4 edges: embed->0.0:v, …" for a discovered circuit; "not discovered" without the analysis. */
export function circuitSignature(figures: JobFigures): string {
  const d = figures.discovery;
  return d ? `${d.edges.length} edge(s): ${[...d.edges].sort().join(', ') || '(none)'}` : 'not discovered';
}

/** The exact-match barrier (a share of inputs) below which two models count as one basin. */
export const DEFAULT_BARRIER = 0.05;

/** One Rashomon set per program; `barrier`: the exact-match barrier below which a model is in the reference's basin. */
export function rashomon(rows: readonly ZooRow[], epsilon: number, barrier = DEFAULT_BARRIER): RashomonSet[] {
  const programs = [...new Set(rows.map((r) => String(r.program)))];
  return programs.map((program) => {
    const mine = rows.filter((r) => r.program === program);
    const best = Math.max(...mine.map((r) => Number(r.test_acc)));
    const inSet = mine.filter((r) => Number(r.test_acc) >= best - epsilon);
    const figures = inSet.map((r) => ({ key: String(r.key), f: JSON.parse(r.figures) as JobFigures }));
    const withConnect = figures.filter(({ f }) => f.connect);
    const byBarrier = withConnect.length
      ? {
          threshold: barrier,
          reference: withConnect[0].f.connect!.reference,
          groups: groupBy(
            figures.map(({ key, f }) => ({
              key,
              signature: !f.connect
                ? 'not connected'
                : f.connect.barrierExactMatch < barrier
                  ? `in the basin of ${f.connect.reference}`
                  : `not in the basin of ${f.connect.reference}`,
            })),
          ),
        }
      : null;
    const beyond = inSet.map((r) => r.verify_beyond).filter((v): v is number => v !== null);
    return {
      program,
      best,
      epsilon,
      models: inSet.map((r) => ({ key: String(r.key), testAcc: Number(r.test_acc), beyond: num(r.verify_beyond) })),
      mechanisms: groupBy(figures.map(({ key, f }) => ({ key, signature: mechanismOf(f.compare) }))),
      byCircuit: figures.some(({ f }) => f.discovery) ? groupBy(figures.map(({ key, f }) => ({ key, signature: circuitSignature(f) }))) : null,
      byBarrier,
      beyondRange: beyond.length ? [Math.min(...beyond), Math.max(...beyond)] : null,
    };
  });
}
