/**
 * A linear read-out of a variable from activation vectors, fitted once and then applied one vector
 * at a time: least squares to one-hot targets (categorical; refined by logistic regression when
 * least squares cannot separate the training samples, as linearProbe.ts does) or to the value
 * (numerical, read as the nearest value seen in fitting).
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import type { Encoding } from '../../src/rasp/ast.ts';
import { valueKey, valuesEqual, type Value } from '../../src/rasp/values.ts';
import { ridge } from '../linalg.ts';
import { trainLogistic, type LogisticFit } from '../logistic.ts';

export interface Readout {
  /** The value read from one vector (its `width` features). */
  read(x: ArrayLike<number>): Value;
  /** Share of the fitting samples read right. */
  readonly fitAccuracy: number;
  /** The values the read-out can give. */
  readonly values: readonly Value[];
}

/** Row-major samples with a bias column appended. */
function withBias(xs: Float32Array, n: number, width: number): Float64Array {
  const d = width + 1;
  const X = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < width; j++) X[s * d + j] = xs[s * width + j];
    X[s * d + width] = 1;
  }
  return X;
}

function scores(W: ArrayLike<number>, x: ArrayLike<number>, width: number, k: number): Float64Array {
  const z = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = W[width * k + c];
    for (let j = 0; j < width; j++) s += x[j] * W[j * k + c];
    z[c] = s;
  }
  return z;
}

const argmax = (z: ArrayLike<number>): number => {
  let best = 0;
  for (let c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
  return best;
};

/** Fits a read-out of `ys` (one value per sample) from `xs` ([n][width]). */
export function fitReadout(xs: Float32Array, width: number, ys: readonly Value[], encoding: Encoding, opts: { steps?: number } = {}): Readout {
  const n = ys.length;
  const d = width + 1;
  const X = withBias(xs, n, width);
  const row = (s: number) => xs.subarray(s * width, (s + 1) * width);
  if (encoding === 'numerical') {
    const seen = [...new Set(ys.map(Number))].sort((a, b) => a - b);
    const W = ridge(X, n, d, Float64Array.from(ys, Number), 1, 1e-6 * n);
    const read = (x: ArrayLike<number>) => {
      const p = scores(W, x, width, 1)[0];
      return seen.reduce((b, v) => (Math.abs(v - p) < Math.abs(b - p) ? v : b), seen[0]);
    };
    return finish(read, ys, row, seen);
  }
  const classes: Value[] = [];
  const index = new Map<string, number>();
  for (const y of ys) if (!index.has(valueKey(y))) index.set(valueKey(y), classes.push(y) - 1);
  const k = classes.length;
  const labels = Int32Array.from(ys, (y) => index.get(valueKey(y))!);
  const Y = new Float64Array(n * k);
  labels.forEach((c, s) => (Y[s * k + c] = 1));
  const ls = ridge(X, n, d, Y, k, 1e-6 * n);
  const viaLs = finish((x) => classes[argmax(scores(ls, x, width, k))], ys, row, classes);
  if (viaLs.fitAccuracy === 1 || k < 2 || opts.steps === 0) return viaLs;
  // Least squares cannot carve out a middle value on a line; a softmax can. Start from LS, scaled up.
  // (In a tidy: trainLogistic leaves its initial-value and label tensors behind.)
  const init = { W: Float32Array.from(ls, (w) => 8 * w), b: new Float32Array(k) };
  let fit!: LogisticFit;
  tf.tidy(() => void (fit = trainLogistic(Float32Array.from(X), n, d, labels, k, init, { steps: opts.steps ?? 200 })));
  const viaLr = finish(
    (x) => {
      const z = scores(fit.W, x, width, k);
      return classes[argmax(z.map((v, c) => v + fit.b[c]))];
    },
    ys,
    row,
    classes,
  );
  return viaLr.fitAccuracy >= viaLs.fitAccuracy ? viaLr : viaLs;
}

function finish(read: (x: ArrayLike<number>) => Value, ys: readonly Value[], row: (s: number) => Float32Array, values: readonly Value[]): Readout {
  let right = 0;
  ys.forEach((y, s) => (right += valuesEqual(read(row(s)), y) ? 1 : 0));
  return { read, fitAccuracy: ys.length ? right / ys.length : 1, values };
}
