/**
 * Maps that read a numerical s-op with a finite value set x_1 < … < x_m: the line is cut at the
 * midpoints τ_i by steps made of two neurons,
 *     step_i(x) = relu(L(x − τ_i) + 0.5) − relu(L(x − τ_i) − 0.5),
 * exactly 0 or 1 at every x_j once L ≥ 2/(smallest gap) (flat within a quarter gap of each value),
 * and the output is f(x_1) + Σ_i (f(x_i) − f(x_{i−1}))·step_i. Categorical inputs gate each step:
 * M·(Σ indicators − k) added to both pre-activations switches off every combination but one, and
 * the base term f(x_1, y) is a lookup neuron of that combination.
 */
import { combinations } from '../fuse.ts';
import { combine, isZero, ONE, scale, unit, type LinComb } from '../linalg.ts';
import type { Leaf, Neuron } from '../types.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';
import { conjunction, type CatLeaf } from './categoricalMlp.ts';

export type NumLeaf = Extract<Leaf, { kind: 'num' }>;

export interface StepScale {
  /** Steepness: 2 / smallest gap between consecutive values. */
  readonly L: number;
  /** Gate strength: larger than any step's pre-activation. */
  readonly M: number;
}

/**
 * Values closer than rounding noise are one point of the line: value sets hold numbers rounded to 12
 * significant digits, so 2/3 − 1/3 and 1/3 may differ in the last digit.
 */
export function mergeClose<T extends { readonly x: number }>(sorted: readonly T[]): T[] {
  const out: T[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && Math.abs(p.x - last.x) <= 1e-9 * Math.max(1, Math.abs(p.x))) continue;
    out.push(p);
  }
  return out;
}

export function stepScale(xs: readonly number[]): StepScale {
  let gap = Infinity;
  for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1]);
  const L = Number.isFinite(gap) && gap > 0 ? 2 / gap : 1;
  const span = xs.length ? xs[xs.length - 1] - xs[0] : 0;
  return { L, M: L * span + 2 };
}

/**
 * Neurons computing `out(values)` where `num` is read as a line and `cats` as indicators. `vals` given
 * to `out` lists the numerical leaf's value first, then the categorical leaves' values.
 */
export function discretisedNeurons(num: NumLeaf, cats: readonly CatLeaf[], out: (vals: readonly MaybeValue[]) => LinComb | undefined): Neuron[] {
  const pts = mergeClose([...num.entries].sort((a, b) => a.x - b.x));
  const { L, M } = stepScale(pts.map((p) => p.x));
  const neurons: Neuron[] = [];
  for (const c of combinations(cats)) {
    const entries = c.map((i, j) => cats[j].entries[i]);
    const yVals = entries.map((e) => e.value);
    // A value on which the program raises needs nothing: let it repeat its neighbour (no step there).
    const raw = pts.map((p) => out([p.value, ...yVals]));
    const first = raw.find((o) => o !== undefined);
    if (!first) continue;
    const outs: LinComb[] = [];
    for (const o of raw) outs.push(o ?? outs[outs.length - 1] ?? first);
    const gate = entries.length ? conjunction(entries) : unit(ONE);
    if (!isZero(outs[0])) neurons.push({ in: gate, out: outs[0] });
    // M·(Σ ind − k) = M·(gate − one): 0 for this combination, ≤ −M for every other.
    const off = entries.length
      ? combine([
          [gate, M],
          [unit(ONE), -M],
        ])
      : new Map<string, number>();
    for (let i = 1; i < pts.length; i++) {
      const d = combine([
        [outs[i], 1],
        [outs[i - 1], -1],
      ]);
      if (isZero(d)) continue;
      const tau = (pts[i - 1].x + pts[i].x) / 2;
      const ramp = combine([
        [num.x, L],
        [unit(ONE), -L * tau],
        [off, 1],
      ]);
      neurons.push({
        in: combine([
          [ramp, 1],
          [unit(ONE), 0.5],
        ]),
        out: d,
      });
      neurons.push({
        in: combine([
          [ramp, 1],
          [unit(ONE), -0.5],
        ]),
        out: scale(d, -1),
      });
    }
  }
  return neurons;
}
