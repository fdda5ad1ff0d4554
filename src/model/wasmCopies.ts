/**
 * Slice and SplitV for the wasm backend that copy only what they return. tfjs-wasm's own read
 * their whole input through `readSync`, which copies the tensor out of the wasm heap on every call,
 * and then copy the slice row by row: the split of attention's fused Q/K/V product took about a
 * quarter of a forward pass (2.5 ms of a [2304, 96] split against 0.3 ms for a transpose of it).
 * These read the input in place (a view of the heap) and copy each contiguous run once.
 * Registered over tfjs-wasm's kernels once the wasm backend is loaded (backend.ts); the values are
 * the same, bit for bit (a test compares them with the cpu backend's).
 */
import * as tf from '@tensorflow/tfjs';
import './quietTf.ts';

/** The parts of tfjs-wasm's backend these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type Heap = Float32Array | Int32Array | Uint8Array;

/**
 * Copies, for each of `outer` blocks of `src` (each `srcBlock` long), the run of `n` elements
 * starting `from` into `dst` one after the other. Short runs are copied element by element: a
 * subarray per run costs more than the run.
 */
function copyRuns(src: Heap, dst: Heap, outer: number, srcBlock: number, from: number, n: number): void {
  if (n >= 64) {
    for (let o = 0; o < outer; o++) dst.set(src.subarray(o * srcBlock + from, o * srcBlock + from + n), o * n);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const s = o * srcBlock + from;
    const d = o * n;
    for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  }
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** The one axis along which a slice of `shape` is narrower than the tensor, or -1 when it is the whole tensor; null when several are. */
function onlyNarrowedAxis(shape: readonly number[], size: readonly number[]): number | null {
  let axis = -1;
  for (let i = 0; i < shape.length; i++) {
    if (size[i] === shape[i]) continue;
    if (axis >= 0) return null;
    axis = i;
  }
  return axis;
}

function splitV(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      const backend = args.backend as unknown as WasmBackend;
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
      const outs = sizes.map((s) =>
        backend.makeOutput(
          x.shape.map((d, i) => (i === ax ? s : d)),
          x.dtype,
        ),
      );
      // Views after every output is made: making one may grow the heap and detach earlier views.
      const src = backend.typedArrayFromHeap(x);
      const outer = product(x.shape.slice(0, ax));
      const inner = product(x.shape.slice(ax + 1));
      let from = 0;
      outs.forEach((out, i) => {
        copyRuns(src, backend.typedArrayFromHeap(out), outer, x.shape[ax] * inner, from * inner, sizes[i] * inner);
        from += sizes[i];
      });
      return outs;
    },
  };
}

function slice(original: tf.KernelConfig): tf.KernelConfig {
  return {
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      const ax = x.dtype === 'string' ? null : onlyNarrowedAxis(x.shape, size_);
      if (ax === null) return original.kernelFunc(args);
      const backend = args.backend as unknown as WasmBackend;
      const out = backend.makeOutput(size_, x.dtype);
      if (ax < 0) {
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x));
        return out;
      }
      const inner = product(x.shape.slice(ax + 1));
      const src = backend.typedArrayFromHeap(x);
      copyRuns(src, backend.typedArrayFromHeap(out), product(x.shape.slice(0, ax)), x.shape[ax] * inner, begin_[ax] * inner, size_[ax] * inner);
      return out;
    },
  };
}

/** tfjs-wasm's own kernels, by name, while ours are registered. */
const originals = new Map<string, tf.KernelConfig>();

/** Registers the two kernels over tfjs-wasm's (once per process; the wasm backend must be loaded). */
export function installWasmCopies(): void {
  if (originals.size > 0) return;
  for (const [name, make] of [
    ['SplitV', splitV],
    ['Slice', slice],
  ] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    originals.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(make(original));
  }
}

/**
 * Runs `fn` with tfjs-wasm's own Slice and SplitV, then registers ours again: how a benchmark times
 * a path as it ran before these kernels (the baseline its ratio is taken against).
 */
export async function withTfjsCopies<T>(fn: () => Promise<T>): Promise<T> {
  const kept = [...originals.values()];
  for (const k of kept) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  originals.clear();
  try {
    return await fn();
  } finally {
    if (kept.length > 0) installWasmCopies();
  }
}
