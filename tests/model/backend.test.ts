import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/model/backend.ts';
import { forward } from '../../src/model/forward.ts';
import { disposeParams, paramsFromModel } from '../../src/model/params.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

async function nativeInstalled(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'])
    try {
      await import(/* @vite-ignore */ pkg);
      return true;
    } catch {
      // not installed
    }
  return false;
}

const m = randomModel(tinyConfig(), 31);
const TOKENS = [
  [0, 1, 2, 3, 1],
  [0, 3, 1, 0, 0],
];

/** Logits and the gradient norm of one forward/backward pass on the active backend. */
function pass(): { logits: number[]; gradSum: number } {
  const params = paramsFromModel(m, { trainable: true });
  const tokens = tf.tensor2d(TOKENS, undefined, 'int32');
  const logits = tf.tidy(() => Array.from(forward(m.config, params, { tokens, lengths: [5, 3] }).logits.dataSync()));
  // The per-head path (hook_result observed) gives the same logits on this backend.
  const viaResult = tf.tidy(() => Array.from(forward(m.config, params, { tokens, lengths: [5, 3] }, { cache: true }).logits.dataSync()));
  viaResult.forEach((x, i) => expect(x).toBeCloseTo(logits[i], 4));
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(forward(m.config, params, { tokens, lengths: [5, 3] }).logits)) as tf.Scalar);
  const gradSum = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.abs(g)))).dataSync()[0]);
  tf.dispose([value, tokens, ...Object.values(grads)]);
  disposeParams(params);
  return { logits, gradSum };
}

describe('selectBackend', () => {
  it('cpu and wasm load, report the backend that runs, and agree on forward and gradients', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const cpu = pass();
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const wasm = pass();
    wasm.logits.forEach((x, i) => expect(x).toBeCloseTo(cpu.logits[i], 4));
    expect(wasm.gradSum).toBeGreaterThan(0);
    expect(Math.abs(wasm.gradSum - cpu.gradSum) / cpu.gradSum).toBeLessThan(1e-3);
  });

  it("'auto' returns the backend it activated", async () => {
    const name = await selectBackend('auto');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
    expect(tf.getBackend()).toBe(name);
    if (!(await nativeInstalled())) expect(name).toBe('wasm');
  });

  it('an explicit backend that cannot load is a user error naming it', async () => {
    if (await nativeInstalled()) {
      expect(await selectBackend('tensorflow')).toBe('tensorflow');
      return;
    }
    const e = await selectBackend('tensorflow').catch((x: unknown) => x);
    expect(isUserError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^backend 'tensorflow' cannot be loaded: .*tfjs-node/);
  });

  it('an unknown backend name is a user error listing the choices', async () => {
    const e = await selectBackend('webgpu').catch((x: unknown) => x);
    expect(isUserError(e)).toBe(true);
    expect((e as Error).message).toBe("unknown backend 'webgpu' (choose one of auto, tensorflow, wasm, wasm-threads, cpu)");
  });
});
