import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectModels } from '../../probes/landscape/connect.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import type { ModelData } from '../../src/model/types.ts';
import { barrierSpec } from '../../src/train/cbft.ts';
import { DEFAULT_FLAGS, type TrainFlags } from '../../src/train/options.ts';
import { train } from '../../src/train/trainer.ts';
import { reverse } from '../compiler/programs.ts';
import { cli } from '../cli/harness.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Reverse trained on length 8 only: it matches positions, and knows no other length. */
const FROM = 'fixtures/models/reverse.learned.len8.safetensors';
const from = loadModel(FROM);
const vocab = ['a', 'b', 'c', 'd', 'e'];
const flags: TrainFlags = { ...DEFAULT_FLAGS, vocab, minLen: 1, maxLen: 8, steps: 40, batch: 32, lr: 3e-3, testSize: 32, evalEvery: 40, logEvery: 40 };
const init = { model: from, file: FROM };
const length8 = [{ name: '8', minLen: 8, maxLen: 8, set: makeProbeSet(reverse(), { vocab, minLen: 8, maxLen: 8, n: 100, seed: 0 }) }];
const barrierTo = async (m: ModelData) => (await connectModels(from, m, length8, { points: 6 })).sets[0].barrier.loss;

describe('connectivity-based fine-tuning', () => {
  it('a few steps raise the barrier back to the model it started from above what plain fine-tuning gives', async () => {
    const plain = await train({ program: reverse(), flags, init });
    const before = tf.memory().numTensors;
    const cbft = await train({ program: reverse(), flags, init, cbft: { lambda: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    const [bPlain, bCbft] = [await barrierTo(plain.model), await barrierTo(cbft.model)];
    // Measured: 0.33 plain, 0.58 CBFT after 40 steps (after 100 steps of batch 32 from the command line: 0.20 and 2.04).
    expect(bCbft).toBeGreaterThan(bPlain + 0.15);
    expect(cbft.model.training?.cbft).toEqual({ from: FROM, lambda: 1 });
    expect(plain.model.training?.cbft).toBeUndefined();
  });

  it('takes the path’s loss on the lengths the model it starts from was trained on, within the run’s', () => {
    const spec = { program: reverse(), vocab, minLen: 1, maxLen: 8 };
    expect(barrierSpec(spec, from)).toMatchObject({ minLen: 8, maxLen: 8 });
    expect(barrierSpec({ ...spec, maxLen: 5 }, from)).toMatchObject({ minLen: 1, maxLen: 5 });
  });

  it.each([
    ['--cbft with --init-from', ['--cbft', FROM, '--init-from', FROM], /give --cbft or --init-from, not both/],
    ['--cbft-lambda without --cbft', ['--init-from', FROM, '--cbft-lambda', '2'], /--cbft-lambda goes with --cbft/],
    ['a lambda that is not positive', ['--cbft', FROM, '--cbft-lambda', '0'], /--cbft-lambda must be a positive number, got 0/],
    ['--cbft with --and-mask', ['--cbft', FROM, '--and-mask', '0.5', '--steps', '1'], /give --cbft or --and-mask, not both/],
  ])('refuses %s in one line, exit 2', async (_name, args, message) => {
    const r = await cli('train', 'reverse', ...args, '-o', 'tests/artifacts/never.safetensors');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
