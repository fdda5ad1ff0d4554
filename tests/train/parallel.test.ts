import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initParams } from '../../src/model/init.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { trainExamples } from '../../src/train/dataset.ts';
import { DEFAULT_ADAMW } from '../../src/train/optimizer.ts';
import { DEFAULT_FLAGS, learnedConfig, type TrainFlags } from '../../src/train/options.ts';
import { programOutputSpec } from '../../src/train/outputSpec.ts';
import { GradPool } from '../../src/train/parallel/gradPool.ts';
import { splitShards } from '../../src/threads/shards.ts';
import { parseThreads, sweepThreads, trainThreads } from '../../src/threads/count.ts';
import { disposeState, prepareTraining, shardGradients, trainStep, trainStepSharded } from '../../src/train/step.ts';
import { train } from '../../src/train/trainer.ts';
import { previous } from './programs.ts';

const vocab = ['a', 'b', 'c'];
const program = previous();
const config = learnedConfig(
  { layers: 2, heads: 2, dModel: 16, dMlp: 32, attnOnly: false, layernorm: true, causal: false },
  vocab,
  6,
  programOutputSpec(program, vocab, 5),
);
const spec = { program, vocab, minLen: 1, maxLen: 5 };
const opts = { adamw: DEFAULT_ADAMW, clipNorm: 1 };

let pool: GradPool;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const { ctx } = prepareTraining(config, initParams(config, 0), opts);
  pool = await GradPool.start(3, config, ctx.names, ctx.shapes, 'cpu');
});
afterAll(async () => {
  await pool?.close();
});

describe('splitShards', () => {
  it('cuts a batch into contiguous, non-empty runs whose sizes differ by at most one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 8 }), (items, parts) => {
        const shards = splitShards(items, parts);
        expect(shards.length).toBe(Math.min(parts, items.length));
        expect(shards.flat()).toEqual(items);
        const sizes = shards.map((s) => s.length);
        expect(Math.min(...sizes)).toBeGreaterThan(0);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('data-parallel steps', () => {
  it("sum, over shards, to the whole batch's gradient", async () => {
    const { ctx, state } = prepareTraining(config, initParams(config, 0), opts);
    const ex = trainExamples(spec, 0, 0, 24);
    const whole = shardGradients(ctx, state.params, ex);
    const [first, ...rest] = splitShards(ex, 3);
    const parts = [shardGradients(ctx, state.params, first), ...(await pool.shards(state.values, rest))];
    expect(parts.reduce((s, p) => s + p.scored, 0)).toBe(whole.scored);
    expect(parts.reduce((s, p) => s + p.loss, 0)).toBeCloseTo(whole.loss, 3);
    let norm = 0;
    whole.grads.forEach((g, i) =>
      g.forEach((x, j) => {
        const sum = parts.reduce((s, p) => s + p.grads[i][j], 0);
        expect(Math.abs(sum - x)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(x)));
        norm += x * x;
      }),
    );
    // Equal because both computed the gradient, not because it vanished.
    expect(Math.sqrt(norm)).toBeGreaterThan(0.1);
    disposeState(state);
  });

  it('train as one thread does, step after step, and leave no tensor behind', async () => {
    const one = prepareTraining(config, initParams(config, 0), opts);
    const many = prepareTraining(config, initParams(config, 0), opts);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 4; s++) {
      const ex = trainExamples(spec, 0, s, 24);
      const a = trainStep(one.ctx, one.state, ex, 1e-2);
      const b = await trainStepSharded(many.ctx, many.state, splitShards(ex, 3), 1e-2, (v, sh) => pool.shards(v, sh));
      expect(b.loss).toBeCloseTo(a.loss, 4);
      expect(b.gradNorm).toBeCloseTo(a.gradNorm, 3);
    }
    expect(tf.memory().numTensors).toBe(before);
    [one, many].forEach((r) => disposeState(r.state));
  });

  it("reports a worker's failure as an error of the step, and the pool still serves the next one", async () => {
    const run = prepareTraining(config, initParams(config, 0), opts);
    const good = trainExamples(spec, 0, 0, 8);
    const bad = [{ input: ['z'], output: [null] }];
    await expect(trainStepSharded(run.ctx, run.state, [good, bad], 1e-2, (v, sh) => pool.shards(v, sh))).rejects.toThrow(/gradient worker 1: .*'z'/);
    const r = await trainStepSharded(run.ctx, run.state, splitShards(good, 2), 1e-2, (v, sh) => pool.shards(v, sh));
    expect(Number.isFinite(r.loss)).toBe(true);
    disposeState(run.state);
  });

  it('train() with threads records them and learns as one thread does', async () => {
    const flags: TrainFlags = {
      ...DEFAULT_FLAGS,
      vocab,
      minLen: 1,
      maxLen: 4,
      arch: { layers: 1, heads: 1, dModel: 16, attnOnly: true, layernorm: false, causal: false },
      steps: 30,
      batch: 16,
      lr: 1e-2,
      testSize: 64,
      evalEvery: 30,
      logEvery: 10,
    };
    const records: Record<string, unknown>[] = [];
    const two = await train({ program, flags, threads: 2 }, { onRecord: (r) => records.push(r) });
    const one = await train({ program, flags });
    expect(two.threads).toBe(2);
    expect(one.threads).toBe(1);
    expect(two.model.training?.threads).toBe(2);
    expect(records.find((r) => r.type === 'start')?.threads).toBe(2);
    expect(two.finalLoss).toBeCloseTo(one.finalLoss, 3);
  });
});

describe('--threads', () => {
  it("'auto' keeps short runs and sweeps on one thread and gives longer ones the cores, up to 4", () => {
    expect(trainThreads('auto', 100, 32, 8)).toBe(1);
    expect(trainThreads('auto', 1000, 64, 2)).toBe(2);
    expect(trainThreads('auto', 1000, 64, 16)).toBe(4);
    expect(trainThreads('auto', 100_000, 1, 8)).toBe(1);
    expect(trainThreads(3, 10, 10)).toBe(3);
    expect(sweepThreads('auto', 10, 100, 8)).toBe(1);
    expect(sweepThreads('auto', 3, 1000, 8)).toBe(3);
    expect(sweepThreads('auto', 40, 1000, 2)).toBe(2);
    expect(sweepThreads(8, 3, 10)).toBe(3);
    expect(parseThreads('3')).toBe(3);
    expect(parseThreads('auto')).toBe('auto');
  });

  it.each(['0', '-1', '1.5', 'many', '65'])('refuses %s with one line', (t) => {
    let err: unknown;
    try {
      parseThreads(t);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe(`--threads must be 'auto' or an integer from 1 to 64, got '${t}'`);
  });
});
