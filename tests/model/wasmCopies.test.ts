/**
 * The wasm backend's Slice and SplitV are replaced (src/model/wasmCopies.ts): they must return what
 * the cpu backend's do, bit for bit, for every axis, short and long runs, and each dtype.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.ts';
import { withTfjsCopies } from '../../src/model/wasmCopies.ts';

type Case = { shape: number[]; dtype: 'float32' | 'int32' | 'bool' };

const CASES: Case[] = [
  { shape: [2304, 96], dtype: 'float32' },
  { shape: [3, 7, 130], dtype: 'float32' },
  { shape: [4, 5, 6, 2], dtype: 'int32' },
  { shape: [6, 9], dtype: 'bool' },
  { shape: [12], dtype: 'float32' },
];

function values(c: Case): number[] {
  const n = c.shape.reduce((a, b) => a * b, 1);
  // Distinct, non-round values (and -0), so a misplaced element or a rounding shows.
  return Array.from(
    { length: n },
    (_, i) => (c.dtype === 'bool' ? (i * 7) % 3 === 0 : c.dtype === 'int32' ? i * 31 - 1000 : i === 5 ? -0 : Math.sin(i) * 1e3) as number,
  );
}

/** Every split and slice of the case, read back, on the backend running now. */
async function run(c: Case): Promise<unknown[]> {
  const x = tf.tensor(values(c), c.shape, c.dtype);
  const made: tf.Tensor[] = [x];
  const read = async (t: tf.Tensor) => {
    made.push(t);
    return { shape: t.shape, data: Array.from(await t.data()) };
  };
  const out: unknown[] = [];
  for (let axis = 0; axis < c.shape.length; axis++) {
    const d = c.shape[axis];
    const parts = [...(d % 3 === 0 ? [tf.split(x, 3, axis)] : []), tf.split(x, d > 1 ? [1, d - 1] : [1], axis)];
    for (const p of parts) for (const t of p) out.push(await read(t));
    const begin = c.shape.map((_, i) => (i === axis ? Math.floor(d / 3) : 0));
    const size = c.shape.map((s, i) => (i === axis ? Math.max(1, d - Math.floor(d / 3) - 1) : s));
    out.push(await read(tf.slice(x, begin, size)));
  }
  // Narrowed along every axis (tfjs's own kernel still runs it), and the whole tensor.
  out.push(
    await read(
      tf.slice(
        x,
        c.shape.map((s) => (s > 1 ? 1 : 0)),
        c.shape.map((s) => Math.max(1, s - 1)),
      ),
    ),
  );
  out.push(
    await read(
      tf.slice(
        x,
        c.shape.map(() => 0),
        c.shape,
      ),
    ),
  );
  tf.dispose(made);
  return out;
}

describe("wasm's Slice and SplitV", () => {
  // toEqual tells -0 from 0, so the copy must move bits, not values.
  it.each(CASES)('%o: the same as the cpu backend, bit for bit, and nothing left behind', async (c) => {
    await selectBackend('cpu');
    const cpu = await run(c);
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    expect(await run(c)).toEqual(cpu);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("withTfjsCopies runs tfjs-wasm's own kernels, with the same values, and registers ours again", async () => {
    await selectBackend('wasm');
    const ours = tf.getKernel('SplitV', 'wasm')!.kernelFunc;
    let tfjsOwn: tf.KernelFunc | undefined;
    const theirs = await withTfjsCopies(async () => {
      tfjsOwn = tf.getKernel('SplitV', 'wasm')!.kernelFunc;
      return run(CASES[1]);
    });
    expect(tfjsOwn).not.toBe(ours);
    expect(tf.getKernel('SplitV', 'wasm')!.kernelFunc).not.toBe(tfjsOwn);
    expect(await run(CASES[1])).toEqual(theirs);
  });
});
