/**
 * Aggregate defaults. The attention itself writes nothing for a query that selects nothing (it
 * attends to BOS, whose value is 0); the BOS value vector writes 1 into a temporary
 * `none_selected` direction, and one MLP neuron relu(none_selected − bos) writes the default. The
 * −bos keeps the BOS position (which attends to itself, so none_selected = 1 there) at 0, like every
 * other s-op direction.
 */
import { addOuter, BOS_DIR, lin, unit, type Dir, type LinComb } from '../linalg.ts';
import type { Neuron } from '../types.ts';

/** Adds the BOS → none_selected term to an OV circuit. */
export function addNoneSelected(ov: Map<Dir, Map<Dir, number>>, noneDir: Dir): void {
  addOuter(ov, unit(BOS_DIR), unit(noneDir));
}

export function defaultFillNeuron(noneDir: Dir, write: LinComb): Neuron {
  return {
    in: lin([
      [noneDir, 1],
      [BOS_DIR, -1],
    ]),
    out: write,
  };
}
