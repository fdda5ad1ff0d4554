/**
 * Requests a gradient worker answers. Weights and gradients travel through SharedArrayBuffers,
 * one flat Float32Array each in parameter order; messages carry only the examples and scalars.
 */
import type { ModelConfig } from '../../model/types.ts';
import type { Example } from '../../rasp/examples.ts';

export type GradRequest =
  | {
      readonly type: 'init';
      readonly config: ModelConfig;
      readonly names: readonly string[];
      readonly shapes: readonly (readonly number[])[];
      /** The backend the training thread runs, which the worker must run too (the same arithmetic). */
      readonly backend: string;
      readonly weights: SharedArrayBuffer;
      readonly grads: SharedArrayBuffer;
    }
  | { readonly type: 'step'; readonly examples: readonly Example[] };

/** To init: the backend that runs; to a step: the shard's summed loss and scored positions (its gradients are in the buffer). */
export type GradReply = { readonly backend: string } | { readonly loss: number; readonly scored: number };

/** Offsets of each parameter in the flat buffers. */
export function offsetsOf(shapes: readonly (readonly number[])[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const s of shapes) {
    offsets.push(total);
    total += s.reduce((a, b) => a * b, 1);
  }
  return { offsets, total };
}
