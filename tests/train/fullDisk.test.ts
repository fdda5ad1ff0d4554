/** Checkpoints and the training log on a disk that fills up: a clean error, nothing half-written left behind. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FORMAT_VERSION } from '../../src/model/types.ts';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../../src/train/checkpoint.ts';
import { jsonlSink } from '../../src/train/log.ts';
import { userError } from '../support/userError.ts';
import { emptyDisk, fillDisk } from '../files/failingDisk.ts';

vi.mock('node:fs', async (importOriginal) => (await import('../files/failingDisk.ts')).failingFs(importOriginal));
afterEach(emptyDisk);

const tmp = () => mkdtempSync(join(tmpdir(), 'rasplab-fulldisk-'));

function checkpoint(step: number): Checkpoint {
  const w = () => ({ shape: [64], data: new Float32Array(64).fill(step) });
  return {
    fingerprint: '{}',
    step,
    seed: 1,
    config: {
      formatVersion: FORMAT_VERSION,
      dModel: 2,
      nCtx: 3,
      vocab: ['BOS', 'a'],
      layers: [],
      output: { encoding: 'categorical', values: ['a'] },
      normalization: 'none',
      causal: false,
      actFn: 'relu',
      attnScale: 1,
      origin: 'learned',
    },
    labels: { residual: [], heads: [], mlps: [] },
    names: ['w'],
    params: [w()],
    m: [w()],
    v: [w()],
    t: step,
    wallTimeS: 0,
    extra: {},
  };
}

describe('on a full disk', () => {
  it('a checkpoint write fails with one clean line, leaves no temporary and keeps the previous checkpoint', () => {
    const dir = tmp();
    const file = join(dir, 'run.ckpt');
    saveCheckpoint(file, checkpoint(5));
    fillDisk(200);
    expect(userError(() => saveCheckpoint(file, checkpoint(6)))).toBe(`cannot write ${file}: no space left on device (ENOSPC)`);
    emptyDisk();
    expect(readdirSync(dir)).toEqual(['run.ckpt']);
    expect(loadCheckpoint(file).step).toBe(5);
  });

  it('an append to the training log that does not fit fails the run with one clean line and leaves no half record', () => {
    const file = join(tmp(), 'run.train.jsonl');
    const log = jsonlSink(file, true);
    log({ type: 'start' });
    fillDisk(5);
    expect(userError(() => log({ type: 'step', step: 1 }))).toBe(`cannot write ${file}: no space left on device (ENOSPC)`);
    emptyDisk();
    expect(readFileSync(file, 'utf8')).toBe('{"type":"start"}\n');
  });
});
