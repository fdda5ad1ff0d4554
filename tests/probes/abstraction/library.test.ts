/**
 * A compiled model is its program: interchanging any variable's labelled directions between two
 * inputs makes the model output exactly what the program outputs with that variable overridden.
 * Every variable with residual directions, of every library program (compiled small, few pairs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { interchangeAccuracy } from '../../../probes/abstraction/interchange.ts';
import { interchangePairs } from '../../../probes/abstraction/pairs.ts';
import { labelledDirections, labelledSite } from '../../../probes/abstraction/sites.ts';
import { modelTask } from '../../../probes/probeSet.ts';
import { programSOps } from '../../../src/rasp/counterfactual.ts';
import { compiledLibrary, fastBackend } from '../../hypotheses/support.ts';
import { libraryNames } from '../../support/libraryExamples.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(fastBackend);

describe('IIA of a compiled model at its own directions', () => {
  const changing = new Set<string>();
  for (const name of libraryNames())
    it(`${name}: 100% for every variable the residual stream holds`, async () => {
      const { program, model } = compiledLibrary(name);
      const held = [...programSOps(program)].filter(([v]) => labelledDirections(model, v).length > 0);
      expect(held.length).toBeGreaterThan(0);
      for (const [v, node] of held) {
        const pairs = interchangePairs(program, node, modelTask(model), 12, 1);
        const r = await interchangeAccuracy(loaded(model), pairs, labelledSite(model, v));
        expect(r.iia, `${name}: ${v} at ${r.site} (${r.changed} of ${r.pairs} pairs change the output)`).toBe(1);
        if (r.changed > 0) changing.add(name);
      }
    });

  it('is not vacuous: in every program but length (whose one variable is fixed by the length) some interchange changes the output', () => {
    expect(libraryNames().filter((n) => !changing.has(n))).toEqual(['length']);
  });
});
