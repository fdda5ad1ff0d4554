/**
 * Linear probes for program variables: from the residual stream at each read point (resid_pre of
 * every layer, then the final resid_post) to a variable's value per real-token position. Categorical
 * variables get least squares to one-hot targets, and where that does not separate the fitting
 * samples, a class-balanced logistic regression fitted to convergence (softmaxRegression.ts);
 * numerical ones a least-squares fit read as its nearest seen value. Accuracy is measured on
 * held-out inputs, split so that every value is seen in fitting (split.ts).
 */
import { layerHook, type HookName } from '../src/model/hooks.ts';
import type { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';
import type { Program } from '../src/rasp/program.ts';
import { valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { collectPositions, type Sample } from './collect.ts';
import { matmul, ridge } from './linalg.ts';
import type { ProbeSet } from './probeSet.ts';
import { fitSoftmax } from './softmaxRegression.ts';
import { stratifiedSplit } from './split.ts';
import { heldValues, programVariables, residualLayerOf, type ProgramVariable } from './variables.ts';

export interface ProbePoint {
  /** 0..L: resid_pre of layer i, L: the final resid_post. */
  readonly point: number;
  readonly hook: HookName;
  readonly trainAccuracy: number;
  /** Held-out accuracy. */
  readonly accuracy: number;
}

export interface VariableProbe {
  readonly variable: string;
  readonly encoding: 'categorical' | 'numerical';
  readonly points: ProbePoint[];
  /** First read point whose held-out accuracy reaches the threshold (null: none). */
  readonly firstDecodable: number | null;
  /** Compiled models: the first read point whose residual holds the variable in its own directions. */
  readonly compiledPoint?: number | null;
  /** Compiled models that hold only some of the variable's values in directions of their own: those values. */
  readonly compiledValues?: readonly Value[];
}

export interface LinearProbeReport {
  readonly hooks: HookName[];
  readonly variables: VariableProbe[];
  readonly trainInputs: number;
  readonly testInputs: number;
}

export interface LinearProbeOptions {
  readonly seed?: number;
  /** Share of inputs held out (default 0.3). */
  readonly testFraction?: number;
  /** Accuracy that counts as decodable (default 0.99). */
  readonly threshold?: number;
  /** Only these variables (default: tokens, indices and every named s-op). */
  readonly variables?: readonly string[];
  /** Most iterations of the logistic fit (default 200). */
  readonly steps?: number;
  readonly batchSize?: number;
}

export function readPoints(model: ModelData): HookName[] {
  const L = model.config.layers.length;
  return [...model.config.layers.map((_, l) => layerHook(l, 'hook_resid_pre')), layerHook(L - 1, 'hook_resid_post')];
}

/** Standardises columns with the training rows' mean and spread; constant columns become 0. Adds a bias column. */
function design(values: Float32Array, width: number, rows: readonly number[], train: readonly number[]): Float64Array {
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  for (const s of train) for (let j = 0; j < width; j++) mean[j] += values[s * width + j] / train.length;
  for (const s of train) for (let j = 0; j < width; j++) sq[j] += (values[s * width + j] - mean[j]) ** 2 / train.length;
  const scale = Array.from(sq, (v) => (v > 1e-12 ? 1 / Math.sqrt(v) : 0));
  const d = width + 1;
  const X = new Float64Array(rows.length * d);
  rows.forEach((s, r) => {
    for (let j = 0; j < width; j++) X[r * d + j] = (values[s * width + j] - mean[j]) * scale[j];
    X[r * d + width] = 1;
  });
  return X;
}

const argmaxRow = (Z: Float64Array | Float32Array, r: number, k: number): number => {
  let best = 0;
  for (let c = 1; c < k; c++) if (Z[r * k + c] > Z[r * k + best]) best = c;
  return best;
};

export interface Fit {
  readonly train: number;
  /** Held-out accuracy. */
  readonly test: number;
}

/** Activations at every sample (real-token position): [sample][width]. */
export interface SampleActivations {
  readonly width: number;
  readonly values: Float32Array;
}

function fitCategorical(Xtr: Float64Array, ytr: Int32Array, Xte: Float64Array, yte: Int32Array, d: number, k: number, steps: number): Fit {
  const ntr = ytr.length;
  const Y = new Float64Array(ntr * k);
  ytr.forEach((c, i) => (Y[i * k + c] = 1));
  const W = ridge(Xtr, ntr, d, Y, k, 1e-6 * ntr);
  const acc = (X: Float64Array, y: Int32Array, Wm: Float64Array) => {
    if (y.length === 0) return 1;
    const Z = matmul(X, y.length, d, Wm, k);
    let right = 0;
    y.forEach((c, r) => (right += argmaxRow(Z, r, k) === c ? 1 : 0));
    return right / y.length;
  };
  const ls = { train: acc(Xtr, ytr, W), test: acc(Xte, yte, W) };
  if (ls.train === 1 || steps === 0 || k < 2) return ls;
  // Least squares cannot carve out a middle value on a line, nor weigh a rare value fairly; a softmax can.
  const fit = fitSoftmax(Xtr, ntr, d, ytr, k, { maxIterations: steps, patience: 25 });
  const lr = { train: acc(Xtr, ytr, fit.W), test: acc(Xte, yte, fit.W) };
  return lr.train >= ls.train ? lr : ls;
}

function fitNumerical(Xtr: Float64Array, ytr: Float64Array, Xte: Float64Array, yte: Float64Array, d: number, seen: readonly number[]): Fit {
  const W = ridge(Xtr, ytr.length, d, ytr, 1, 1e-6 * ytr.length);
  const nearest = (x: number) => seen.reduce((b, v) => (Math.abs(v - x) < Math.abs(b - x) ? v : b), seen[0]);
  const acc = (X: Float64Array, y: Float64Array) => {
    if (y.length === 0) return 1;
    const p = matmul(X, y.length, d, W, 1);
    let right = 0;
    y.forEach((v, i) => (right += Math.abs(nearest(p[i]) - v) < 1e-9 ? 1 : 0));
    return right / y.length;
  };
  return { train: acc(Xtr, ytr), test: acc(Xte, yte) };
}

/** Which samples belong to held-out inputs: split by input, stratified by every variable's values. */
function splitSamples(
  samples: readonly Sample[],
  vars: readonly ProgramVariable[],
  nInputs: number,
  fraction: number,
  seed: number,
): { train: number[]; test: number[] } {
  const keys = Array.from({ length: nInputs }, (_, i) => vars.flatMap((v) => v.values[i].map((x) => `${v.name}=${valueKey(x)}`)));
  const isTest = stratifiedSplit(keys, fraction, seed);
  const train: number[] = [];
  const test: number[] = [];
  samples.forEach((s, i) => (isTest[s.input] ? test : train).push(i));
  return { train, test };
}

function probeVariable(
  v: ProgramVariable,
  samples: readonly Sample[],
  reads: readonly SampleActivations[],
  split: { train: number[]; test: number[] },
  opts: LinearProbeOptions,
): Fit[] {
  const value = (s: number): MaybeValue => v.values[samples[s].input][samples[s].position];
  const numerical = v.encoding === 'numerical';
  // Numerical probes fit defined values only; categorical ones treat undefined as one more class.
  const keep = (ss: number[]) => (numerical ? ss.filter((s) => value(s) !== null) : ss);
  const train = keep(split.train);
  const test = keep(split.test);
  const classes = new Map<string, number>();
  for (const s of [...train, ...test]) if (!classes.has(valueKey(value(s)))) classes.set(valueKey(value(s)), classes.size);
  return reads.map(({ width, values }) => {
    const Xtr = design(values, width, train, train);
    const Xte = design(values, width, test, train);
    const d = width + 1;
    let fit: Fit;
    if (numerical) {
      const y = (ss: number[]) => Float64Array.from(ss, (s) => Number(value(s)));
      fit = fitNumerical(Xtr, y(train), Xte, y(test), d, v.seen.map(Number));
    } else {
      const y = (ss: number[]) => Int32Array.from(ss, (s) => classes.get(valueKey(value(s)))!);
      fit = fitCategorical(Xtr, y(train), Xte, y(test), d, classes.size, opts.steps ?? 200);
    }
    return fit;
  });
}

/**
 * Each variable's probe from each of `reads` (activations over `samples`, as collectPositions
 * gathers them), fitted and held out as linearProbes does: what reads other than the residual
 * stream (a head's or an MLP's output) can be probed with.
 */
export function probeReads(
  program: Program,
  set: ProbeSet,
  samples: readonly Sample[],
  reads: readonly SampleActivations[],
  opts: LinearProbeOptions = {},
): { readonly variables: { readonly variable: ProgramVariable; readonly fits: Fit[] }[]; readonly testInputs: number } {
  const length = opts.variables?.includes('length') && !program.named.has('length');
  const vars = programVariables(program, set.inputs, { length }).filter((v) => !opts.variables || opts.variables.includes(v.name));
  const split = splitSamples(samples, vars, set.inputs.length, opts.testFraction ?? 0.3, opts.seed ?? 0);
  return {
    variables: vars.map((variable) => ({ variable, fits: probeVariable(variable, samples, reads, split, opts) })),
    testInputs: new Set(split.test.map((s) => samples[s].input)).size,
  };
}

/** Probes every variable of `program` at every read point of `model`. */
export async function linearProbes(model: LoadedModel, program: Program, set: ProbeSet, opts: LinearProbeOptions = {}): Promise<LinearProbeReport> {
  const hooks = readPoints(model);
  const { samples, acts } = await collectPositions(model, set, hooks, opts);
  const thr = opts.threshold ?? 0.99;
  const compiled = model.config.origin === 'compiled';
  const fitted = probeReads(
    program,
    set,
    samples,
    hooks.map((h) => acts.get(h)!),
    opts,
  );
  const variables = fitted.variables.map(({ variable: v, fits }): VariableProbe => {
    const points = fits.map((fit, point) => ({ point, hook: hooks[point], trainAccuracy: fit.train, accuracy: fit.test }));
    const first = points.find((p) => p.accuracy >= thr);
    const held = compiled ? heldValues(model, v.name, v.seen) : undefined;
    return {
      variable: v.name,
      encoding: v.encoding,
      points,
      firstDecodable: first ? first.point : null,
      ...(compiled ? { compiledPoint: residualLayerOf(model, v.name) } : {}),
      ...(held && held.length > 0 && held.length < v.seen.length ? { compiledValues: held } : {}),
    };
  });
  const testInputs = fitted.testInputs;
  return { hooks, variables, trainInputs: set.inputs.length - testInputs, testInputs };
}
