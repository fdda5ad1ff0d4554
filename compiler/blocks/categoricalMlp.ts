/**
 * A lookup table as an MLP: one hidden neuron per combination of its categorical inputs' values,
 * firing 1 exactly where every input holds its value of the combination (pre-activation
 * Σ indicators − (k − 1)), writing the map's output for that combination. Combinations whose output
 * is zero (an undefined value, a zero number) or on which the program raises get no neuron.
 */
import { combinations } from '../fuse.ts';
import { combine, isZero, ONE, unit, type LinComb } from '../linalg.ts';
import type { CatEntry, Leaf, Neuron } from '../types.ts';
import type { MaybeValue } from '../../src/rasp/values.ts';

export type CatLeaf = Extract<Leaf, { kind: 'cat' }>;

/** The residual read-out that is 1 exactly where every leaf holds its entry (0 or less elsewhere). */
export function conjunction(entries: readonly CatEntry[]): Map<string, number> {
  return combine([...entries.map((e) => [e.ind, 1] as const), [unit(ONE), -(entries.length - 1)]]);
}

/** `out(values)` is what the map writes for one combination (undefined: nothing required there). */
export function lookupNeurons(leaves: readonly CatLeaf[], out: (vals: readonly MaybeValue[]) => LinComb | undefined): Neuron[] {
  const neurons: Neuron[] = [];
  for (const c of combinations(leaves)) {
    const entries = c.map((i, j) => leaves[j].entries[i]);
    const o = out(entries.map((e) => e.value));
    if (!o || isZero(o)) continue;
    neurons.push({ in: conjunction(entries), out: o });
  }
  return neurons;
}
