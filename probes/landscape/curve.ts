/**
 * Curve connectivity (Garipov et al., "Loss Surfaces, Mode Connectivity, and Fast Ensembling of
 * DNNs", 2018): the quadratic Bézier path θ(t) = (1−t)²·A + 2t(1−t)·C + t²·B, whose middle point C
 * is trained so that the expected loss along the path, over t uniform in [0, 1], is low. C starts
 * at the midpoint of the straight line (A and the aligned B), where the curve is that line.
 *
 * Each step draws one t and one training batch (both pure functions of the seed and the step) and
 * takes the gradient of the loss at θ(t) with respect to C: ∂L/∂C = 2t(1−t)·∂L/∂θ, so the model at
 * θ(t) is trained as any model is (src/train/step.ts) and its gradient scaled. C moves by AdamW
 * (without weight decay, which would pull the curve towards the origin), clipped by global norm.
 * Points of the curve are computed in float64 and rounded once, so the curve's ends are A and B
 * exactly (their coefficients are 1 and 0).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import type { DataSpec } from '../../src/rasp/examples.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { trainExamples } from '../../src/train/dataset.ts';
import { adamWUpdate, DEFAULT_ADAMW, initAdamW } from '../../src/train/optimizer.ts';
import { shardGradients } from '../../src/train/step.ts';
import { pathPoint } from './weightSpace.ts';

export const DEFAULT_CURVE_STEPS = 200;
export const DEFAULT_CURVE_LR = 1e-2;
export const DEFAULT_CURVE_BATCH = 32;
const CLIP_NORM = 1;

export interface CurveOptions {
  readonly steps?: number;
  readonly lr?: number;
  readonly batch?: number;
  readonly seed?: number;
  /** Called after each step with its loss at the t it drew (progress). */
  readonly onStep?: (done: number, total: number, loss: number) => void;
}

export interface TrainedCurve {
  /** The trained middle point C (A's config and labels). */
  readonly middle: ModelData;
  readonly steps: number;
  readonly lr: number;
  readonly batch: number;
  /** Mean loss at the drawn t over the first and the last tenth of the steps. */
  readonly trainLoss: { readonly first: number; readonly last: number };
}

/** The model at `t` on the Bézier curve from `a` through control point `c` to `b` (one shape, one scale). */
export function bezierPoint(a: ModelData, c: ModelData, b: ModelData, t: number): ModelData {
  const [ka, kc, kb] = [(1 - t) ** 2, 2 * t * (1 - t), t ** 2];
  const weights = new Map<string, WeightArray>();
  for (const [name, wa] of a.weights) {
    const [x, y, z] = [wa.data, c.weights.get(name)?.data, b.weights.get(name)?.data];
    if (!y || !z || y.length !== x.length || z.length !== x.length) throw new Error(`bezierPoint: weight '${name}' differs in shape (check shapes first)`);
    const data = new Float32Array(x.length);
    for (let k = 0; k < data.length; k++) data[k] = ka * x[k] + kc * y[k] + kb * z[k];
    weights.set(name, { shape: wa.shape, data });
  }
  return { config: a.config, labels: a.labels, weights };
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Trains the middle point of the curve from `a` to `b` (`b` aligned to `a` and at its scale) on examples of `spec`. */
export function trainCurve(a: ModelData, b: ModelData, spec: DataSpec, opts: CurveOptions = {}): TrainedCurve {
  const steps = opts.steps ?? DEFAULT_CURVE_STEPS;
  const lr = opts.lr ?? DEFAULT_CURVE_LR;
  const batch = opts.batch ?? DEFAULT_CURVE_BATCH;
  const seed = opts.seed ?? 0;
  const start = pathPoint(a, b, 1, 2);
  const names = [...a.weights.keys()];
  const values = names.map((n) => Float32Array.from(start.weights.get(n)!.data));
  const state = initAdamW(values.map((v) => v.length));
  const adamw = { ...DEFAULT_ADAMW, weightDecay: 0 };
  const noDecay = names.map(() => false);
  const middle = (): ModelData => ({
    config: a.config,
    labels: a.labels,
    weights: new Map(names.map((n, i) => [n, { shape: a.weights.get(n)!.shape, data: values[i] }])),
  });
  const tRng = makeRng(seed).fork('curve');
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const t = tRng.fork(`t:${step}`).next();
    const examples = trainExamples(spec, seed, step, batch);
    const point = bezierPoint(a, middle(), b, t);
    const params = names.map((n) => {
      const w = point.weights.get(n)!;
      return tf.tensor(w.data, [...w.shape], 'float32');
    });
    let g: ReturnType<typeof shardGradients>;
    try {
      g = shardGradients({ config: a.config, names }, params, examples);
    } finally {
      tf.dispose(params);
    }
    const scale = (2 * t * (1 - t)) / Math.max(1, g.scored);
    const grads = g.grads.map((x) => Float32Array.from(x, (v) => v * scale));
    const loss = g.loss / Math.max(1, g.scored);
    adamWUpdate(values, grads, state, lr, adamw, noDecay, CLIP_NORM);
    losses.push(loss);
    opts.onStep?.(step + 1, steps, loss);
  }
  const tenth = Math.max(1, Math.floor(steps / 10));
  return { middle: middle(), steps, lr, batch, trainLoss: { first: mean(losses.slice(0, tenth)), last: mean(losses.slice(-tenth)) } };
}
