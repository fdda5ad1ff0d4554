import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';
import { loadModel, saveModel } from '../../src/model/modelFile.ts';
import { initParams } from '../../src/model/init.ts';
import { verifyModel } from '../../probes/verify.ts';
import { jsonlSink } from '../../src/train/log.ts';
import { DEFAULT_FLAGS, learnedConfig, type TrainFlags } from '../../src/train/options.ts';
import { DEFAULT_ADAMW } from '../../src/train/optimizer.ts';
import { programOutputSpec } from '../../src/train/outputSpec.ts';
import { disposeState, prepareTraining, trainStep } from '../../src/train/step.ts';
import { encodeBatch } from '../../src/model/batch.ts';
import { exactMatch } from '../../src/model/scoring.ts';
import { trainExamples } from '../../src/train/dataset.ts';
import { measureAccuracy } from '../../src/train/metrics.ts';
import { enumerateInputs } from '../../src/rasp/inputs.ts';
import { evaluateProgram } from '../../src/rasp/evaluate.ts';
import { paramsFromModel } from '../../src/model/params.ts';
import { train } from '../../src/train/trainer.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { identity, previous } from './programs.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-train-'));

const tiny: TrainFlags = {
  ...DEFAULT_FLAGS,
  vocab: ['a', 'b', 'c'],
  minLen: 1,
  maxLen: 4,
  arch: { layers: 1, heads: 1, dModel: 16, attnOnly: true, layernorm: false, causal: false },
  steps: 120,
  batch: 32,
  lr: 1e-2,
  testSize: 128,
  evalEvery: 40,
  logEvery: 10,
};

