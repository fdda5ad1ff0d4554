import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { minimaVolumes } from '../../../../probes/landscape/minimaVolumes.ts';
import { estimateVolume } from '../../../../probes/landscape/volume.ts';
import { commonTask, makeProbeSet } from '../../../../probes/probeSet.ts';
import { loadModel } from '../../../../src/model/modelFile.ts';
import { minimaVolumesFigure } from '../../../../cli/report/figures/experiments.ts';
import { reverse } from '../../../compiler/programs.ts';
import { cli, tempDir } from '../../../cli/harness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COMPILED = 'fixtures/models/reverse.compiled.safetensors';
const LEARNED = 'fixtures/models/reverse.learned.safetensors';
const compiled = loadModel(COMPILED);
const learned = loadModel(LEARNED);
const set = makeProbeSet(reverse(), { ...commonTask([compiled, learned]), n: 16, seed: 0 });
const opts = { directions: 2, seed: 3, rise: 0.1, bisections: 3 };

describe('landscape volumes: compiled vs learned minima', () => {
  it('measures every model on the same inputs, directions seed and rise, as volume does for each alone', async () => {
    const r = await minimaVolumes(
      [
        { name: 'compiled', model: compiled },
        { name: 'learned', model: learned },
      ],
      set,
      opts,
    );
    const alone = await estimateVolume(learned, set, { directions: 2, seed: 3, cutoff: { rise: 0.1 }, bisections: 3 });
    expect(r.models[1].radii).toEqual(alone.directions.map((d) => d.radius));
    expect(r.models[1].logVolume).toEqual(alone.logVolume);
    expect(r.models.map((m) => [m.origin, m.dimension])).toEqual([
      ['compiled', 10230],
      ['learned', 17541],
    ]);
    expect(r.models[0].relativeRadius).toBe(1);
    expect(r.models[1].relativeRadius).toBeCloseTo(r.models[1].radius.mean / r.models[0].radius.mean, 12);
    // The compiled minimum is far narrower than the learned one on these inputs.
    expect(r.models[0].radius.max).toBeLessThan(r.models[1].radius.min);
    const f = minimaVolumesFigure(r);
    expect(f.id).toBe('minima-volumes');
    expect(f.svg).toMatch(/data-series="compiled"/);
    expect(f.svg).toMatch(/data-series="learned"/);
    expect(f.svg).toMatch(/D = 10230/);
    // Radii a hundredth of the others': a log axis.
    expect(f.caption).toMatch(/logarithmic/);
  });

  it('prints a table, --json the data, and --html a page with the figure', async () => {
    const tmp = tempDir();
    try {
      const html = join(tmp.dir, 'v.html');
      const args = ['landscape', 'volumes', COMPILED, LEARNED, '--directions', '2', '--samples', '16', '--bisections', '3', '--seed', '3'];
      const j = await cli(...args, '--json', '--html', html);
      expect(j.code, j.err).toBe(0);
      const d = JSON.parse(j.out);
      expect(d.models.map((m: { name: string }) => m.name)).toEqual(['reverse.compiled', 'reverse.learned']);
      expect(d.models[0].radii).toHaveLength(2);
      expect(readFileSync(html, 'utf8')).toMatch(/id="fig-minima-volumes"[\s\S]*data-series="reverse.learned"/);
      const t = await cli(...args, '--svg', tmp.dir);
      expect(t.code, t.err).toBe(0);
      expect(t.out).toMatch(/reverse\.compiled\s*│\s*compiled\s*│\s*10230/);
      expect(existsSync(join(tmp.dir, 'minima-volumes.svg'))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('bad input: one line, exit 2', async () => {
    const zero = await cli('landscape', 'volumes', LEARNED, '--directions', '0');
    expect(zero.code).toBe(2);
    expect(zero.err.trim().split('\n')).toEqual(['rasplab: --directions must be at least 1, got 0']);
    const twice = await cli('landscape', 'volumes', LEARNED, LEARNED);
    expect(twice.code).toBe(2);
    expect(twice.err.trim().split('\n')).toEqual([expect.stringMatching(/^rasplab: two models are both called 'reverse.learned'/)]);
    const missing = await cli('landscape', 'volumes', LEARNED, 'nope.safetensors');
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });
});
