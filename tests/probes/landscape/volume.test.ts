import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateVolume, logUnitBall, minimumLoss, type VolumeOptions } from '../../../probes/landscape/volume.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { initWeights } from '../../../src/model/init.ts';
import { loadModel } from '../../../src/model/modelFile.ts';
import type { ModelConfig, ModelData, WeightArray } from '../../../src/model/types.ts';
import { reverse } from '../../compiler/programs.ts';
import { cli } from '../../cli/harness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LEARNED = 'fixtures/models/reverse.learned.safetensors';
const learned = loadModel(LEARNED);
const set = makeProbeSet(reverse(), { ...modelTask(learned), n: 16, seed: 0 });
const quick: VolumeOptions = { directions: 3, seed: 5, cutoff: { rise: 0.1 }, bisections: 5 };

/** A small pre-LayerNorm model: every reader of the residual stream goes through a LayerNorm. */
const lnConfig: ModelConfig = { ...learned.config, dModel: 16, layers: [{ nHeads: 2, dHead: 8, dMlp: 16 }], normalization: 'LN', origin: 'learned' };
const lnModel: ModelData = { config: lnConfig, labels: learned.labels, weights: initWeights(lnConfig, 3) };
const lnSet = makeProbeSet(reverse(), { ...modelTask(lnModel), n: 16, seed: 0 });

/** Every write into the residual stream times `alpha`: the same function (LayerNorm undoes the scale), flatter in weight units. */
function scaledWrites(m: ModelData, alpha: number): ModelData {
  const writes = /^(embed\.W_E|pos_embed\.W_pos|blocks\.\d+\.(attn\.(W_O|b_O)|mlp\.(W_out|b_out)))$/;
  const weights = new Map<string, WeightArray>();
  for (const [name, w] of m.weights) weights.set(name, writes.test(name) ? { shape: w.shape, data: w.data.map((x) => x * alpha) } : w);
  return { config: m.config, labels: m.labels, weights };
}

const meanRadius = (r: { directions: { radius: number }[] }) => r.directions.reduce((s, d) => s + d.radius, 0) / r.directions.length;

describe('the volume of a minimum', () => {
  it('is reproducible from the seed, and another seed draws other directions', async () => {
    const a = await estimateVolume(learned, set, quick);
    const b = await estimateVolume(learned, set, quick);
    expect(b).toEqual(a);
    const c = await estimateVolume(learned, set, { ...quick, seed: 6 });
    expect(c.directions.map((d) => d.radius)).not.toEqual(a.directions.map((d) => d.radius));
    expect(a.dimension).toBe([...learned.weights.values()].reduce((s, w) => s + w.data.length, 0));
    expect(a.logVolume.estimate).toBeGreaterThanOrEqual(a.logVolume.geometric);
  });

  it('every radius crosses the cutoff: the loss is under it just inside and over it at the bracket above', async () => {
    const r = await estimateVolume(learned, set, { ...quick, directions: 2 });
    expect(r.capped).toBe(0);
    expect(r.cutoff).toBeCloseTo(r.minimumLoss + 0.1, 6);
    for (const d of r.directions) expect(d.radius).toBeGreaterThan(0);
  });

  it('shrinks as the cutoff tightens', async () => {
    const loose = await estimateVolume(learned, set, { ...quick, cutoff: { rise: 0.4 } });
    const tight = await estimateVolume(learned, set, { ...quick, cutoff: { rise: 0.02 } });
    expect(meanRadius(tight)).toBeLessThan(meanRadius(loose));
    expect(tight.logVolume.estimate).toBeLessThan(loose.logVolume.estimate);
  });

  it('grows when the model is made flatter by construction, and filter normalisation does not see the rescaling', async () => {
    const flat = scaledWrites(lnModel, 8);
    const own = await minimumLoss(lnModel, lnSet);
    expect(await minimumLoss(flat, lnSet)).toBeCloseTo(own, 4);
    const opts = { ...quick, filterNormalize: false };
    const sharp = await estimateVolume(lnModel, lnSet, opts);
    const flatter = await estimateVolume(flat, lnSet, opts);
    expect(flatter.logVolume.estimate).toBeGreaterThan(sharp.logVolume.estimate);
    const f1 = await estimateVolume(lnModel, lnSet, quick);
    const f2 = await estimateVolume(flat, lnSet, quick);
    for (let i = 0; i < f1.directions.length; i++) expect(f2.directions[i].radius).toBeCloseTo(f1.directions[i].radius, 2);
  });

  it('refuses a cutoff at or below the minimum and zero directions', async () => {
    await expect(estimateVolume(learned, set, { ...quick, cutoff: { absolute: 0 } })).rejects.toThrow(/not above the minimum's loss/);
    await expect(estimateVolume(learned, set, { ...quick, directions: 0 })).rejects.toThrow(/at least one direction/);
  });

  it('the unit ball: 2 dimensions π, 3 dimensions 4π/3', () => {
    expect(Math.exp(logUnitBall(2))).toBeCloseTo(Math.PI, 10);
    expect(Math.exp(logUnitBall(3))).toBeCloseTo((4 * Math.PI) / 3, 10);
  });
});

describe('rasplab volume', () => {
  it('prints the radii and the log-volume, progress on stderr, and --json', async () => {
    const r = await cli('volume', LEARNED, '--directions', '2', '--samples', '20', '--bisections', '4');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cutoff .*; 2 directions \(seed \d+\), filter-normalised/);
    expect(r.out).toMatch(/log-volume \(D = \d+\): /);
    expect(r.err).toMatch(/direction 2\/2: radius /);
    const j = await cli('volume', LEARNED, '--directions', '2', '--samples', '20', '--bisections', '4', '--json');
    expect(JSON.parse(j.out).directions).toHaveLength(2);
  });

  it('--checkpoint: a run stopped after some directions and resumed gives what an uninterrupted run gives', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rasplab-volume-'));
    try {
      const ckpt = join(dir, 'v.json');
      const run = (n: string, ...more: string[]) => cli('volume', LEARNED, '--directions', n, '--samples', '16', '--bisections', '3', '--json', ...more);
      const whole = JSON.parse((await run('3')).out);
      expect((await run('2', '--checkpoint', ckpt)).code).toBe(0);
      const resumed = await run('3', '--checkpoint', ckpt);
      expect(resumed.err).toMatch(/resuming from .*v\.json: 2 of 3 directions measured/);
      expect(JSON.parse(resumed.out)).toEqual(whole);
      const other = await run('3', '--checkpoint', ckpt, '--seed', '9');
      expect(other.code).toBe(2);
      expect(other.err).toMatch(/a checkpoint of other settings \(inputs "\w+" there, "\w+" now\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input: one line, exit 2', async () => {
    const zero = await cli('volume', LEARNED, '--directions', '0');
    expect(zero.code).toBe(2);
    expect(zero.err.trim().split('\n')).toHaveLength(1);
    expect(zero.err).toMatch(/--directions must be at least 1/);
    const low = await cli('volume', LEARNED, '--samples', '20', '--cutoff', '0.000001');
    expect(low.code).toBe(2);
    // The backend line comes first, as in every probe; the error is one line after it, with no stack.
    expect(low.err.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^rasplab: --cutoff 0.000001 is not above the model's own loss \S+ on these inputs/),
    ]);
  });
});
