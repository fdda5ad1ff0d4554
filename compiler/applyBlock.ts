/**
 * Running a block in its own basis: the residual as named directions, before any layout or
 * assembly, so a block's behaviour can be checked (and read) on the values it was built for.
 * The same arithmetic as the assembled model's sublayers: relu MLP neurons, softmax attention
 * with a scale of 1.
 */
import { applyMat, combine, dot, type Dir, type LinComb, type SparseMat } from './linalg.ts';
import type { HeadBlock, Neuron } from './types.ts';

/** A residual stream vector at one position, by direction name (absent: 0). */
export type Residual = ReadonlyMap<Dir, number>;

/** What a set of MLP neurons adds to the residual `x`: Σ relu(in · x) · out. */
export function applyNeurons(neurons: readonly Neuron[], x: Residual): Map<Dir, number> {
  return combine(neurons.map((n) => [n.out, Math.max(0, dot(n.in, x))] as const));
}

/** The attention score a query position gives a key position: q · qk · k. */
export function attentionScore(qk: SparseMat, query: Residual, key: Residual): number {
  return dot(applyMat(qk, query), key);
}

/** What a head adds at the query position, attending over `keys` (BOS among them, as in a model). */
export function applyHead(head: Pick<HeadBlock, 'qk' | 'ov'>, query: Residual, keys: readonly Residual[]): Map<Dir, number> {
  const scores = keys.map((k) => attentionScore(head.qk, query, k));
  const top = Math.max(...scores);
  const weights = scores.map((s) => Math.exp(s - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const values: [LinComb, number][] = keys.map((k, i) => [applyMat(head.ov, k), weights[i] / total]);
  return combine(values);
}
