import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { encodeProbeSet } from '../../../probes/batches.ts';
import { EdgeRunner } from '../../../probes/circuit/edgeRun.ts';
import { eapIg } from '../../../probes/circuit/methods.ts';
import { labelledSet } from '../../../probes/probeSet.ts';
import { circuitGraph, edgeName } from '../../../src/model/circuitGraph.ts';
import type { Value } from '../../../src/rasp/values.ts';
import { loaded } from '../../support/loaded.ts';
import { randomModel, tinyConfig } from '../../support/tinyModels.ts';

// Every feature on: LayerNorm, GELU, causal attention, a scale, a layer without heads, one without an MLP.
const data = randomModel(tinyConfig(), 3);
const graph = circuitGraph(data.config);
const cleanInputs: Value[][] = [['a', 'b', 'c'], ['c', 'c'], ['b', 'a', 'a', 'b'], ['a']];
// One token changed in each: the same lengths, so the clean run's mask is the corrupted run's.
const corruptInputs: Value[][] = [['a', 'c', 'c'], ['b', 'c'], ['b', 'a', 'c', 'b'], ['b']];
const labels = cleanInputs.map((x) => x.map((_, i) => (['a', 'b', 'c'] as Value[])[i % 3]));

function runner(metric: 'kl' | 'loss' = 'loss'): EdgeRunner {
  const m = loaded(data);
  const clean = encodeProbeSet(m.config, labelledSet(cleanInputs, labels), { nPos: 5 });
  const corrupt = encodeProbeSet(m.config, labelledSet(corruptInputs, labels), { nPos: 5 });
  return new EdgeRunner(m, graph, clean, { kind: 'paired', batches: corrupt }, metric);
}

/** Logits at the positions rows have (BOS included), as plain numbers. */
function validLogits(t: tf.Tensor, lengths: readonly number[]): number[] {
  const [B, P, O] = t.shape as [number, number, number];
  const d = t.dataSync();
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let p = 0; p < lengths[b]; p++) for (let o = 0; o < O; o++) out.push(d[(b * P + p) * O + o]);
  return out;
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  const worst = a.reduce((mx, x, i) => Math.max(mx, Math.abs(x - b[i])), 0);
  expect(worst).toBeLessThan(tol);
}

describe('edge patching', () => {
  it('with nothing patched is the model itself', () => {
    const r = runner();
    try {
      const b = r.data.batches[0];
      const got = r.logits(0, new Float32Array(graph.edges.length));
      const want = loaded(data).run(b);
      expectClose(validLogits(got, b.lengths), validLogits(want, b.lengths), 1e-5);
      tf.dispose([got, want]);
    } finally {
      r.dispose();
    }
  });

  it('with every edge patched is the corrupted run', () => {
    const r = runner();
    try {
      const b = r.data.batches[0];
      const got = r.logits(0, new Float32Array(graph.edges.length).fill(1));
      const corrupt = encodeProbeSet(data.config, labelledSet(corruptInputs, labels), { nPos: 5 }).batches[0];
      const want = loaded(data).run(corrupt);
      expectClose(validLogits(got, b.lengths), validLogits(want, b.lengths), 1e-4);
      tf.dispose([got, want]);
    } finally {
      r.dispose();
    }
  });

  it("with only the logits' edges patched, the logits read the corrupted stream and nothing else changes", () => {
    const r = runner();
    try {
      const w = Float32Array.from(graph.edges, (e) => (graph.receivers[e.receiver].input === 'logits' ? 1 : 0));
      const corrupt = encodeProbeSet(data.config, labelledSet(corruptInputs, labels), { nPos: 5 }).batches[0];
      const got = r.logits(0, w);
      const want = loaded(data).run(corrupt);
      expectClose(validLogits(got, corrupt.lengths), validLogits(want, corrupt.lengths), 1e-4);
      // one edge into one query changes the output, but less than patching the whole head's input stream
      const one = new Float32Array(graph.edges.length);
      one[graph.edges.findIndex((e) => edgeName(graph, e) === 'embed->1.0:q')] = 1;
      const q = r.logits(0, one);
      const clean = r.logits(0, new Float32Array(graph.edges.length));
      expect(validLogits(q, corrupt.lengths)).not.toEqual(validLogits(clean, corrupt.lengths));
      tf.dispose([got, want, q, clean]);
    } finally {
      r.dispose();
    }
  });

  it('EAP scores are the derivative of the metric in each edge’s patch weight', async () => {
    const r = runner('loss');
    try {
      const { scores } = await eapIg(r, 1, 0, 'inputs', 'gradient');
      const h = 1e-2;
      for (const name of ['embed->0.1:k', 'pos_embed->mlp0:in', '0.0->1.0:v', 'mlp0->mlp2:in', '1.0->logits']) {
        const e = graph.edges.findIndex((x) => edgeName(graph, x) === name);
        const at = async (x: number) => {
          const w = new Float32Array(graph.edges.length);
          w[e] = x;
          return r.metricOf(w);
        };
        const fd = ((await at(h)) - (await at(-h))) / (2 * h);
        expect(Math.abs(scores[e] - fd), `${name}: EAP ${scores[e]}, finite difference ${fd}`).toBeLessThan(2e-3 + 0.03 * Math.abs(fd));
      }
    } finally {
      r.dispose();
    }
  });

  it('frees what it computes', async () => {
    const r = runner('kl');
    try {
      await r.metricOf(new Float32Array(graph.edges.length).fill(0.5));
      await eapIg(r, 2, 0);
      const before = tf.memory().numTensors;
      await r.metricOf(new Float32Array(graph.edges.length).fill(0.5));
      await r.exactMatchOf(new Float32Array(graph.edges.length).fill(1));
      await eapIg(r, 2, 0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      r.dispose();
    }
  });
});
