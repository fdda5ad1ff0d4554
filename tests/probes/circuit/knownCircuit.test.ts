/**
 * Which circuit a model is known to implement: a compiled model's own, a SIIT model's from its
 * alignment, and none for a model fine-tuned from a compiled one, whose labels (circuit included)
 * describe the model it started from, not what fine-tuning made of it.
 */
import { describe, expect, it } from 'vitest';
import { knownCircuit } from '../../../probes/circuit/discover.ts';
import { circuitGraph } from '../../../src/model/circuitGraph.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { inheritedLabels } from '../../../src/train/setup.ts';
import { compiledLibrary } from '../../hypotheses/support.ts';

const file = 'reverse.compiled.safetensors';
const compiled = compiledLibrary('reverse', { maxLen: 3 }).model;

/** The compiled model as `train --init-from` leaves it: a learned config, the labels inherited. */
function fineTuned(): ModelData {
  return {
    ...compiled,
    config: { ...compiled.config, origin: 'learned' },
    labels: inheritedLabels({ file, model: compiled } as Parameters<typeof inheritedLabels>[0]),
  };
}

describe('knownCircuit', () => {
  it("is a compiled model's own labelled circuit", () => {
    expect(compiled.labels.circuit).toBeDefined();
    expect(knownCircuit(compiled)).toEqual(compiled.labels.circuit);
  });

  it('is none for a model fine-tuned from a compiled one, at the grain of components as at that of neurons', () => {
    const m = fineTuned();
    expect(m.labels.circuit).toEqual(compiled.labels.circuit);
    expect(knownCircuit(m)).toBeNull();
    expect(knownCircuit(m, circuitGraph(m.config, { neurons: true }))).toBeNull();
  });

  it("is a learned model's own circuit where its labels give one (SIIT's alignment)", () => {
    const circuit = { nodes: compiled.labels.circuit!.nodes.slice(0, 2), edges: [] };
    const siit: ModelData = { ...compiled, config: { ...compiled.config, origin: 'learned' }, labels: { ...compiled.labels, circuit } };
    expect(knownCircuit(siit)).toEqual(circuit);
  });
});
