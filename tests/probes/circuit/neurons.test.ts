/**
 * Circuit discovery with each MLP neuron a node (circuitGraph's `neurons`): the neuron graph
 * patches and scores what the MLP graph does, split by neuron; on compiled programs with a decoy
 * neuron in every MLP, the neuron-level true circuit leaves the decoys out and every method ranks
 * it first.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeProbeSet } from '../../../probes/batches.ts';
import { discover } from '../../../probes/circuit/discover.ts';
import { EdgeRunner } from '../../../probes/circuit/edgeRun.ts';
import { eapIg } from '../../../probes/circuit/methods.ts';
import { labelledSet, makeProbeSet, modelTask } from '../../../probes/probeSet.ts';
import { circuitGraph, edgeName, nodeName, type CircuitGraph } from '../../../src/model/circuitGraph.ts';
import { trueCircuit } from '../../../src/model/trueCircuit.ts';
import type { Value } from '../../../src/rasp/values.ts';
import { compiledLibrary, fastBackend } from '../../hypotheses/support.ts';
import { withDecoys } from '../../support/decoys.ts';
import { loaded } from '../../support/loaded.ts';
import { randomModel, tinyConfig } from '../../support/tinyModels.ts';

beforeAll(async () => {
  await fastBackend();
});

// LayerNorm, GELU, a layer without an MLP: what the neuron split must get right on a learned-style model.
const data = randomModel(tinyConfig(), 5);
const mlpGraph = circuitGraph(data.config);
const neuronGraph = circuitGraph(data.config, { neurons: true });
const cleanInputs: Value[][] = [['a', 'b', 'c'], ['c', 'c'], ['b', 'a', 'a', 'b'], ['a']];
const corruptInputs: Value[][] = [['a', 'c', 'c'], ['b', 'c'], ['b', 'a', 'c', 'b'], ['b']];
const labels = cleanInputs.map((x) => x.map((_, i) => (['a', 'b', 'c'] as Value[])[i % 3]));

function runner(g: CircuitGraph): EdgeRunner {
  const m = loaded(data);
  const clean = encodeProbeSet(m.config, labelledSet(cleanInputs, labels), { nPos: 5 });
  const corrupt = encodeProbeSet(m.config, labelledSet(corruptInputs, labels), { nPos: 5 });
  return new EdgeRunner(m, g, clean, { kind: 'paired', batches: corrupt }, 'loss');
}

/** A neuron-graph edge's name with its neurons written as their MLP: the MLP-graph edge it is a part of. */
const asMlp = (edge: string) => edge.replace(/(mlp\d+)\.n\d+/g, '$1');

