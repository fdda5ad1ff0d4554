/**
 * Building weight arrays: the compiler writes its weights into zeroed arrays, and the
 * TransformerLens export pads with them, so both start from the same one.
 */
import type { WeightArray } from './types.ts';

/** An all-zero float32 weight of the given (row-major) shape. */
export function zeros(shape: readonly number[]): WeightArray {
  return { shape: [...shape], data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
}
