import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../src/rasp/values.ts';
import type { ModelConfig } from '../../src/model/types.ts';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.ts';
import { DEFAULT_FLAGS, type TrainFlags } from '../../src/train/options.ts';
import type { TrainRequest } from '../../src/train/request.ts';
import { train } from '../../src/train/trainer.ts';
import { identity } from './programs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * The fingerprint exactly as rasplab wrote it into checkpoints up to December 2026 (setup.ts's
 * `fingerprint`). Resumes compare fingerprints as strings, so checkpoints on users' disks hold this
 * very text; a copy here, not an import, so that no later change to the code can change it.
 */
function fingerprintAsWritten2026(req: TrainRequest, config: ModelConfig, vocab: readonly Value[], warmup: number): string {
  const f = req.flags;
  return JSON.stringify({
    program: req.program.name,
    source: req.program.source ?? null,
    vocab,
    minLen: f.minLen,
    maxLen: f.maxLen,
    config,
    batch: f.batch,
    lr: f.lr,
    weightDecay: f.weightDecay,
    warmup,
    decay: f.decay,
    clipNorm: f.clipNorm,
    seed: f.seed,
    andMask: f.andMask ?? null,
    initFrom: req.init?.file ?? null,
  });
}

const flags: TrainFlags = {
  ...DEFAULT_FLAGS,
  vocab: ['a', 'b', 'c'],
  minLen: 1,
  maxLen: 3,
  arch: { layers: 1, heads: 1, dModel: 8, attnOnly: true, layernorm: false, causal: false },
  steps: 10,
  batch: 8,
  andMask: 0.5,
  testSize: 16,
  evalEvery: 5,
  logEvery: 5,
  checkpointEvery: 5,
};

describe('checkpoint fingerprints', () => {
  it('a checkpoint written with the 2026 fingerprint still resumes; a changed setting is refused, naming the file', async () => {
    const ckpt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-fp-')), 'old.ckpt');
    const req: TrainRequest = { program: identity(), flags, checkpointPath: ckpt };
    const first = await train(req, { shouldStop: (s) => s === 4 });
    expect(first.status).toBe('interrupted');

    const written = loadCheckpoint(ckpt);
    const old = fingerprintAsWritten2026(req, written.config, flags.vocab!, written.extra.warmup as number);
    // The current code still writes that very string, and a file holding it is what users have.
    expect(written.fingerprint).toBe(old);
    saveCheckpoint(ckpt, { ...written, fingerprint: old });

    const changed = train({ ...req, flags: { ...flags, lr: 2e-2 }, resume: true });
    await expect(changed).rejects.toThrow(/old\.ckpt: checkpoint is from a different run \(differs in: lr\)/);

    const notes: string[] = [];
    const resumed = await train({ ...req, resume: true }, { onNote: (m) => notes.push(m) });
    expect(notes.join()).toMatch(/resuming from step 4/);
    expect(resumed.status).toBe('completed');
    expect(resumed.steps).toBe(10);
  });

  it('the model file records the settings the fingerprint compares, and what may change between sessions', async () => {
    const r = await train({ program: identity(), flags: { ...flags, steps: 2 } });
    // The keys as written up to December 2026 (config and source live elsewhere in the model file).
    const recorded2026 = ['program', 'vocab', 'minLen', 'maxLen', 'seed', 'steps', 'backend', 'stepsRequested', 'batch', 'lr', 'weightDecay', 'warmup'];
    recorded2026.push('decay', 'clipNorm', 'andMask', 'targetAcc', 'testLengths', 'testSize', 'initFrom');
    // Up to December 2026 also 'tokensPerSec' and 'wallTimeS', now in the log only (they made identical runs' files differ).
    // Since December 2026 'threads': how many threads summed each step's gradient (not compared on resume).
    recorded2026.push('threads');
    const outcome = ['status', 'initialTestAcc', 'trainAcc', 'testAcc', 'testTokenAcc', 'lengthAcc', 'finalLoss'];
    expect(Object.keys(r.model.training!).sort()).toEqual([...recorded2026, ...outcome].sort());
    const expected = { program: 'identity', vocab: ['a', 'b', 'c'], lr: flags.lr, andMask: 0.5, initFrom: null, stepsRequested: 2, steps: 2 };
    expect(r.model.training).toMatchObject(expected);
  });
});
