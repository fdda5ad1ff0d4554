import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { verifyModel } from '../../probes/verify.ts';
import { DEFAULT_FLAGS, type TrainFlags } from '../../src/train/options.ts';
import { train } from '../../src/train/trainer.ts';
import { identity, previous } from './programs.ts';
import { loaded } from '../support/loaded.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const flags: TrainFlags = { ...DEFAULT_FLAGS, minLen: 1, maxLen: 4, steps: 5, batch: 16, lr: 1e-5, testSize: 128, evalEvery: 5, logEvery: 5 };

describe('--init-from a compiled model', () => {
  it.each([
    ['identity', identity],
    ['previous', previous],
  ])('starts at the compiled model’s accuracy and keeps its architecture (%s)', async (_name, make) => {
    const program = make();
    const vocab = ['a', 'b', 'c'];
    const { model } = compile(program, { vocab, maxLen: 4 });
    const v = verifyModel(loaded(model), program, { vocab, maxLen: 4, minLen: 1 });
    const r = await train({ program, flags, init: { model, file: 'compiled.safetensors' } });
    expect(r.initialTestAcc).toBe(v.agreement);
    expect(r.model.config.layers).toEqual(model.config.layers);
    expect(r.model.config.vocab).toEqual(model.config.vocab);
    expect(r.model.config.output).toEqual(model.config.output);
    expect(r.model.config.origin).toBe('learned');
    expect(r.model.training?.initFrom).toBe('compiled.safetensors');
    expect(r.model.labels.residual).toEqual(model.labels.residual);
  });

  it('refuses a vocabulary the compiled model does not have', async () => {
    const program = identity();
    const { model } = compile(program, { vocab: ['a', 'b'], maxLen: 4 });
    await expect(train({ program, flags: { ...flags, vocab: ['a', 'z'] }, init: { model, file: 'c.safetensors' } })).rejects.toThrow(
      /c\.safetensors: vocabulary lacks z/,
    );
  });

  it('refuses lengths beyond the compiled model’s context', async () => {
    const program = identity();
    const { model } = compile(program, { vocab: ['a', 'b'], maxLen: 4 });
    await expect(train({ program, flags: { ...flags, testLengths: [9] }, init: { model, file: 'c.safetensors' } })).rejects.toThrow(/n_ctx 5 is too small/);
  });
});

describe('the model a run was fine-tuned from, as the saved file records it', () => {
  it('a path typed relative to the working folder is recorded relative to the model file, or by name when far from it', async () => {
    const { mkdirSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { inheritedLabels } = await import('../../src/train/setup.ts');
    const { loadModel, saveModel } = await import('../../src/model/modelFile.ts');
    const dir = mkdtempSync(join(tmpdir(), 'rasplab-init-'));
    try {
      const { model } = compile(identity(), { vocab: ['a', 'b'], maxLen: 3 });
      const typed = relative(process.cwd(), join(dir, 'compiled.safetensors'));
      const labels = inheritedLabels({ model, file: typed });
      saveModel(join(dir, 'tuned.safetensors'), { ...model, labels });
      expect(loadModel(join(dir, 'tuned.safetensors')).labels.inherited).toEqual({ file: 'compiled.safetensors', origin: 'compiled' });
      mkdirSync(join(dir, 'far', 'away'), { recursive: true });
      saveModel(join(dir, 'far', 'away', 'tuned.safetensors'), { ...model, labels });
      expect(loadModel(join(dir, 'far', 'away', 'tuned.safetensors')).labels.inherited?.file).toBe('compiled.safetensors');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
