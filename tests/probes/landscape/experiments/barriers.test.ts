import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectModels } from '../../../../probes/landscape/connect.ts';
import { tunedBarriers } from '../../../../probes/landscape/tunedBarriers.ts';
import { makeProbeSet, modelTask } from '../../../../probes/probeSet.ts';
import { loadModel } from '../../../../src/model/modelFile.ts';
import { tunedBarriersFigure } from '../../../../cli/report/figures/experiments.ts';
import { reverse } from '../../../compiler/programs.ts';
import { cli, tempDir } from '../../../cli/harness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const A = 'fixtures/models/reverse.learned.safetensors';
const B = 'fixtures/models/reverse.learned.seed1.safetensors';
const T = 'fixtures/models/reverse.learned.tuned.safetensors';
const [a, b, tuned] = [A, B, T].map((f) => loadModel(f));
const task = modelTask(a);
const sets = [{ name: 'trained', minLen: task.minLen, maxLen: task.maxLen, set: makeProbeSet(reverse(), { ...task, n: 24, seed: 0 }) }];

describe('landscape barriers: between seeds vs between a model and its fine-tuned self', () => {
  it('scores A–B, A–T and B–T as connect does; the fine-tuned model stays in its basin, the seeds do not share one', async () => {
    const r = await tunedBarriers({ a: { name: 'A', model: a }, b: { name: 'B', model: b }, tuned: { name: 'T', model: tuned } }, sets, { points: 5 });
    expect(r.pairs.map((p) => [p.from, p.to, p.kind])).toEqual([
      ['A', 'B', 'seeds'],
      ['A', 'T', 'fine-tuned'],
      ['B', 'T', 'seed to fine-tuned'],
    ]);
    const ab = await connectModels(a, b, sets, { points: 5 });
    expect(r.pairs[0].sets).toEqual(ab.sets);
    const [seeds, fine, cross] = r.pairs.map((p) => p.sets[0].barrier.loss);
    expect(fine).toBeLessThan(0.05);
    expect(seeds).toBeGreaterThan(0.5);
    expect(cross).toBeGreaterThan(0.5);
    const f = tunedBarriersFigure(r);
    expect(f.id).toBe('tuned-barriers');
    for (const name of ['A – B', 'A – T', 'B – T']) expect(f.svg).toContain(`data-series="${name}"`);
    expect(f.svg).toContain(`barrier ${fine.toFixed(3)}`);
  });

  it('prints the barriers, --json the paths, and --html a page with the figure', async () => {
    const tmp = tempDir();
    try {
      const html = join(tmp.dir, 'b.html');
      const j = await cli('landscape', 'barriers', A, B, T, '--points', '3', '--samples', '16', '--test-lengths', '9', '--json', '--html', html);
      expect(j.code, j.err).toBe(0);
      const d = JSON.parse(j.out);
      expect(d.pairs).toHaveLength(3);
      expect(d.pairs[1].sets.map((s: { name: string; path: unknown[] }) => [s.name, s.path.length])).toEqual([
        ['trained', 3],
        ['length 9', 3],
      ]);
      expect(readFileSync(html, 'utf8')).toMatch(/id="fig-tuned-barriers"/);
      const t = await cli('landscape', 'barriers', A, B, T, '--points', '3', '--samples', '16', '--no-align');
      expect(t.code, t.err).toBe(0);
      expect(t.out).toMatch(/reverse\.learned – reverse\.learned\.tuned\s*│\s*fine-tuned\s*│\s*trained \(16\)/);
      expect(t.out).toMatch(/unaligned/);
    } finally {
      tmp.cleanup();
    }
  });

  it('bad input: one line, exit 2', async () => {
    const shape = await cli('landscape', 'barriers', A, 'fixtures/models/reverse.compiled.safetensors', T, '--samples', '8');
    expect(shape.code).toBe(2);
    expect(shape.err.trim().split('\n').slice(-1)).toEqual([expect.stringMatching(/^rasplab: .* differ in shape \(d_model 32 vs \d+\)/)]);
    expect(shape.err).not.toMatch(/\n\s+at /);
    const points = await cli('landscape', 'barriers', A, B, T, '--points', '1');
    expect(points.code).toBe(2);
    expect(points.err.trim().split('\n')).toEqual(['rasplab: --points must be at least 2 (the two ends), got 1']);
    const long = await cli('landscape', 'barriers', A, B, T, '--test-lengths', '12', '--samples', '8');
    expect(long.code).toBe(2);
    expect(long.err.trim().split('\n').slice(-1)).toEqual([expect.stringMatching(/--test-lengths 12 is longer than the models take/)]);
  });
});
