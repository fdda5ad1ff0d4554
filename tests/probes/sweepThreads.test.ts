/**
 * An ablation sweep shared among threads (each with its own backend) gives exactly the numbers
 * one thread gives, in the same order, leaves no tensor behind, and reports a failing worker.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ablationSweep, ABLATION_MODES, runAblations } from '../../probes/ablation.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { makeCorruptions } from '../../probes/corruptions.ts';
import { patchSweep } from '../../probes/patching.ts';
import { loaded } from '../support/loaded.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { reverse } from '../compiler/programs.ts';

const prog = reverse();
const set = makeProbeSet(prog, { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 5, n: 40, seed: 3 });
const model = randomModel(tinyConfig(), 4);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sweeps on several threads', () => {
  it('equal the single-thread sweep, component for component', async () => {
    const opts = { modes: ABLATION_MODES, neurons: true, batchSize: 16, seed: 2 };
    const m = loaded(model);
    const one = await ablationSweep(m, set, opts);
    const before = tf.memory().numTensors;
    const three = await ablationSweep(m, set, { ...opts, threads: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(three.components.length).toBeGreaterThan(30);
    expect(three).toEqual(one);
  });

  it.each([false, true])('patching (per position: %s) equals the single-thread sweep', async (perPosition) => {
    const pairs = makeCorruptions(prog, set, 'token', { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 5 }, 1);
    const m = loaded(model);
    const one = await patchSweep(m, pairs, { perPosition, batchSize: 16 });
    const before = tf.memory().numTensors;
    const two = await patchSweep(m, pairs, { perPosition, batchSize: 16, threads: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(two.length).toBeGreaterThan(8);
    expect(two).toEqual(one);
  });

  it("report a worker's failure as the sweep's error", async () => {
    const m = loaded(model);
    // The second job, which the worker takes, names no mode: its replacement activations do not exist.
    const bad = [
      { components: [{ kind: 'neuron' as const, layer: 0, neuron: 0 }], mode: 'zero' as const },
      { components: [{ kind: 'neuron' as const, layer: 0, neuron: 1 }], mode: 'none' as never },
    ];
    await expect(runAblations(m, set, bad, { threads: 2 })).rejects.toThrow(/ablation worker 1: /);
  });
});
