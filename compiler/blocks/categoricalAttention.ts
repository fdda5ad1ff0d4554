/**
 * Categorical aggregate: the OV circuit maps each value's indicator to the output's one-hot
 * direction of that value, so the attention-weighted sum over selected keys that all hold v is
 * exactly one-hot(v). The BOS key holds no value (every s-op direction is 0 there), so a query that
 * selects nothing reads zero — undefined — unless a default is filled in (defaults.ts).
 */
import { addOuter, unit, type Dir } from '../linalg.ts';
import type { CatEntry } from '../types.ts';
import type { Value } from '../../src/rasp/values.ts';

export function categoricalOv(values: readonly CatEntry[], outDir: (v: Value) => Dir): Map<Dir, Map<Dir, number>> {
  const ov = new Map<Dir, Map<Dir, number>>();
  for (const e of values) if (e.value !== null) addOuter(ov, e.ind, unit(outDir(e.value)));
  return ov;
}
