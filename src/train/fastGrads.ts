/**
 * Gradients that make training on the wasm backend fast (or possible). Both are registered once
 * per process and change nothing on other backends, where tfjs's own gradients run.
 *
 * matMul: tfjs's gradient multiplies with transposeA / transposeB, and wasm runs those products
 * off its XNNPACK path. Measured on a [576,512]ᵀ·[576,128] weight gradient: 84 ms with transposeA
 * against 4.4 ms for an explicit transpose and a plain product (transposeB: 39 ms against 4.5 ms).
 * Weight gradients are exactly such products; they were ~90% of a step's time on wasm.
 *
 * gather: its gradient is an UnsortedSegmentSum, a kernel the wasm backend does not have (training
 * an embedding looked up with tf.gather fails there). On wasm the same sum is computed as a
 * one-hot matrix product, onehot(indices)ᵀ · dy.
 */
import * as tf from '@tensorflow/tfjs';
import '../model/quietTf.ts';

const onWasm = (): boolean => tf.getBackend() === 'wasm';

/** Swaps a tensor's last two axes. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const r = t.rank;
  return tf.transpose(
    t,
    [...Array(r).keys()].map((i) => (i < r - 2 ? i : 2 * r - 3 - i)),
  );
}

/** x·y with either operand transposed first: explicitly on wasm, by matMul's flags elsewhere. */
function product(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  if (!onWasm()) return tf.matMul(x, y, transposeX, transposeY);
  return tf.matMul(transposeX ? swapLast(x) : x, transposeY ? swapLast(y) : y);
}

function matMulGradient(): tf.GradConfig {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      if (!transposeA && !transposeB) return { a: () => product(g, b, false, true), b: () => product(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => product(g, b, false, false), b: () => product(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => product(b, g, false, true), b: () => product(a, g, false, false) };
      return { a: () => product(b, g, true, true), b: () => product(g, a, true, true) };
    },
  };
}

/** The gradient of gather(x, indices, axis) with respect to x, as a one-hot product (batchDims 0). */
function gatherGradByOneHot(x: tf.Tensor, indices: tf.Tensor, dy: tf.Tensor, axis: number): tf.Tensor {
  const outer = x.shape.slice(0, axis);
  const inner = x.shape.slice(axis + 1);
  const n = indices.size;
  // dy is [outer..., indices..., inner...]; bring the gathered axis to the front as rows.
  const values = tf.reshape(dy, [...outer, n, ...inner]);
  const toFront = [outer.length, ...outer.keys(), ...inner.map((_, i) => outer.length + 1 + i)];
  const rows = tf.reshape(tf.transpose(values, toFront), [n, -1]);
  const oneHot = tf.cast(tf.oneHot(tf.reshape(indices, [n]), x.shape[axis]), 'float32');
  const summed = tf.matMul(swapLast(oneHot), rows); // [x.shape[axis], outer·inner]
  const back = tf.reshape(summed, [x.shape[axis], ...outer, ...inner]);
  const undo = toFront.map((_, i) => toFront.indexOf(i));
  return tf.transpose(back, undo);
}

function gatherGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'GatherV2',
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (!onWasm() || (batchDims ?? 0) !== 0) return original.gradFunc(dy, saved, attrs);
      const [x, indices] = saved;
      const ax = axis < 0 ? axis + x.rank : axis;
      return { x: () => gatherGradByOneHot(x, indices, dy as tf.Tensor, ax), indices: () => indices };
    },
  };
}

let installed = false;

/** Registers both gradients (once per process); cheap to call before every step. */
export function installFastGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient(matMulGradient());
  const gather = tf.getGradient('GatherV2');
  if (gather) tf.registerGradient(gatherGradient(gather));
}
