/**
 * Small hand-made report data (no model is run): a compiled model with heads 0.0 and 1.0 and a
 * learned one with two heads in each of two layers, on inputs of length 3, so tests know exactly
 * how many cells, bars and lines each figure must draw.
 */
import { parseComponent } from '../../src/model/components.ts';
import type { CircuitPanel, ModelSection, ReportData, TrainingCurve } from '../../cli/report/data.ts';

/** A row-stochastic pattern over n positions that puts `w` on key `k(q)` and the rest on BOS. */
function pattern(n: number, k: (q: number) => number, w: number): number[][] {
  return Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, j) => (j === k(q) ? w : 0) + (j === 0 ? 1 - w : 0)));
}

export const INPUT = ['a', 'b', 'c'];
const N = INPUT.length + 1;
const flip = (q: number) => (q === 0 ? 0 : N - q);

/**
 * reverse's circuit: every sender and the logits; the compiled model's marked true, with one edge
 * the method scores that is not (`embed->0.0:q`) and one true edge it scores 0 (`pos_embed->1.0:k`).
 */
export function sampleCircuit(known: boolean): CircuitPanel {
  const t = (x: boolean) => (known ? { inTrue: x } : {});
  const node = (name: string, layer: number, inCircuit: boolean, inTrue: boolean) => ({ name, layer, inCircuit, ...t(inTrue) });
  const edge = (edge: string, score: number, inCircuit: boolean, inTrue: boolean) => {
    const [sender, rest] = edge.split('->');
    return { edge, sender, receiver: rest.split(':')[0], score, inCircuit, ...t(inTrue) };
  };
  return {
    method: 'eap-ig',
    kept: 4,
    nodes: [
      node('embed', -1, true, true),
      node('pos_embed', -1, true, true),
      node('0.0', 0, true, true),
      node('mlp0', 0, true, true),
      node('1.0', 1, true, true),
      node('logits', 2, true, true),
    ],
    edges: [
      edge('embed->0.0:q', 0.01, false, false),
      edge('embed->0.0:k', 0, false, false),
      edge('pos_embed->mlp0:in', 0.2, true, true),
      edge('0.0->mlp0:in', 0.3, true, true),
      edge('mlp0->1.0:q', 0.4, true, true),
      edge('pos_embed->1.0:k', 0, false, true),
      edge('1.0->logits', 0.9, true, true),
    ],
  };
}

function section(origin: 'compiled' | 'learned', heads: { layer: number; head: number }[], training: TrainingCurve | null): ModelSection {
  const components = [...heads.map((h) => `${h.layer}.${h.head}`), 'attn0', 'mlp0', 'L0', 'attn1', 'L1'];
  const score = (i: number) => ({ exactMatch: (i % 5) / 5, tokenAccuracy: 0.5, loss: 1, perPosition: [0.5, Number.NaN] });
  return {
    name: origin,
    file: `rev.${origin}.safetensors`,
    origin,
    layers: 2,
    headsPerLayer: origin === 'compiled' ? [1, 1] : [2, 2],
    dModel: origin === 'compiled' ? 20 : 16,
    dMlp: origin === 'compiled' ? [30, 0] : [32, 32],
    nCtx: origin === 'compiled' ? 4 : 5,
    params: 1234,
    lengths: [1, 3],
    exactMatch: origin === 'compiled' ? 1 : 0.95,
    headLabels: origin === 'compiled' ? { '0.0': 'length', '1.0': 'aggregate(flip, tokens)' } : {},
    attention: [{ input: INPUT, heads: heads.map((h) => ({ ...h, pattern: pattern(N, h.layer === 1 ? flip : () => 0, 0.9) })) }],
    ablation: {
      baseline: { exactMatch: origin === 'compiled' ? 1 : 0.95, tokenAccuracy: 1, loss: 0, perPosition: [1, 1, 1] },
      components: ['zero', 'mean'].flatMap((mode) =>
        components.map((name, i) => ({ component: [parseComponent(name)], mode: mode as 'zero' | 'mean', ...score(i) })),
      ),
    },
    pruning: (['global', 'per-matrix', 'heads', 'neurons'] as const).map((method) => ({
      method,
      points: [0, 0.5, 0.9].map((sparsity) => ({ sparsity, zeros: sparsity, exactMatch: 1 - sparsity, tokenAccuracy: 1 - sparsity / 2, loss: sparsity })),
    })),
    probes: [
      { variable: 'tokens', accuracy: [1, 1, 1], firstDecodable: 0 },
      { variable: 'opp_index', accuracy: [0.3, origin === 'compiled' ? 1 : 0.7, 1], firstDecodable: origin === 'compiled' ? 1 : 2 },
      { variable: 'reverse', accuracy: [0.3, 0.4, 1], firstDecodable: 2 },
    ],
    neurons: [{ layer: 0, dMlp: 30, dead: 3, meanFractionActive: 0.4 }],
    beyond: origin === 'learned' ? [{ length: 4, inputs: 20, exactMatch: 0.25 }] : [],
    training,
    circuit: sampleCircuit(origin === 'compiled'),
  };
}

export const TRAINING: TrainingCurve = {
  source: 'rev.learned.train.jsonl',
  steps: [10, 20, 30, 40].map((step) => ({ step, loss: 2 / step, trainAcc: step / 40 })),
  evals: [
    { step: 0, testAcc: 0 },
    { step: 20, testAcc: 0.5 },
    { step: 40, testAcc: 1 },
  ],
};

export const COMPILED_HEADS = [
  { layer: 0, head: 0 },
  { layer: 1, head: 0 },
];
export const LEARNED_HEADS = [
  { layer: 0, head: 0 },
  { layer: 0, head: 1 },
  { layer: 1, head: 0 },
  { layer: 1, head: 1 },
];

export function sampleReport(): ReportData {
  return {
    program: 'reverse',
    settings: { samples: 50, seed: 0, backend: 'cpu', inputs: 39, exhaustive: true, lengths: [1, 3], vocab: ['a', 'b', 'c'], note: null, tolerance: null },
    models: [section('compiled', COMPILED_HEADS, null), section('learned', LEARNED_HEADS, TRAINING)],
    comparison: {
      outputs: {
        inRange: { minLen: 1, maxLen: 3, inputs: 39, agreement: 0.95, aExact: 1, bExact: 0.95 },
        outOfRange: null,
      },
      matches: [
        { head: { layer: 0, head: 0 }, expr: 'length', best: { layer: 0, head: 1 }, similarity: 0.97, matched: true },
        { head: { layer: 1, head: 0 }, expr: 'aggregate(flip, tokens)', best: { layer: 1, head: 1 }, similarity: 0.93, matched: true },
      ],
    },
  };
}

/** The same data with only the learned model, as `rasplab report learned.safetensors` gives it. */
export function sampleSingleReport(): ReportData {
  const d = sampleReport();
  return { ...d, models: [d.models[1]], comparison: null };
}
