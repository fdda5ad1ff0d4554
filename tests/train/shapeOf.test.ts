import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { main } from '../../cli/main.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import { DEFAULT_FLAGS, type TrainFlags } from '../../src/train/options.ts';
import { train } from '../../src/train/trainer.ts';
import { identity, previous } from './programs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const flags: TrainFlags = { ...DEFAULT_FLAGS, minLen: 1, maxLen: 4, steps: 3, batch: 8, testSize: 32, evalEvery: 3, logEvery: 3 };

describe('--shape-of a model', () => {
  it('trains a fresh learned model with exactly the model’s config, its own weights and no inherited labels', async () => {
    const program = previous();
    const { model } = compile(program, { vocab: ['a', 'b', 'c'], maxLen: 4 });
    const r = await train({ program, flags, shapeOf: { model, file: 'compiled.safetensors' } });
    expect(r.model.config).toEqual({ ...model.config, origin: 'learned' });
    expect([...r.model.weights.keys()].sort()).toEqual([...model.weights.keys()].sort());
    for (const [name, w] of model.weights) expect(r.model.weights.get(name)!.shape).toEqual(w.shape);
    expect(r.model.weights.get('blocks.0.attn.W_Q')!.data).not.toEqual(model.weights.get('blocks.0.attn.W_Q')!.data);
    expect(r.model.labels.heads).toEqual([]);
    expect(r.model.labels.inherited).toBeUndefined();
    expect(r.model.training?.shapeOf).toBe('compiled.safetensors');
    expect(r.model.training?.initFrom).toBeNull();
  });

  it('refuses --init-from and --shape-of together, and lengths beyond the model’s context', async () => {
    const program = identity();
    const { model } = compile(program, { vocab: ['a', 'b'], maxLen: 4 });
    const m = { model, file: 'c.safetensors' };
    await expect(train({ program, flags, init: m, shapeOf: m })).rejects.toThrow(/--init-from or --shape-of, not both/);
    await expect(train({ program, flags: { ...flags, testLengths: [9] }, shapeOf: m })).rejects.toThrow(/c\.safetensors: n_ctx 5 is too small/);
  });

  it('from the command line: the model’s vocabulary and lengths by default; size flags beside it are one line, exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-shape-of-'));
    const m = path.join(dir, 'm.safetensors');
    const io = { out: (_: string) => {}, err: (_: string) => {} };
    expect(await main(['compile', 'reverse', '--vocab', 'a,b', '--max-len', '3', '-o', m], io)).toBe(0);
    const model = loadModel(m);
    const src = 'reverse';
    const out = path.join(dir, 'shaped.safetensors');
    expect(await main(['train', src, '--shape-of', m, '--steps', '2', '--batch', '4', '--test-size', '8', '-o', out], io)).toBe(0);
    const shaped = loadModel(out);
    expect(shaped.config).toEqual({ ...model.config, origin: 'learned' });
    expect(shaped.training?.maxLen).toBe(3);
    let err = '';
    const code = await main(['train', src, '--shape-of', m, '--layers', '2', '-o', out], { out: () => {}, err: (t) => void (err += t) });
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toEqual(['rasplab: --shape-of takes the architecture from the model: drop --layers/--heads/--d-model/--d-mlp/--d-head']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
