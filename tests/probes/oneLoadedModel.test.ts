/**
 * Every probe runs on one LoadedModel: its weights are uploaded once, no probe leaves a tensor
 * behind, and after dispose() the tensor count is back where it was before the model was loaded.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import { ablate, ablationSweep } from '../../probes/ablation.ts';
import { ablatedRun } from '../../probes/ablatedRun.ts';
import { attentionPatterns } from '../../probes/attention.ts';
import { collectPositions } from '../../probes/collect.ts';
import { compareModels } from '../../probes/compare.ts';
import { makeCorruptions } from '../../probes/corruptions.ts';
import { headSimilarity } from '../../probes/headSimilarity.ts';
import { checkClaims } from '../../probes/hypotheses/index.ts';
import { linearProbes } from '../../probes/linearProbe.ts';
import { neuronStats } from '../../probes/neurons.ts';
import { patch, patchSweep } from '../../probes/patching.ts';
import { makeProbeSet } from '../../probes/probeSet.ts';
import { pruningCurve } from '../../probes/pruning.ts';
import { scoreModel } from '../../probes/scoreRuns.ts';
import { verifyModel } from '../../probes/verify.ts';
import { compiledLibrary } from '../hypotheses/support.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vocab = ['a', 'b', 'c'];
const { program: prog, model: data } = compiledLibrary('reverse', { vocab, maxLen: 3 });
const task = { vocab, minLen: 1, maxLen: 3 };
const set = makeProbeSet(prog, { ...task, n: 40, seed: 0 });

/** Every probe once, on `m` (compare and head similarity pair it with itself). */
async function everyProbe(m: LoadedModel): Promise<void> {
  expect((await scoreModel(m, set)).exactMatch).toBe(1);
  await ablate(m, set, [{ kind: 'head', layer: 1, head: 0 }], 'mean');
  await ablationSweep(m, set, { modes: ['zero', 'resample'], seed: 1 });
  await ablatedRun(m, [['a', 'b'], ['c']], [{ kind: 'mlp', layer: 0 }], 'mean', { reference: set });
  await attentionPatterns(m, set.inputs.slice(0, 3));
  await collectPositions(m, set, ['blocks.0.hook_resid_post']);
  await headSimilarity(m, m, set.inputs);
  await neuronStats(m, set);
  await linearProbes(m, prog, set, { steps: 5 });
  const pairs = makeCorruptions(prog, set, 'token', task, 0);
  await patch(m, pairs, [{ hook: 'blocks.1.hook_resid_pre', position: 1 }]);
  await patchSweep(m, pairs);
  await pruningCurve(m, set, 'heads', { sparsities: [0, 0.5] });
  expect(verifyModel(m, prog, { vocab, maxLen: 3 }).agreement).toBe(1);
  await compareModels(m, m, prog, { samples: 20, probeSteps: 5 });
  const reports = await checkClaims(
    m,
    prog,
    [
      { head: '1.0', implements: 'flip', match: 'argmax' },
      { ablate: '1.0', output: 'changed', mode: 'mean' },
      { neuron: 'mlp0.n0', tracks: 'indices == 0' },
      { encodes: 'opp_index', at: 1 },
      { invariant: 'permute', outputs: 'same' },
      { agrees: data },
    ],
    { numRuns: 10, seed: 0 },
  );
  expect(reports).toHaveLength(6);
  expect(reports[0].passed).toBe(true);
  expect(reports[5].passed).toBe(true);
}

describe('one LoadedModel for every probe', () => {
  it('uploads the weights once, leaks nothing, and dispose() frees them', async () => {
    await LoadedModel.use(data, everyProbe); // warm up the kernels, whose first run allocates
    const before = tf.memory().numTensors;
    const m = LoadedModel.from(data);
    expect(tf.memory().numTensors).toBe(before + data.weights.size);
    await everyProbe(m);
    expect(tf.memory().numTensors).toBe(before + data.weights.size);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(m.disposed).toBe(true);
    expect(() => m.run([['a']])).toThrow(/disposed/);
  });
});
