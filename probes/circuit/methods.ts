/**
 * Circuit discovery methods, each a score per edge of the computational graph (higher: more
 * likely in the circuit) and the circuit it keeps at its threshold.
 *
 * ACDC (Conmy et al. 2023): from the full graph, receivers in reverse topological order (logits
 * first), each incoming edge in turn is patched; if the metric rises by at most τ the edge stays
 * out (at τ = 0: every edge that changes nothing leaves). A receiver nothing reads any more loses its inputs without a pass. An edge's score is the
 * rise it caused when it was tried. Cost: one forward pass per edge tried.
 *
 * EAP (Syed et al. 2023): the metric's change from patching edge s → r, to first order:
 * (corrupt_s − clean_s) · ∂metric/∂x_r at the clean run: one forward and one backward pass for
 * every edge at once. EAP-IG (Hanna et al. 2024): the gradient averaged over `steps` runs whose
 * input embeddings are interpolated from the corrupted ones to the clean ones (α = 1/k … 1), which
 * sees effects that a saturated softmax or a ReLU hides at the clean point; along the `edges`
 * path, every edge's sender output is interpolated alike (each node's input moves from corrupt to
 * clean, not only the embeddings'). EAP is EAP-IG with one step; the threshold keeps edges whose
 * |score| is at least τ × the largest.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { nodeName, type CircuitGraph } from '../../src/model/circuitGraph.ts';
import { edgeOffsets, type Backward, type EdgeRunner } from './edgeRun.ts';

export const DISCOVERY_METHODS = ['acdc', 'eap', 'eap-ig'] as const;
export type DiscoveryMethod = (typeof DISCOVERY_METHODS)[number];

/** What EAP-IG interpolates between corrupt and clean: the input embeddings (Hanna et al.) or every edge. */
export const IG_PATHS = ['inputs', 'edges'] as const;
export type IgPath = (typeof IG_PATHS)[number];

export interface EdgeScores {
  /** Per edge of graph.edges: the method's score (ACDC: the metric's rise; EAP: the first-order change, signed). */
  readonly scores: Float64Array;
  /** Per edge: whether the method's circuit at its threshold keeps it. */
  readonly kept: boolean[];
  /** Forward passes run (a backward pass counted as one more). */
  readonly passes: number;
}

/** Per sender, the edges it sends (indices into graph.edges). */
function outgoing(g: CircuitGraph): number[][] {
  const out: number[][] = g.senders.map(() => []);
  g.edges.forEach((e, i) => out[e.sender].push(i));
  return out;
}

/** The sender index of each receiver's node (-1 for the logits). */
function receiverSender(g: CircuitGraph): number[] {
  const names = g.senders.map(nodeName);
  return g.receivers.map((r) => names.indexOf(nodeName(r.node)));
}

/**
 * Drops kept edges into receivers whose node no kept path leads from to the logits: what a
 * thresholded set of edges computes is only what reaches the output.
 */
export function connected(g: CircuitGraph, kept: readonly boolean[]): boolean[] {
  const out = [...kept];
  const offsets = edgeOffsets(g);
  const fromNode = receiverSender(g);
  const outs = outgoing(g);
  for (let r = g.receivers.length - 1; r >= 0; r--) {
    const s = fromNode[r];
    if (s < 0) continue;
    if (outs[s].some((e) => out[e])) continue;
    for (let k = 0; k < g.receivers[r].senders; k++) out[offsets[r] + k] = false;
  }
  return out;
}

/** One greedy pass at threshold τ: the edges it keeps, each edge's rise when it was tried, and the passes it ran. */
async function acdcPass(runner: EdgeRunner, tau: number): Promise<EdgeScores> {
  const g = runner.graph;
  const E = g.edges.length;
  const w = new Float32Array(E);
  const scores = new Float64Array(E);
  const offsets = edgeOffsets(g);
  const fromNode = receiverSender(g);
  const outs = outgoing(g);
  let current = await runner.metricOf(w);
  let passes = 1;
  for (let r = g.receivers.length - 1; r >= 0; r--) {
    const s0 = fromNode[r];
    const first = offsets[r];
    const n = g.receivers[r].senders;
    if (s0 >= 0 && !outs[s0].some((e) => w[e] === 0)) {
      for (let k = 0; k < n; k++) w[first + k] = 1;
      continue;
    }
    for (let k = n - 1; k >= 0; k--) {
      const e = first + k;
      w[e] = 1;
      const m = await runner.metricOf(w);
      passes++;
      scores[e] = m - current;
      if (m - current <= tau) current = m;
      else w[e] = 0;
    }
  }
  return { scores, kept: Array.from(w, (x) => x === 0), passes };
}

/**
 * ACDC at threshold τ. Its scores come from a pass at τ = 0, where every edge is tried with all
 * the circuit that matters still in place; at a larger τ an edge upstream of one that left is
 * never tried, so that pass's rises could not rank it.
 */
export async function acdc(runner: EdgeRunner, tau: number): Promise<EdgeScores> {
  const scored = await acdcPass(runner, 0);
  if (tau === 0) return scored;
  const circuit = await acdcPass(runner, tau);
  return { scores: scored.scores, kept: circuit.kept, passes: scored.passes + circuit.passes };
}

/** EAP-IG with `steps` interpolation steps (1: plain EAP); keeps edges scoring at least τ × the top |score|. */
export async function eapIg(runner: EdgeRunner, steps: number, tau: number, path: IgPath = 'inputs', backward: Backward = 'secant'): Promise<EdgeScores> {
  const g = runner.graph;
  const E = g.edges.length;
  const scores = new Float64Array(E);
  const offsets = edgeOffsets(g);
  // The embeddings are senders 0 and 1.
  const interpolated = g.edges.map((e) => path === 'edges' || e.sender < 2);
  let passes = 0;
  for (let b = 0; b < runner.data.batches.length; b++) {
    const sums = runner.groups.map(() => null as tf.Tensor | null);
    for (let k = 1; k <= steps; k++) {
      const alpha = k / steps;
      const w = Float32Array.from(interpolated, (moves) => (moves ? 1 - alpha : 0));
      const grads = runner.inputGradients(b, w, backward);
      passes += 2;
      grads.forEach((gr, gi) => {
        const prev = sums[gi];
        sums[gi] = prev ? tf.add(prev, gr) : gr;
        if (prev) {
          prev.dispose();
          gr.dispose();
        }
      });
    }
    const diff = runner.cleanToCorrupt(b);
    for (let gi = 0; gi < runner.groups.length; gi++) {
      const grp = runner.groups[gi];
      const G = sums[gi]!;
      const R = grp.receivers.length;
      const S = grp.senders;
      // [S, B·P·D] · [B·P·D, R] → [S, R]: every edge of the group at once.
      const t = tf.tidy(() => tf.matMul(tf.slice(diff, [0, 0], [S, -1]), tf.reshape(G, [R, -1]), false, true));
      const vals = await t.data();
      t.dispose();
      G.dispose();
      grp.receivers.forEach((r, i) => {
        for (let s = 0; s < S; s++) scores[offsets[r] + s] += vals[s * R + i] / steps;
      });
    }
    diff.dispose();
  }
  const top = scores.reduce((mx, x) => Math.max(mx, Math.abs(x)), 0);
  const kept = Array.from(scores, (x) => Math.abs(x) > 0 && Math.abs(x) >= tau * top);
  return { scores, kept: connected(g, kept), passes };
}
