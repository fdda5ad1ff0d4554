/**
 * The MLP of a map over leaves: a lookup table when every leaf is categorical, a discretisation of
 * the one numerical leaf (gated by the categorical ones) otherwise. Callers make all but one
 * numerical leaf categorical first.
 */
import type { MaybeValue } from '../../src/rasp/values.ts';
import type { LinComb } from '../linalg.ts';
import type { Leaf, Neuron } from '../types.ts';
import { lookupNeurons, type CatLeaf } from './categoricalMlp.ts';
import { discretisedNeurons, type NumLeaf } from './numericalMlp.ts';

/** Neurons writing `at(values)` where the leaves hold `values` (in leaf order); undefined: no output needed. */
export function mapNeurons(leaves: readonly Leaf[], at: (vals: readonly MaybeValue[]) => LinComb | undefined): Neuron[] {
  const numPos = leaves.findIndex((l) => l.kind === 'num');
  if (numPos < 0) return lookupNeurons(leaves as CatLeaf[], at);
  const cats = leaves.filter((_, j) => j !== numPos) as CatLeaf[];
  // discretisedNeurons passes the numerical value first; put it back in the leaf order.
  return discretisedNeurons(leaves[numPos] as NumLeaf, cats, (vals) => {
    const full = [...vals.slice(1)];
    full.splice(numPos, 0, vals[0]);
    return at(full);
  });
}
