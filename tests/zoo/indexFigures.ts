/** A zoo's index as the held-to comparisons see it: every row with what varies from run to run (wall time, backend) left out. */
import { Zoo } from '../../src/zoo/store.ts';

export function indexFigures(dir: string): Record<string, unknown>[] {
  const zoo = Zoo.open(dir, { create: false });
  try {
    return zoo.rows().map(({ wall_s: _w, backend: _b, ...row }) => row);
  } finally {
    zoo.close();
  }
}
