import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { beyondLengths, spearman } from '../../../../probes/landscape/beyondLengths.ts';
import { minimaVolumes } from '../../../../probes/landscape/minimaVolumes.ts';
import { commonTask, makeProbeSet } from '../../../../probes/probeSet.ts';
import { loadModel } from '../../../../src/model/modelFile.ts';
import { beyondLengthsFigure } from '../../../../cli/report/figures/experiments.ts';
import { reverse } from '../../../compiler/programs.ts';
import { cli, tempDir } from '../../../cli/harness.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const A = 'fixtures/models/reverse.learned.safetensors';
const B = 'fixtures/models/reverse.learned.seed1.safetensors';
const LEN8 = 'fixtures/models/reverse.learned.len8.safetensors';
const [a, b, len8] = [A, B, LEN8].map((f) => loadModel(f));
const task = commonTask([a, b, len8]);
const trained = { name: 'trained', minLen: task.minLen, maxLen: task.maxLen, set: makeProbeSet(reverse(), { ...task, n: 12, seed: 0 }) };
const beyond = [9, 10].map((len) => ({
  name: `length ${len}`,
  minLen: len,
  maxLen: len,
  set: makeProbeSet(reverse(), { vocab: task.vocab, minLen: len, maxLen: len, n: 12, seed: 0 }),
}));
const opts = { directions: 2, seed: 1, rise: 0.1, bisections: 2, points: 3 };

describe('spearman', () => {
  it('is 1 for a monotone relation, −1 for a reversed one, shares tied ranks, and null without spread or with under 3 values', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(spearman([1, 2, 3], [0, 0, 0])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

describe('landscape lengths: volume and barrier against accuracy beyond the training lengths', () => {
  it('measures the radii as landscape volumes does, the barrier from the reference, and accuracy on each longer length', async () => {
    const models = [
      { name: 'A', model: a },
      { name: 'B', model: b },
      { name: 'len8', model: len8 },
    ];
    const r = await beyondLengths(models, trained, beyond, models[0], opts);
    const v = await minimaVolumes(models, trained.set, opts);
    expect(r.models.map((m) => m.radii)).toEqual(v.models.map((m) => m.radii));
    expect(r.models[0].barrier).toBe(0);
    expect(r.models[1].barrier).toBeGreaterThan(0.5);
    for (const m of r.models) {
      expect(m.beyond.map((x) => x.name)).toEqual(['length 9', 'length 10']);
      expect(m.exactBeyond).toBeCloseTo((m.beyond[0].exactMatch + m.beyond[1].exactMatch) / 2, 12);
      expect(m.tokenBeyond).toBeCloseTo((m.beyond[0].tokenAccuracy + m.beyond[1].tokenAccuracy) / 2, 12);
    }
    expect(r.correlation.radius).toBe(
      spearman(
        r.models.map((m) => m.meanRadius),
        r.models.map((m) => m.exactBeyond),
      ),
    );
    expect(r.tokenCorrelation.barrier).toBe(
      spearman(
        r.models.map((m) => m.barrier!),
        r.models.map((m) => m.tokenBeyond),
      ),
    );
    const f = beyondLengthsFigure(r);
    expect(f.id).toBe('beyond-lengths');
    expect(f.svg.match(/class="panel"/g)).toHaveLength(4);
    expect(f.svg.match(/data-series="len8"/g)).toHaveLength(4);
    const noRef = beyondLengthsFigure({ ...r, reference: null, models: r.models.map((m) => ({ ...m, barrier: null })) });
    expect(noRef.svg.match(/class="panel"/g)).toHaveLength(2);
  });

  it('prints a row per model, --json the data, and --html a page with the scatter', async () => {
    const tmp = tempDir();
    try {
      const html = join(tmp.dir, 'l.html');
      const args = ['landscape', 'lengths', A, B, '--test-lengths', '9', '--directions', '1', '--bisections', '2', '--samples', '8'];
      const j = await cli(...args, '--reference', A, '--points', '3', '--json', '--html', html);
      expect(j.code, j.err).toBe(0);
      const d = JSON.parse(j.out);
      expect(d.reference).toBe('reverse.learned');
      expect(d.models.map((m: { name: string; barrier: number }) => m.name)).toEqual(['reverse.learned', 'reverse.learned.seed1']);
      expect(d.models[0].barrier).toBe(0);
      expect(readFileSync(html, 'utf8')).toMatch(/id="fig-beyond-lengths"/);
      const t = await cli(...args);
      expect(t.code, t.err).toBe(0);
      expect(t.out).toMatch(/│ model\s*│ mean radius\s*│ exact, length 9\s*│/);
      expect(t.out).toMatch(/Spearman ρ with the exact match beyond: mean radius -/);
    } finally {
      tmp.cleanup();
    }
  });

  it('bad input: one line, exit 2', async () => {
    const last = (r: { err: string }) => r.err.trim().split('\n').slice(-1);
    const none = await cli('landscape', 'lengths', A);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/required option '--test-lengths <list>' not specified/);
    const inside = await cli('landscape', 'lengths', A, B, '--test-lengths', '8,9', '--samples', '8');
    expect(inside.code).toBe(2);
    expect(last(inside)).toEqual([`rasplab: --test-lengths 8 is not beyond ${A}'s training lengths (1–8)`]);
    const compiled = await cli('landscape', 'lengths', 'fixtures/models/reverse.compiled.safetensors', '--test-lengths', '9', '--samples', '8');
    expect(compiled.code).toBe(2);
    expect(last(compiled)).toEqual([expect.stringMatching(/--test-lengths 9 is not beyond .*reverse\.compiled\.safetensors's training lengths \(1–10\)/)]);
    const points = await cli('landscape', 'lengths', A, '--test-lengths', '9', '--points', '3');
    expect(points.code).toBe(2);
    expect(points.err.trim().split('\n')).toEqual(['rasplab: --points goes with --reference']);
    for (const r of [none, inside, compiled, points]) expect(r.err).not.toMatch(/\n\s+at /);
  });
});
