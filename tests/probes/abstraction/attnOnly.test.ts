/**
 * On a 2-layer attention-only learned reverse (fixtures/models/reverse.attnonly.safetensors), the
 * flip head's output is where `reverse` is computed: interchanging head 1.0's output gives the
 * program's counterfactual on ≥ 99% of pairs, and DAS finds it in the residual stream after it, not
 * before; the layer-0 head's output does not carry it.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { align } from '../../../probes/abstraction/align.ts';
import { interchangeAccuracy } from '../../../probes/abstraction/interchange.ts';
import { interchangePairs } from '../../../probes/abstraction/pairs.ts';
import { parseSiteText } from '../../../probes/abstraction/siteText.ts';
import { modelTask } from '../../../probes/probeSet.ts';
import { programVariable } from '../../../src/rasp/counterfactual.ts';
import { fastBackend, fixture, FIXTURES, library } from '../../hypotheses/support.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(fastBackend);

const ATTN_ONLY = join(FIXTURES, 'models/reverse.attnonly.safetensors');

describe('the attention-only learned reverse', () => {
  it("aligns its flip head's output with reverse (IIA ≥ 99%); the other head's output does not carry it", async () => {
    const data = fixture(ATTN_ONLY);
    expect(data.config.layers.map((L) => `${L.nHeads} heads, d_mlp ${L.dMlp}`)).toEqual(['1 heads, d_mlp 0', '1 heads, d_mlp 0']);
    const model = loaded(data);
    const program = library('reverse');
    const pairs = interchangePairs(program, programVariable(program, 'reverse'), modelTask(model), 200, 0);
    const flip = await interchangeAccuracy(model, pairs, parseSiteText('1.0', data, 'reverse'));
    expect(flip.iia).toBeGreaterThanOrEqual(0.99);
    expect(flip.changed).toBeGreaterThan(100);
    const first = await interchangeAccuracy(model, pairs, parseSiteText('0.0', data, 'reverse'));
    expect(first.iia).toBeLessThan(0.5);
  });

  it("gives IIA per base length: each length's figure is IIA over that length's pairs alone", async () => {
    const data = fixture(ATTN_ONLY);
    const model = loaded(data);
    const program = library('reverse');
    // Pairs at one position, so that a base and its source differ in length (the figure is the base's).
    const pairs = interchangePairs(program, programVariable(program, 'reverse'), modelTask(model), 150, 3, 'random');
    const site = parseSiteText('0.0', data, 'reverse');
    const all = await interchangeAccuracy(model, pairs, site);
    const lengths = [...new Set(pairs.base.map((b) => b.length))].sort((a, b) => a - b);
    expect(all.byLength.map((l) => l.length)).toEqual(lengths);
    expect(all.byLength.reduce((n, l) => n + l.pairs, 0)).toBe(pairs.base.length);
    for (const l of all.byLength) {
      const keep = pairs.base.map((b, i) => (b.length === l.length ? i : -1)).filter((i) => i >= 0);
      const pick = <T>(xs: readonly T[]) => keep.map((i) => xs[i]);
      const alone = await interchangeAccuracy(
        model,
        {
          ...pairs,
          base: pick(pairs.base),
          source: pick(pairs.source),
          baseOutput: pick(pairs.baseOutput),
          counterfactual: pick(pairs.counterfactual),
          positions: pick(pairs.positions),
        },
        site,
      );
      expect(l.iia).toBeCloseTo(alone.iia, 12);
    }
    expect(new Set(all.byLength.map((l) => l.iia)).size).toBeGreaterThan(1);
  });

  it('DAS finds reverse after the flip head and not before it', async () => {
    const model = loaded(fixture(ATTN_ONLY));
    const r = await align(model, library('reverse'), 'reverse', {
      rank: 2,
      steps: 40,
      pairs: 96,
      seed: 0,
      task: modelTask(model),
      hooks: ['blocks.1.hook_resid_pre', 'blocks.1.hook_resid_post'],
    });
    expect(r.best.hook).toBe('blocks.1.hook_resid_post');
    expect(r.best.iia).toBeGreaterThanOrEqual(0.95);
    expect(r.sites.find((s) => s.hook === 'blocks.1.hook_resid_pre')!.das.iia).toBeLessThan(0.7);
  });
});
