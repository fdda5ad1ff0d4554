/**
 * Circuit discovery scored where the answer is known: every library program compiled small, with
 * a decoy head in every layer and a decoy neuron in every MLP (tests/support/decoys.ts), against the
 * circuit its weights imply. ACDC finds it exactly; no method picks a decoy.
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
  it('covers the whole library', () => expect(programs).toHaveLength(21));

  /**
   * Known to fail since aggregates that select nothing give their default (issue 18): the true
   * circuit of last_occurrence now counts a node whose part (the default's direction) these
   * inputs never exercise, and ACDC's node AUC is 0.917. `it.fails` keeps it in view: it turns
   * red once the true circuit and discovery agree again.
   */
  const KNOWN_FAILING = new Set(['last_occurrence']);
  const cases = (ok: boolean) => programs.filter((p) => KNOWN_FAILING.has(p) !== ok);
  /** ACDC (τ = 0) on the compiled program with decoys added, and the model without them. */
  async function acdcOn(name: string) {
    const { program, model: base } = compiledLibrary(name, { maxLen: 4 });
    const model = loaded(withDecoys(base));
    const task = modelTask(model);
    const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
    const [d] = await discover({ model, program, set, task }, ['acdc'], { threshold: 0, faithfulnessPoints: 0 });
    return { d, base };
  }

  it.fails.each(cases(false))('%s: ACDC finds the true circuit (known to fail: issue 18 × 12)', async (name) => {
    const { d } = await acdcOn(name);
    expect(d.against!.nodes.rocAuc).toBe(1);
  });

  it.each(cases(true))('%s: ACDC finds the true circuit (node AUC 1, edge AUC ≥ 0.99) and no decoy', async (name) => {
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
