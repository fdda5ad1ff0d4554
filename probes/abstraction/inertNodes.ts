/**
 * What SIIT's strict term keeps causally inert (probes/abstraction/siit.ts trains it, and scores
 * it here): the heads and MLPs no variable is aligned with, each patched from a source run, and
 * the input embeddings the aligned circuit leaves out, each replaced by the source run's with its
 * positions shuffled per input (a shuffled pos_embed is the embedding of other positions, BOS's
 * row included), so that the model must not read them where the compiled model does not.
 */
import * as tf from '@tensorflow/tfjs';
import '../../src/model/quietTf.ts';
import { allComponents, formatComponent, sameComponent, type ComponentRef } from '../../src/model/components.ts';
import type { HookName } from '../../src/model/hooks.ts';
import type { Batch } from '../../src/model/batch.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { decodeOutputs, NUMERIC_TOLERANCE, outputsMatch } from '../../src/model/scoring.ts';
import type { CircuitLabel, ModelConfig } from '../../src/model/types.ts';
import { makeRng } from '../../src/rasp/random.ts';
import { shuffled } from '../../src/train/dataset.ts';
import type { AlignmentMap } from './alignmentMap.ts';
import { interchangeHooks, pairBatches, type PairBatch } from './interchange.ts';
import type { InterchangePairs } from './pairs.ts';
import { componentSite, siteHooks, type InterchangeSite } from './sites.ts';

/** The heads and MLPs no variable is aligned with. */
export function nonCircuitNodes(config: ModelConfig, alignment: AlignmentMap): ComponentRef[] {
  const inCircuit = [...alignment.values()].flat();
  return allComponents(config, { layers: false }).filter((c) => (c.kind === 'head' || c.kind === 'mlp') && !inCircuit.some((a) => sameComponent(a, c)));
}

export type EmbeddingNode = 'embed' | 'pos_embed';
const EMBEDDING_HOOK: Record<EmbeddingNode, HookName> = { embed: 'hook_embed', pos_embed: 'hook_pos_embed' };

/** The input embeddings a circuit leaves out (the strict term keeps the model from reading them). */
export function omittedEmbeddings(circuit: CircuitLabel): EmbeddingNode[] {
  return (['embed', 'pos_embed'] as const).filter((e) => !circuit.nodes.includes(e));
}

/** What the strict term patches: a non-circuit head or MLP from the source run, or an omitted embedding from it with its positions shuffled. */
export interface InertNode {
  readonly name: string;
  readonly site: InterchangeSite & { kind: 'activation' };
  readonly shuffle: boolean;
}

export const inertNodes = (config: ModelConfig, alignment: AlignmentMap): InertNode[] =>
  nonCircuitNodes(config, alignment).map((c) => ({ name: formatComponent(c), site: componentSite(config, [c]), shuffle: false }));

/** The strict term's embedding sites: those the circuit leaves out, shuffled along positions. */
export const shuffledEmbeddings = (circuit: CircuitLabel): InertNode[] =>
  omittedEmbeddings(circuit).map((e) => ({ name: e, site: { kind: 'activation', name: e, sites: [{ hook: EMBEDDING_HOOK[e] }] }, shuffle: true }));

/** One seeded shuffle of the positions [0, nPos) per row. */
function positionShuffles(rows: number, nPos: number, seed: number): number[][] {
  const rng = makeRng(seed);
  const order = Array.from({ length: nPos }, (_, i) => i);
  return Array.from({ length: rows }, () => shuffled(order, rng));
}

/** `x` ([batch, pos, d]) with row r's positions in the order `orders[r]` (a one-hot matmul, so the gradient flows on every backend). */
function shuffledPositions(x: tf.Tensor, orders: readonly number[][]): tf.Tensor {
  const [B, P] = x.shape;
  const onehot = new Float32Array(B * P * P);
  orders.forEach((o, r) => o.forEach((from, to) => (onehot[(r * P + to) * P + from] = 1)));
  return tf.matMul(tf.tensor3d(onehot, [B, P, P]), x as tf.Tensor3D);
}

/** A source run's activations with each row's positions shuffled, one seeded order per row shared by every hook. */
export function shuffledCache(cache: ReadonlyMap<HookName, tf.Tensor>, source: Batch, seed: number): Map<HookName, tf.Tensor> {
  const orders = positionShuffles(source.lengths.length, source.nPos, seed);
  return new Map([...cache].map(([h, t]) => [h, shuffledPositions(t, orders)]));
}

/** A shuffled embedding replaces every position, whatever positions the pairs name. */
export const inertBatch = (b: PairBatch, n: InertNode): PairBatch => (n.shuffle ? { ...b, positions: b.positions.map(() => null) } : b);

/** The fraction of pairs whose output stays the base's when the embedding holds the source run's, positions shuffled. */
export async function shuffledUnchanged(m: LoadedModel, pairs: InterchangePairs, x: InertNode, seed: number): Promise<number> {
  let same = 0;
  for (const b of pairBatches(m, pairs)) {
    const src = m.runWithCache(b.source, { names: siteHooks(x.site) });
    let logits: tf.Tensor;
    try {
      logits = tf.tidy(() => m.run(b.base, { hooks: interchangeHooks(x.site, shuffledCache(src.cache, b.source, seed + b.from), inertBatch(b, x)) }));
    } finally {
      src.dispose();
    }
    const got = decodeOutputs(m.config, await logits.data(), b.base.nPos, b.base.lengths);
    logits.dispose();
    got.forEach((y, r) => void (outputsMatch(m.config.output, pairs.baseOutput[b.from + r], y, NUMERIC_TOLERANCE) && same++));
  }
  return pairs.base.length ? same / pairs.base.length : Number.NaN;
}
