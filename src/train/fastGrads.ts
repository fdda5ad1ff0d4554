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
 *
 * Identity (a kernel, not a gradient): tfjs clones every tensor it saves for the backward pass,
 * and wasm's Identity copies the data, about 220 copies a step on the issue-19 bench model (4% of
 * its time). Tensors are immutable, so on wasm a clone shares its input's data, as Reshape does.
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

/**
 * x·y with either operand transposed first: explicitly on wasm, by matMul's flags elsewhere. On
 * wasm, the product is taken as it is asked or as (op(y)ᵀ · op(x)ᵀ)ᵀ, whichever transposes fewer
 * elements: a weight gradient xᵀ·dy whose activation x is the larger operand (W_out's, [B·P,
 * d_mlp] against [B·P, d_model]) transposes dy and the small result instead of x.
 */
function product(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  if (!onWasm()) return tf.matMul(x, y, transposeX, transposeY);
  const asked = (transposeX ? x.size : 0) + (transposeY ? y.size : 0);
  const outSize = x.shape[x.rank - (transposeX ? 1 : 2)] * y.shape[y.rank - (transposeY ? 2 : 1)] * (x.size / (x.shape[x.rank - 1] * x.shape[x.rank - 2]));
  const swapped = (transposeY ? 0 : y.size) + (transposeX ? 0 : x.size) + outSize;
  if (swapped < asked) return swapLast(tf.matMul(transposeY ? y : swapLast(y), transposeX ? x : swapLast(x)));
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

/** wasm's Identity with its input's data shared (reference-counted) instead of copied; strings keep the original kernel. */
function sharedIdentity(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}

let installed = false;
let identityShared = false;

/** Registers the gradients (once per process) and, once the wasm backend is loaded, its Identity; cheap to call before every step. */
export function installFastGradients(): void {
  if (!identityShared) {
    const identity = tf.getKernel('Identity', 'wasm');
    if (identity) {
      identityShared = true;
      tf.unregisterKernel('Identity', 'wasm');
      tf.registerKernel(sharedIdentity(identity));
    }
  }
  if (installed) return;
  installed = true;
  tf.registerGradient(matMulGradient());
  const gather = tf.getGradient('GatherV2');
  if (gather) tf.registerGradient(gatherGradient(gather));
}
