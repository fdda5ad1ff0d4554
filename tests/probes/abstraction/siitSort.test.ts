/**
 * The SIIT-trained sort (fixtures/models/sort.siit.safetensors, the bench's run: fixtures/models/README.md)
 * is a learned model with a known circuit, held to the bar without training it again:
 * exact match ≥ 99% on every input, IIA ≥ 95% at every position for each aligned variable (and
 * ≥ 90% on the longest inputs alone, where earlier runs failed), ablating a non-circuit node
 * (zero, mean, resample) changes exact match by < 1%, and ACDC's node ROC AUC against the
 * alignment's circuit is ≥ 0.95.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interchangeAccuracy } from '../../../probes/abstraction/interchange.ts';
import { interchangePairs } from '../../../probes/abstraction/pairs.ts';
import { componentSite } from '../../../probes/abstraction/sites.ts';
import { modelTask } from '../../../probes/probeSet.ts';
import { parseComponent } from '../../../src/model/components.ts';
import { programVariable } from '../../../src/rasp/counterfactual.ts';
import { cli } from '../../cli/harness.ts';
import { fastBackend, fixture, FIXTURES, library } from '../../hypotheses/support.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(fastBackend);

const SORT_SIIT = join(FIXTURES, 'models/sort.siit.safetensors');

describe('the SIIT-trained sort', () => {
  it('plays each aligned variable at its components: IIA ≥ 95% at every position, ≥ 90% at the longest inputs', async () => {
    const data = fixture(SORT_SIIT);
    const alignment = (data.training?.siit as { alignment: Record<string, string[]> }).alignment;
    expect(alignment).toEqual({ key: ['mlp0'], target_pos: ['1.0', 'mlp1'], sort: ['2.0'] });
    const model = loaded(data);
    const program = library('sort');
    for (const [variable, comps] of Object.entries(alignment)) {
      const site = componentSite(
        data.config,
        comps.map((c) => parseComponent(c, data.config)),
      );
      const pairs = interchangePairs(program, programVariable(program, variable), modelTask(model), 200, 5);
      const r = await interchangeAccuracy(model, pairs, site);
      expect(r.iia, variable).toBeGreaterThanOrEqual(0.95);
      expect(r.byLength.at(-1)!.iia, `${variable} at length 4`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('leaves exact match unchanged (< 1%) when a non-circuit node is ablated, and ACDC finds the circuit (node AUC ≥ 0.95)', async () => {
    const sweep = await cli('ablate', SORT_SIIT, '--sweep', '--all-modes', '--json');
    expect(sweep.code, sweep.err).toBe(0);
    const s = JSON.parse(sweep.out) as { baseline: { exactMatch: number }; components: { component: string; mode: string; exactMatch: number }[] };
    expect(s.baseline.exactMatch).toBeGreaterThanOrEqual(0.99);
    const inert = s.components.filter((c) => c.component === '0.0' || c.component === 'mlp2');
    expect(inert).toHaveLength(6);
    for (const c of inert) expect(Math.abs(c.exactMatch - s.baseline.exactMatch), `${c.component} ${c.mode}`).toBeLessThan(0.01);
    // The circuit's own nodes matter: ablating the key MLP breaks the sort.
    expect(s.components.find((c) => c.component === 'mlp0' && c.mode === 'resample')!.exactMatch).toBeLessThan(0.5);
    const acdc = await cli('discover', SORT_SIIT, '--method', 'acdc', '--json');
    expect(acdc.code, acdc.err).toBe(0);
    const [d] = (JSON.parse(acdc.out) as { results: { against: { nodes: { rocAuc: number } } }[] }).results;
    expect(d.against.nodes.rocAuc).toBeGreaterThanOrEqual(0.95);
  });
});
