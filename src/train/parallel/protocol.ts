/**
 * Messages between the training thread and its gradient workers. Weights and gradients travel
 * through SharedArrayBuffers, one flat Float32Array each in parameter order; messages carry only
 * the examples and the scalars.
 */
import type { ModelConfig } from '../../model/types.ts';
import type { Example } from '../../rasp/examples.ts';

export interface InitMessage {
  readonly type: 'init';
  readonly config: ModelConfig;
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  /** The backend the training thread runs, which the worker must run too (the same arithmetic). */
  readonly backend: string;
  readonly weights: SharedArrayBuffer;
  readonly grads: SharedArrayBuffer;
}

export interface StepMessage {
  readonly type: 'step';
  readonly id: number;
  readonly examples: readonly Example[];
}

export type ToWorker = InitMessage | StepMessage | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'done'; readonly id: number; readonly loss: number; readonly scored: number }
  | { readonly type: 'error'; readonly message: string };

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
