import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSpec } from '../../src/rasp/examples.ts';
import { inputKey, testExamples, trainExamples, trainingSubset } from '../../src/train/dataset.ts';
import { DEFAULT_FLAGS, validateTrainFlags, type TrainFlags } from '../../src/train/options.ts';
import { fingerprint, runSettings } from '../../src/train/settings.ts';
import { train } from '../../src/train/trainer.ts';
import { identity, reciprocal } from './programs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// 3 + 9 + 27 + 81 = 120 inputs.
const spec: DataSpec = { program: identity(), vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 4 };

const flags: TrainFlags = {
  ...DEFAULT_FLAGS,
  vocab: ['a', 'b', 'c'],
  minLen: 1,
  maxLen: 4,
  arch: { layers: 1, heads: 1, dModel: 8, attnOnly: true, layernorm: false, causal: false },
  steps: 6,
  batch: 8,
  testSize: 200,
  testLengths: [3],
  evalEvery: 3,
  logEvery: 3,
  checkpointEvery: 100,
};

describe('--data-fraction: training on a fixed subset of the inputs', () => {
  it('chooses round(F × count) inputs of each length, at least one, the same for the same seed', () => {
    const s = trainingSubset(spec, 0, 0.25);
    expect(s.byLength.map((l) => l.length)).toEqual([1, 2, 7, 20]);
    expect(s.keys.size).toBe(30);
    expect(trainingSubset(spec, 0, 0.25)).toEqual(s);
    expect(trainingSubset(spec, 1, 0.25).keys).not.toEqual(s.keys);
  });

  it('leaves inputs the evaluator refuses out of the subset', () => {
    const s = trainingSubset({ program: reciprocal(), vocab: [0, 1, 2], minLen: 1, maxLen: 3 }, 0, 1);
    expect(s.keys.size).toBe(2 + 4 + 8);
  });

  it('every training batch comes from the subset, every held-out input from outside it', () => {
    const s = trainingSubset(spec, 3, 0.25);
    const seen = new Set<string>();
    for (let step = 0; step < 200; step++) for (const e of trainExamples(spec, 3, step, 16, s)) seen.add(inputKey(e.input));
    expect([...seen].every((k) => s.keys.has(k))).toBe(true);
    expect(seen.size).toBe(s.keys.size); // and every chosen input does come up
    const held = testExamples(spec, 3, 1000, undefined, s);
    expect(held).toHaveLength(120 - 30);
    expect(held.some((e) => s.keys.has(inputKey(e.input)))).toBe(false);
    expect(testExamples(spec, 3, 10, undefined, s)).toHaveLength(10);
    // Lengths beyond the training range have no subset to avoid: today's held-out set.
    expect(testExamples(spec, 3, 50, { min: 6, max: 6 }, s)).toEqual(testExamples(spec, 3, 50, { min: 6, max: 6 }));
  });

  it('records the fraction and the subset size in the model and the fingerprint', async () => {
    const r = await train({ program: identity(), flags: { ...flags, dataFraction: 0.25 } });
    expect(r.model.training).toMatchObject({ dataFraction: 0.25, trainInputs: 30 });
    const config = r.model.config;
    const print = (f: TrainFlags) => fingerprint(runSettings({ program: identity(), flags: f }, config, flags.vocab!, 1));
    expect(JSON.parse(print({ ...flags, dataFraction: 0.25 })).dataFraction).toBe(0.25);
    expect(print({ ...flags, dataFraction: 0.5 })).not.toBe(print({ ...flags, dataFraction: 0.25 }));
  });

  it('fraction 1 is a run without the flag, bit for bit', async () => {
    const whole = await train({ program: identity(), flags });
    const one = await train({ program: identity(), flags: { ...flags, dataFraction: 1 } });
    expect(one.model.training).toEqual(whole.model.training);
    for (const [name, w] of whole.model.weights) expect(Buffer.from(one.model.weights.get(name)!.data.buffer)).toEqual(Buffer.from(w.data.buffer));
    const print = (f: TrainFlags) => fingerprint(runSettings({ program: identity(), flags: f }, whole.model.config, flags.vocab!, 1));
    expect(print({ ...flags, dataFraction: 1 })).toBe(print(flags));
  });

  it('refuses a fraction outside (0, 1] and a space too large to enumerate', () => {
    expect(() => validateTrainFlags({ ...flags, dataFraction: 0 })).toThrow('--data-fraction must be in (0, 1], got 0');
    expect(() => validateTrainFlags({ ...flags, dataFraction: 1.5 })).toThrow('--data-fraction must be in (0, 1], got 1.5');
    expect(() => trainingSubset({ ...spec, maxLen: 12 }, 0, 0.5)).toThrow(/lengths 1\.\.12 have 797160, above the ceiling of 100000; shorten --max-len/);
  });
});
