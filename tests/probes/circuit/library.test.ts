/**
 * Circuit discovery scored where the answer is known: every library program compiled small, with
 * a decoy head in every layer and a decoy neuron in every MLP (tests/support/decoys.ts), against the
 * circuit its weights imply, under each method's default corruption (mean for ACDC, resample for
 * EAP and EAP-IG). ACDC finds it exactly; EAP and EAP-IG rank it first; no method picks a decoy.
 * Under `mean`, the gradient methods miss the selector-width read-outs of count_less_freq,
 * double_hist and most_frequent (probes/circuit/discover.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../../probes/circuit/discover.ts';
import { makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { decoyNodes, withDecoys } from '../../support/decoys.ts';
import { libraryNames } from '../../support/libraryExamples.ts';
import { loaded } from '../../support/loaded.ts';
import { compiledLibrary, fastBackend } from '../../hypotheses/support.ts';

beforeAll(async () => {
  await fastBackend();
});

const programs = libraryNames();

describe('circuit discovery on every compiled library program, decoys added', () => {
  it('covers the whole library', () => expect(programs).toHaveLength(22));

  /** ACDC (τ = 0) on the compiled program with decoys added, and the model without them. */
  async function acdcOn(name: string) {
    const { program, model: base } = compiledLibrary(name, { maxLen: 4 });
    const model = loaded(withDecoys(base));
    const task = modelTask(model);
    const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
    const [d] = await discover({ model, program, set, task }, ['acdc'], { threshold: 0, faithfulnessPoints: 0 });
    expect(d.corruption).toBe('mean');
    return { d, base };
  }

  /** EAP and EAP-IG (secant backward, the default) on the same models: every true edge scored above every false one. */
  async function gradientOn(name: string, method: 'eap' | 'eap-ig') {
    const { program, model: base } = compiledLibrary(name, { maxLen: 4 });
    const model = loaded(withDecoys(base));
    const task = modelTask(model);
    const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
    const [d] = await discover({ model, program, set, task }, [method], { threshold: 0, faithfulnessPoints: 0, steps: 3 });
    expect(d.corruption).toBe('resample');
    return { d, base };
  }
  /**
   * Known to fail (`it.fails` keeps it in view): long_addition's carry chain (head 3.0, mlp3 and
   * their edges) matters at one query of one input in these 32 (9 + 8), and resample makes one draw
   * per position, so whether an edge of the chain is seen depends on that draw: node AUC 0.923 here,
   * node AUC 1 and edge AUC 0.963–1 on other seeds. ACDC, on the mean, finds it exactly.
   */
  const GRADIENT_FAILING = new Set(['long_addition']);
  async function meetsTheBar(name: string, method: 'eap' | 'eap-ig') {
    const { d, base } = await gradientOn(name, method);
    expect(d.backward).toBe('secant');
    if (!Number.isNaN(d.against!.nodes.rocAuc)) expect(d.against!.nodes.rocAuc).toBe(1);
    expect(d.against!.edges.rocAuc).toBeGreaterThanOrEqual(0.99);
    for (const n of d.nodes.filter((x) => decoyNodes(base).includes(x.node))) expect(n.score).toBe(0);
  }
  for (const method of ['eap', 'eap-ig'] as const) {
    it.each(programs.filter((p) => !GRADIENT_FAILING.has(p)))(`%s: ${method} ranks the true circuit first (node AUC 1, edge AUC ≥ 0.99), no decoy`, (name) =>
      meetsTheBar(name, method),
    );
    it.fails.each(programs.filter((p) => GRADIENT_FAILING.has(p)))(
      `%s: ${method} ranks the true circuit first (known to fail: one draw per position)`,
      (name) => meetsTheBar(name, method),
    );
  }

  it('under the mean corruption EAP misses a selector-width read-out (count_less_freq): the mean width crosses no step that matters', async () => {
    const { program, model: base } = compiledLibrary('count_less_freq', { maxLen: 4 });
    const model = loaded(withDecoys(base));
    const task = modelTask(model);
    const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
    const [d] = await discover({ model, program, set, task }, ['eap'], { threshold: 0, faithfulnessPoints: 0, corruption: 'mean' });
    expect(d.corruption).toBe('mean');
    expect(d.edges.find((e) => e.edge === '0.0->mlp0:in')!.score).toBe(0);
    expect(d.against!.edges.rocAuc).toBeLessThan(0.99);
  });

  it('the plain gradient (--backward gradient) misses what saturated attention reads: reverse with EAP', async () => {
    const { program, model: base } = compiledLibrary('reverse', { maxLen: 4 });
    const model = loaded(withDecoys(base));
    const task = modelTask(model);
    const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
    const [d] = await discover({ model, program, set, task }, ['eap'], { threshold: 0, faithfulnessPoints: 0, backward: 'gradient' });
    expect(d.against!.edges.rocAuc).toBeLessThan(0.99);
  });

  it.each(programs)('%s: ACDC finds the true circuit (node AUC 1, edge AUC ≥ 0.99) and no decoy', async (name) => {
    const { d, base } = await acdcOn(name);
    expect(d.against!.nodes.rocAuc).toBe(1);
    expect(d.against!.edges.rocAuc).toBeGreaterThanOrEqual(0.99);
    const decoys = decoyNodes(base);
    expect(decoys.length).toBeGreaterThan(0);
    for (const n of d.nodes.filter((x) => decoys.includes(x.node))) {
      expect(n.score).toBe(0);
      expect(n.inCircuit).toBe(false);
    }
    expect(d.exactMatch.circuit).toBe(d.exactMatch.full);
  });
});
