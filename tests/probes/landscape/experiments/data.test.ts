import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataVolumes } from '../../../../probes/landscape/dataVolumes.ts';
import { minimaVolumes } from '../../../../probes/landscape/minimaVolumes.ts';
import { spearman } from '../../../../probes/landscape/beyondLengths.ts';
import { makeProbeSet, modelTask } from '../../../../probes/probeSet.ts';
import { loadModel } from '../../../../src/model/modelFile.ts';
import { inputKey, trainingSubset } from '../../../../src/train/dataset.ts';
import { dataVolumesFigure } from '../../../../cli/report/figures/experiments.ts';
import { reverse } from '../../../compiler/programs.ts';
import { cli, tempDir } from '../../../cli/harness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const FILES = ['fixtures/models/reverse.data10.safetensors', 'fixtures/models/reverse.data25.safetensors', 'fixtures/models/reverse.data100.safetensors'];
const models = FILES.map((f, i) => ({ name: ['d10', 'd25', 'd100'][i], model: loadModel(f) }));
const task = modelTask(models[0].model);
const set = makeProbeSet(reverse(), { ...task, n: 60, seed: 0 });
const opts = { directions: 2, seed: 1, rise: 0.1, bisections: 2 };

describe('landscape data: volume against the amount of training data', () => {
  it('reads each model’s data fraction, scores it on the inputs it did not train on, and measures radii as landscape volumes does', async () => {
    const r = await dataVolumes(models, reverse(), set, opts);
    expect(r.models.map((m) => m.dataFraction)).toEqual([0.1, 0.25, 1]);
    const v = await minimaVolumes(models, set, opts);
    expect(r.models.map((m) => m.radii)).toEqual(v.models.map((m) => m.radii));
    // the unseen inputs are exactly those outside the run's own training subset
    const t = models[0].model.training!;
    const subset = trainingSubset({ program: reverse(), vocab: t.vocab, minLen: t.minLen, maxLen: t.maxLen }, t.seed, 0.1);
    const seen = set.inputs.filter((x) => subset.keys.has(inputKey(x))).length;
    expect(seen).toBeGreaterThan(0);
    expect(r.models[0].unseen!.inputs).toBe(set.inputs.length - seen);
    expect(r.models[2].unseen).toBeNull(); // trained on all of them
    // a model trained on a tenth gets fewer unseen inputs right than seen ones
    expect(r.models[0].unseen!.exactMatch).toBeLessThan(r.models[0].exactMatch);
    expect(r.models[2].exactMatch).toBe(1);
    expect(r.fractions.map((f) => [f.fraction, f.models])).toEqual([
      [0.1, 1],
      [0.25, 1],
      [1, 1],
    ]);
    expect(r.correlation.fraction).toBe(
      spearman(
        r.models.map((m) => m.meanRadius),
        [0.1, 0.25, 1],
      ),
    );
    expect(r.correlation.unseen).toBeNull(); // two models with unseen inputs: too few for a rank correlation
    const f = dataVolumesFigure(r);
    expect(f.id).toBe('data-volumes');
    expect(f.svg.match(/class="panel"/g)).toHaveLength(2);
  });

  it('prints a row per model, --json the data, and --html the page', async () => {
    const tmp = tempDir();
    try {
      const html = join(tmp.dir, 'd.html');
      const args = ['landscape', 'data', ...FILES, '--directions', '1', '--bisections', '2', '--samples', '40'];
      const j = await cli(...args, '--json', '--html', html);
      expect(j.code, j.err).toBe(0);
      const d = JSON.parse(j.out);
      expect(d.models.map((m: { name: string; dataFraction: number }) => [m.name, m.dataFraction])).toEqual([
        ['reverse.data10', 0.1],
        ['reverse.data25', 0.25],
        ['reverse.data100', 1],
      ]);
      expect(readFileSync(html, 'utf8')).toMatch(/id="fig-data-volumes"/);
      const t = await cli(...args);
      expect(t.code, t.err).toBe(0);
      expect(t.out).toMatch(/│ model\s*│ data\s*│ mean radius\s*│ log-volume\s*│ exact \(all\)\s*│ exact \(unseen\)\s*│/);
      expect(t.out).toMatch(/Spearman ρ of the mean radius with the data fraction: -?\d\.\d{3}; with the unseen exact match: -/);
    } finally {
      tmp.cleanup();
    }
  });
});
