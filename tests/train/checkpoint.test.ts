import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/rasp/errors.ts';
import { FORMAT_VERSION, type ModelConfig } from '../../src/model/types.ts';
import { checkpointPathFor, deserializeCheckpoint, loadCheckpoint, saveCheckpoint, serializeCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { logPathFor } from '../../src/train/log.ts';

const config: ModelConfig = {
  formatVersion: FORMAT_VERSION,
  dModel: 2,
  nCtx: 4,
  vocab: ['BOS', 'a', 1, true],
  layers: [{ nHeads: 1, dHead: 2, dMlp: 0 }],
  output: { encoding: 'categorical', values: ['a', 'b'] },
  normalization: 'none',
  causal: false,
  actFn: 'relu',
  attnScale: Math.SQRT2,
  origin: 'learned',
};

function sample(): Checkpoint {
  const w = (shape: number[], seed: number) => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(seed + i) * 1e3) / 7),
  });
  return {
    fingerprint: JSON.stringify({ a: 1 }),
    step: 17,
    seed: 3,
    config,
    labels: { residual: [], heads: [], mlps: [], program: { name: 'p', output: 'o' } },
    names: ['x', 'y'],
    params: [w([2, 3], 1), w([3], 2)],
    m: [w([2, 3], 3), w([3], 4)],
    v: [w([2, 3], 5), w([3], 6)],
    t: 17,
    wallTimeS: 1.5,
    extra: { evals: [[0, 0.25]] },
  };
}

describe('checkpoints', () => {
  it('round-trip every float bit for bit, with their metadata', () => {
    const c = sample();
    const back = deserializeCheckpoint(serializeCheckpoint(c), 'mem');
    expect(back.step).toBe(17);
    expect(back.config).toEqual(config);
    expect(back.extra).toEqual(c.extra);
    for (const g of ['params', 'm', 'v'] as const)
      c[g].forEach((w, i) => {
        expect(back[g][i].shape).toEqual(w.shape);
        expect(Buffer.from(back[g][i].data.buffer).equals(Buffer.from(w.data.buffer))).toBe(true);
      });
  });

  it('are written atomically: the file appears whole and no temporary file is left', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-ckpt-'));
    const file = path.join(dir, 'run.ckpt');
    saveCheckpoint(file, sample());
    saveCheckpoint(file, { ...sample(), step: 18 });
    expect(fs.readdirSync(dir)).toEqual(['run.ckpt']);
    expect(loadCheckpoint(file).step).toBe(18);
  });

  it('reject truncated or foreign files with a user error naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-ckpt-'));
    const file = path.join(dir, 'bad.ckpt');
    const bytes = serializeCheckpoint(sample());
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(() => loadCheckpoint(file)).toThrow(/bad\.ckpt.*truncated/);
    fs.writeFileSync(file, 'hello world, not a checkpoint');
    try {
      loadCheckpoint(file);
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/bad\.ckpt/);
    }
  });

  it('sit beside the output, as does the JSONL log', () => {
    expect(checkpointPathFor('out/learned.safetensors')).toBe('out/learned.ckpt');
    expect(logPathFor('out/learned.safetensors')).toBe('out/learned.train.jsonl');
    expect(logPathFor('model')).toBe('model.train.jsonl');
  });
});
