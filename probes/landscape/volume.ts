/**
 * The volume of a minimum, from random directions: along each of N seeded random directions u
 * from the model's weights θ, the radius R(u) at which the loss on a probe set first exceeds a
 * cutoff, found by bracketing (halving or doubling from a start radius) and then bisection.
 *
 * Directions. Unnormalised: a standard normal vector scaled to unit length (uniform on the sphere),
 * so radii are in weight units. Filter-normalised (Li et al., "Visualizing the Loss Landscape of
 * Neural Nets", 2018), per layer: each named weight's part of the direction is scaled to that
 * weight's norm (a weight that is all zeros, e.g. an untrained bias, is left out), so a radius of 1
 * moves every weight by its own size, and rescalings that keep the function (ReLU α·W_in with
 * W_out/α; writes into a LayerNorm'd stream) leave the radii as they are.
 *
 * Estimator. The region {θ + r·u : r < R(u)} is star-shaped about θ; its volume in the D dimensions
 * the directions move is V = V_D · E_u[R(u)^D], with V_D = π^(D/2) / Γ(D/2 + 1) the unit ball's.
 * log V is estimated as log V_D + log mean_i R_i^D, the mean taken in log space (log-sum-exp of
 * D·log R_i, minus log N), which is dominated by the largest radii when D is large; `geometric`
 * is log V_D + D·mean_i log R_i, Jensen's lower bound, which every direction moves alike. The
 * spread is the standard deviation of the estimate over BOOTSTRAP resamples of the directions
 * (seeded). D counts the weights the directions move: every weight unnormalised, the non-zero
 * weights' entries filter-normalised (there, volume is in those per-weight units, not weight units).
 * A direction whose loss stays under the cutoff up to MAX_RADIUS_FACTOR × the scale is capped there
 * and counted.
 */
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { normals } from '../../src/model/init.ts';
import { makeRng } from '../../src/rasp/random.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import { scoreModel } from '../scoreRuns.ts';
import type { ProbeSet } from '../probeSet.ts';

export const BOOTSTRAP = 200;
/** Start radius: the scale (1 filter-normalised, ‖θ‖ unnormalised) divided by this. */
export const START_DIVISOR = 16;
export const MAX_RADIUS_FACTOR = 1024;
export const DEFAULT_BISECTIONS = 10;

/** The loss the radius is measured to: an absolute value, or a rise above the minimum's own loss. */
export type Cutoff = { readonly absolute: number } | { readonly rise: number };

export interface VolumeOptions {
  readonly directions: number;
  readonly seed: number;
  /** Filter normalisation per layer (default true). */
  readonly filterNormalize?: boolean;
  readonly cutoff: Cutoff;
  /** Bisection steps after the bracket is found (default DEFAULT_BISECTIONS). */
  readonly bisections?: number;
  readonly tolerance?: number;
  readonly batchSize?: number;
  /** Directions 0… measured before (a checkpoint of the same settings): kept, not measured again. */
  readonly measured?: readonly DirectionRadius[];
  /** Called after each direction (progress, checkpoints), with every direction measured so far. */
  readonly onDirection?: (done: number, total: number, radius: number, measured: readonly DirectionRadius[]) => void;
}

export interface DirectionRadius {
  readonly index: number;
  /** Midpoint of the last bracket [below, above]. */
  readonly radius: number;
  /** Loss stayed under the cutoff up to the largest radius tried. */
  readonly capped: boolean;
  /** Losses computed for this direction. */
  readonly evaluations: number;
}

export interface Volume {
  readonly minimumLoss: number;
  readonly cutoff: number;
  readonly filterNormalized: boolean;
  /** Coordinates the directions move (D). */
  readonly dimension: number;
  /** Radius units: 1 filter-normalised, ‖θ‖ unnormalised. */
  readonly scale: number;
  readonly seed: number;
  readonly directions: DirectionRadius[];
  readonly capped: number;
  readonly radius: { readonly mean: number; readonly sd: number; readonly min: number; readonly median: number; readonly max: number };
  readonly logVolume: { readonly estimate: number; readonly spread: number; readonly geometric: number; readonly unitBall: number };
}

/** log Γ(x) for x > 0 (Lanczos, g = 7), enough for the unit ball's volume in any dimension. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log of the volume of the unit ball in `d` dimensions. */
export const logUnitBall = (d: number): number => (d / 2) * Math.log(Math.PI) - logGamma(d / 2 + 1);

function logMeanExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0) / xs.length);
}

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));

/** Direction k: a normal draw per weight (one stream per weight name), normalised as the options say. */
function direction(m: ModelData, seed: number, k: number, filter: boolean): Map<string, Float32Array> {
  const rng = makeRng(seed).fork('volume').fork(`direction ${k}`);
  const d = new Map<string, Float32Array>();
  for (const [name, w] of m.weights) d.set(name, normals(rng.fork(name), w.data.length, 1));
  if (filter)
    for (const [name, w] of m.weights) {
      const v = d.get(name)!;
      const f = norm(w.data) / norm(v);
      for (let i = 0; i < v.length; i++) v[i] = Number.isFinite(f) ? v[i] * f : 0;
    }
  else {
    const total = Math.sqrt([...d.values()].reduce((s, v) => s + norm(v) ** 2, 0));
    for (const v of d.values()) for (let i = 0; i < v.length; i++) v[i] /= total;
  }
  return d;
}

