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

  it('resample: every position gets what was written at another token, at another position, BOS from a BOS', () => {
    const m = loaded(data);
    const clean = encodeProbeSet(m.config, labelledSet(cleanInputs, labels), { nPos: 5 });
    const before = tf.memory().numTensors;
    const r = new EdgeRunner(m, graph, clean, { kind: 'resample', seed: 0 }, 'loss');
    try {
      const b = clean.batches[0];
      const D = m.config.dModel;
      const diff = r.cleanToCorrupt(0);
      const d = diff.arraySync();
      diff.dispose();
      const table = (name: string) => data.weights.get(name)!.data;
      const WE = table('embed.W_E');
      const WP = table('pos_embed.W_pos');
      // Which row of the table the corrupted sender output is: clean row + (corrupt − clean).
      const which = (w: ArrayLike<number>, sender: number, at: number, own: number) => {
        const v = Array.from({ length: D }, (_, k) => w[own * D + k] + d[sender][at * D + k]);
        const rows = Math.floor(w.length / D);
        return Array.from({ length: rows }, (_, j) => j).find((j) => v.every((x, k) => Math.abs(x - w[j * D + k]) < 1e-5));
      };
      let real = 0;
      b.lengths.forEach((len, row) => {
        for (let p = 0; p < len; p++) {
          const at = row * b.nPos + p;
          const token = which(WE, 0, at, b.tokens[at]);
          const position = which(WP, 1, at, p);
          if (p === 0) {
            expect([token, position]).toEqual([b.tokens[at], 0]);
            continue;
          }
          real++;
          expect(token).not.toBe(b.tokens[at]);
          expect(position).not.toBe(p);
          expect(position).toBeGreaterThanOrEqual(1);
          expect(position).toBeLessThanOrEqual(4);
        }
      });
      expect(real).toBe(10);
    } finally {
      r.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
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