describe('training', () => {
  it('lowers the loss, reaches the identity task, and the saved model verifies against the program', async () => {
    const records: Record<string, unknown>[] = [];
    const r = await train({ program: identity(), flags: tiny }, { onRecord: (x) => records.push(x) });
    const losses = records.filter((x) => x.type === 'step').map((x) => x.loss as number);
    expect(losses.length).toBe(12);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
    expect(r.testAcc).toBe(1);
    expect(r.model.config.origin).toBe('learned');
    expect(r.model.training?.backend).toBe('cpu');
    expect(r.model.training?.steps).toBe(120);
    expect(r.model.labels.program?.output).toBe('identity');

    const file = path.join(tmp(), 'learned.safetensors');
    saveModel(file, r.model);
    const back = loadModel(file);
    expect(back.training?.testAcc).toBe(1);
    expect(loaded(back).outputs([['a', 'c', 'b']])).toEqual([['a', 'c', 'b']]);
    const v = verifyModel(loaded(back), identity(), { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 4 });
    expect(v.agreement).toBe(1);
  });

  it('masks undefined outputs: agreement with the program equals the accuracy the trainer measures', async () => {
    const flags: TrainFlags = { ...tiny, arch: { ...tiny.arch!, layers: 1, attnOnly: false, dMlp: 32 }, steps: 60 };
    const program = previous();
    const r = await train({ program, flags });
    expect(Number.isFinite(r.finalLoss)).toBe(true);
    // Score every input of lengths 1..4 the way the trainer scores its test set, and compare with verify.
    const all = [...enumerateInputs(['a', 'b', 'c'], 1, 4)].map((input) => ({ input, output: evaluateProgram(program, input) }));
    const params = paramsFromModel(r.model);
    const acc = await measureAccuracy(r.model.config, params, [encodeBatch(r.model.config, all)]);
    tf.dispose([...params.values()]);
    const v = verifyModel(loaded(r.model), program, { vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 4 });
    expect(v.checked).toBe(all.length);
    expect(v.agreement).toBeCloseTo(exactMatch(acc), 12);
  });

  it('resuming after k steps reproduces the uninterrupted weights bit for bit (AND-mask on)', async () => {
    const flags: TrainFlags = {
      ...tiny,
      arch: { layers: 2, heads: 2, dModel: 8, attnOnly: false, dMlp: 8, layernorm: true, causal: true },
      steps: 12,
      checkpointEvery: 5,
      andMask: 0.5,
      evalEvery: 4,
      testSize: 32,
    };
    const dir = tmp();
    const straight = await train({ program: identity(), flags, checkpointPath: path.join(dir, 'a.ckpt') });
    const ckpt = path.join(dir, 'b.ckpt');
    const first = await train({ program: identity(), flags, checkpointPath: ckpt }, { shouldStop: (s) => s === 7 });
    expect(first.status).toBe('interrupted');
    expect(first.steps).toBe(7);
    const notes: string[] = [];
    const resumed = await train({ program: identity(), flags, checkpointPath: ckpt, resume: true }, { onNote: (m) => notes.push(m) });
    expect(notes.join()).toMatch(/resuming from step 7/);
    expect(resumed.steps).toBe(12);
    expect([...resumed.model.weights.keys()]).toEqual([...straight.model.weights.keys()]);
    for (const [name, w] of straight.model.weights) {
      const got = resumed.model.weights.get(name)!;
      expect(
        Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)),
        name,
      ).toBe(true);
    }
    // A different seed is a different run: resuming it from this checkpoint is refused.
    await expect(train({ program: identity(), flags: { ...flags, seed: 1 }, checkpointPath: ckpt, resume: true })).rejects.toThrow(/different run.*seed/);
  });

  it('a training step leaks no tensors', () => {
    const program = identity();
    const vocab = ['a', 'b', 'c'];
    const config = learnedConfig(
      { layers: 2, heads: 2, dModel: 8, dMlp: 16, attnOnly: false, layernorm: true, causal: false },
      vocab,
      5,
      programOutputSpec(program, vocab, 4),
    );
    const spec = { program, vocab, minLen: 1, maxLen: 4 };
    for (const andMask of [undefined, 0.5]) {
      const { ctx, state } = prepareTraining(config, initParams(config, 0), { adamw: DEFAULT_ADAMW, clipNorm: 1, andMask });
      const counts: number[] = [];
      for (let step = 0; step < 4; step++) {
        trainStep(ctx, state, trainExamples(spec, 0, step, 16), 1e-3);
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size).toBe(1);
      disposeState(state);
    }
  });

  it('writes a JSONL log: start, steps, evaluations and end, one JSON object per line', async () => {
    const file = path.join(tmp(), 'x.train.jsonl');
    const sink = jsonlSink(file, true);
    await train({ program: identity(), flags: { ...tiny, steps: 20, evalEvery: 10 } }, { onRecord: sink });
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('start');
    expect(lines[0].backend).toBe('cpu');
    expect(lines.filter((l) => l.type === 'step').map((l) => l.step)).toEqual([10, 20]);
    expect(lines.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([10, 20]);
    expect(lines[lines.length - 1].type).toBe('end');
  });

  it('stops early once the test exact match reaches --target-acc, and measures length generalisation', async () => {
    const r = await train({ program: identity(), flags: { ...tiny, steps: 400, evalEvery: 20, targetAcc: 0.99, testLengths: [6] } });
    expect(r.status).toBe('target-reached');
    expect(r.steps).toBeLessThan(400);
    expect(r.model.config.nCtx).toBe(7);
    expect(r.lengthAcc[6]).toBeGreaterThanOrEqual(0);
    expect(r.model.training?.lengthAcc).toEqual(r.lengthAcc);
  });

  it('stops a run whose weights overflow (--lr 1e308) at the step they do, writing nothing', async () => {
    const dir = tmp();
    const checkpointPath = path.join(dir, 'm.ckpt');
    const records: Record<string, unknown>[] = [];
    const run = train(
      { program: identity(), flags: { ...tiny, lr: 1e308, steps: 10, checkpointEvery: 1 }, checkpointPath },
      { onRecord: (x) => records.push(x) },
    );
    await expect(run).rejects.toThrow(
      /^training diverged at step 1: weight '[\w.]+' holds -?Infinity at \[[\d, ]+\]; try a lower --lr \(this run's is 1e\+308\)$/,
    );
    await run.catch((e: unknown) => expect(isUserError(e)).toBe(true));
    expect(fs.existsSync(checkpointPath)).toBe(false);
    expect(records.at(-1)).toMatchObject({ type: 'diverged', step: 1 });
  });

  it('a run that diverges after a checkpoint keeps that checkpoint as it was', async () => {
    const checkpointPath = path.join(tmp(), 'm.ckpt');
    const flags: TrainFlags = { ...tiny, steps: 10, checkpointEvery: 100 };
    await train({ program: identity(), flags, checkpointPath }, { shouldStop: (s) => s === 3 });
    // Finite weights so large that the next forward pass overflows.
    const saved = loadCheckpoint(checkpointPath);
    saveCheckpoint(checkpointPath, { ...saved, params: saved.params.map((w) => ({ shape: w.shape, data: w.data.map(() => 1e30) })) });
    const before = fs.readFileSync(checkpointPath);
    await expect(train({ program: identity(), flags, checkpointPath, resume: true })).rejects.toThrow(
      new RegExp(`^training diverged at step 4: the loss is NaN; try a lower --lr \\(this run's is 0.01\\); ${checkpointPath} still holds step 3$`),
    );
    expect(fs.readFileSync(checkpointPath).equals(before)).toBe(true);
  });

  it('rejects a vocabulary with BOS before doing any work', async () => {
    try {
      await train({ program: identity(), flags: { ...tiny, vocab: ['a', 'BOS'] } });
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/BOS/);
    }
  });
});