function moved(m: ModelData, d: ReadonlyMap<string, Float32Array>, r: number): ModelData {
  const weights = new Map<string, WeightArray>();
  for (const [name, w] of m.weights) {
    const v = d.get(name)!;
    weights.set(name, { shape: w.shape, data: Float32Array.from(w.data, (x, i) => x + r * v[i]) });
  }
  return { config: m.config, labels: m.labels, weights };
}

const lossOf = (m: ModelData, set: ProbeSet, opts: VolumeOptions) =>
  LoadedModel.use(m, async (lm) => (await scoreModel(lm, set, { tolerance: opts.tolerance, batchSize: opts.batchSize })).loss);

/** The minimum's own loss on `set` (what a cutoff must exceed). */
export const minimumLoss = (m: ModelData, set: ProbeSet, opts: Pick<VolumeOptions, 'tolerance' | 'batchSize'> = {}): Promise<number> =>
  lossOf(m, set, { directions: 1, seed: 0, cutoff: { rise: 0 }, ...opts });

export async function estimateVolume(m: ModelData, set: ProbeSet, opts: VolumeOptions): Promise<Volume> {
  if (!Number.isInteger(opts.directions) || opts.directions < 1) throw new Error(`estimateVolume needs at least one direction, got ${opts.directions}`);
  const filter = opts.filterNormalize !== false;
  const base = await lossOf(m, set, opts);
  const cutoff = 'absolute' in opts.cutoff ? opts.cutoff.absolute : base + opts.cutoff.rise;
  if (!(cutoff > base)) throw new Error(`the cutoff ${cutoff} is not above the minimum's loss ${base}`);
  let sq = 0;
  let dimension = 0;
  for (const w of m.weights.values()) {
    const n2 = norm(w.data) ** 2;
    sq += n2;
    dimension += filter && n2 === 0 ? 0 : w.data.length;
  }
  const scale = filter ? 1 : Math.sqrt(sq);
  const bisections = opts.bisections ?? DEFAULT_BISECTIONS;
  const directions: DirectionRadius[] = (opts.measured ?? []).slice(0, opts.directions);
  if (directions.some((d, i) => d.index !== i)) throw new Error('estimateVolume: measured directions must be 0, 1, … in order');
  for (let k = directions.length; k < opts.directions; k++) {
    const d = direction(m, opts.seed, k, filter);
    let evaluations = 0;
    const over = async (r: number) => {
      evaluations++;
      return (await lossOf(moved(m, d, r), set, opts)) > cutoff;
    };
    let r = scale / START_DIVISOR;
    let below = 0;
    let above = Infinity;
    if (await over(r)) {
      above = r;
      // Halve towards θ until the loss is under the cutoff (at most 30 times: then the radius is ~0).
      for (let i = 0; i < 30 && below === 0; i++) {
        r /= 2;
        if (await over(r)) above = r;
        else below = r;
      }
    } else {
      below = r;
      while (above === Infinity && r < scale * MAX_RADIUS_FACTOR) {
        r *= 2;
        if (await over(r)) above = r;
        else below = r;
      }
    }
    const capped = above === Infinity;
    if (!capped)
      for (let i = 0; i < bisections; i++) {
        const mid = (below + above) / 2;
        if (await over(mid)) above = mid;
        else below = mid;
      }
    const radius = capped ? below : (below + above) / 2;
    directions.push({ index: k, radius, capped, evaluations });
    opts.onDirection?.(k + 1, opts.directions, radius, directions);
  }
  const radii = directions.map((x) => x.radius);
  const logs = radii.map((x) => dimension * Math.log(x));
  const unitBall = logUnitBall(dimension);
  const rng = makeRng(opts.seed).fork('volume').fork('bootstrap');
  const boots = Array.from({ length: BOOTSTRAP }, () => logMeanExp(logs.map(() => logs[Math.floor(rng.next() * logs.length)])));
  const bootMean = boots.reduce((s, x) => s + x, 0) / boots.length;
  const mean = radii.reduce((s, x) => s + x, 0) / radii.length;
  const sorted = [...radii].sort((x, y) => x - y);
  return {
    minimumLoss: base,
    cutoff,
    filterNormalized: filter,
    dimension,
    scale,
    seed: opts.seed,
    directions,
    capped: directions.filter((x) => x.capped).length,
    radius: {
      mean,
      sd: Math.sqrt(radii.reduce((s, x) => s + (x - mean) ** 2, 0) / radii.length),
      min: sorted[0],
      median: sorted[Math.floor((sorted.length - 1) / 2)],
      max: sorted[sorted.length - 1],
    },
    logVolume: {
      estimate: unitBall + logMeanExp(logs),
      spread: Math.sqrt(boots.reduce((s, x) => s + (x - bootMean) ** 2, 0) / boots.length),
      geometric: unitBall + logs.reduce((s, x) => s + x, 0) / logs.length,
      unitBall,
    },
  };
}
