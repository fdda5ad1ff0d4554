/**
 * Temporaries (1/(w+1), none_selected) are non-zero at BOS; a neuron reading one gets −G·bos so it
 * stays off there and the MLP writes nothing at BOS, like every other s-op direction.
 */
import { BOS_DIR, combine, unit, type Dir } from '../linalg.ts';
import type { Neuron } from '../types.ts';

export function guardAtBos(neurons: readonly Neuron[], isTemporary: (d: Dir) => boolean): Neuron[] {
  return neurons.map((nr) => {
    let g = 0;
    for (const [d, c] of nr.in) if (isTemporary(d)) g += Math.abs(c);
    if (g === 0) return nr;
    return {
      in: combine([
        [nr.in, 1],
        [unit(BOS_DIR), -(g + 1)],
      ]),
      out: nr.out,
    };
  });
}