describe('the graph with neurons', () => {
  it('splits each MLP into its neurons, as senders and as receivers', () => {
    const names = neuronGraph.nodes.map(nodeName);
    expect(names).toContain('mlp0.n4');
    expect(names).toContain('mlp2.n5');
    expect(names.filter((n) => n.startsWith('mlp'))).toHaveLength(5 + 6);
    expect(neuronGraph.edges.map((e) => edgeName(neuronGraph, e))).toContain('mlp0.n3->mlp2.n1:in');
    expect(new Set(neuronGraph.edges.map((e) => asMlp(edgeName(neuronGraph, e))))).toEqual(new Set(mlpGraph.edges.map((e) => edgeName(mlpGraph, e))));
  });

  it('patching every neuron edge that makes up an MLP edge is patching that MLP edge', async () => {
    const a = runner(mlpGraph);
    const b = runner(neuronGraph);
    try {
      for (const picked of ['embed->mlp0:in', 'mlp0->1.0:v', 'mlp0->mlp2:in', 'mlp2->logits']) {
        const wa = Float32Array.from(mlpGraph.edges, (e) => (edgeName(mlpGraph, e) === picked ? 1 : 0));
        const wb = Float32Array.from(neuronGraph.edges, (e) => (asMlp(edgeName(neuronGraph, e)) === picked ? 1 : 0));
        const [ma, mb] = [await a.metricOf(wa), await b.metricOf(wb)];
        expect(ma, picked).not.toBeCloseTo(await a.metricOf(new Float32Array(wa.length)), 3);
        expect(mb, picked).toBeCloseTo(ma, 4);
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("EAP's neuron edge scores add up to its MLP edge scores", async () => {
    const a = runner(mlpGraph);
    const b = runner(neuronGraph);
    try {
      const sa = (await eapIg(a, 1, 0, 'inputs', 'gradient')).scores;
      const sb = (await eapIg(b, 1, 0, 'inputs', 'gradient')).scores;
      const sums = new Map<string, number>();
      neuronGraph.edges.forEach((e, i) => {
        const k = asMlp(edgeName(neuronGraph, e));
        sums.set(k, (sums.get(k) ?? 0) + sb[i]);
      });
      mlpGraph.edges.forEach((e, i) => expect(sums.get(edgeName(mlpGraph, e)), edgeName(mlpGraph, e)).toBeCloseTo(sa[i], 4));
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('neurons as nodes on compiled programs with decoys', () => {
  for (const name of ['hist', 'length']) {
    const { program, model: base } = compiledLibrary(name, { maxLen: 4 });
    const model = withDecoys(base);
    const decoys = base.config.layers.flatMap((L, l) => (L.dMlp > 0 ? [`mlp${l}.n${L.dMlp}`] : []));

    it(`${name}: the neuron-level true circuit is the labels' split by neuron, without the decoy neurons`, () => {
      const g = circuitGraph(model.config, { neurons: true });
      const t = trueCircuit(model, g);
      for (const d of decoys) expect(t.nodes).not.toContain(d);
      expect(t.nodes.some((n) => /^mlp\d+\.n\d+$/.test(n))).toBe(true);
      const mlpLevel = new Set(model.labels.circuit!.edges.map((e) => e.edge));
      for (const e of t.edges) expect(mlpLevel.has(asMlp(e.edge)), e.edge).toBe(true);
    });

    it(`${name}: ACDC, EAP and EAP-IG rank every neuron of the circuit above the decoys (node ROC AUC 1)`, async () => {
      const task = modelTask(model);
      const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });
      const found = await discover({ model: loaded(model), program, set, task }, ['acdc', 'eap', 'eap-ig'], { neurons: true, faithfulnessPoints: 0 });
      for (const d of found) {
        expect(d.nodes.some((n) => n.node === decoys[0])).toBe(true);
        expect(d.against!.nodes.rocAuc, d.method).toBe(1);
        for (const n of d.nodes.filter((x) => decoys.includes(x.node))) expect(n, d.method).toMatchObject({ score: 0, inCircuit: false, inTrue: false });
      }
    });
  }
});

describe('neurons a corruption leaves as they were', () => {
  // length's read-out neuron mlp0.n0 fires for a width of at least one: at every position but BOS of every input, with the same value.
  const { program, model: base } = compiledLibrary('length', { maxLen: 4 });
  const model = withDecoys(base);
  const task = modelTask(model);
  const set = makeProbeSet(program, { ...task, n: 32, seed: 0 });

  it('are out of the neuron-level true circuit: resampling hands mlp0.n0 back what it had, the mean does not', async () => {
    const [eap, acdc] = await discover({ model: loaded(model), program, set, task }, ['eap', 'acdc'], { neurons: true, faithfulnessPoints: 0 });
    expect(eap.corruption).toBe('resample');
    expect(eap.nodes.find((n) => n.node === 'mlp0.n0')).toMatchObject({ score: 0, inTrue: false });
    expect(acdc.corruption).toBe('mean');
    expect(acdc.nodes.find((n) => n.node === 'mlp0.n0')).toMatchObject({ inTrue: true });
    expect(trueCircuit(model, circuitGraph(model.config, { neurons: true })).nodes).toContain('mlp0.n0');
  });
});
