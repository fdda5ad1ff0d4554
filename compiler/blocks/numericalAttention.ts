/**
 * Numerical aggregate (mean): the OV circuit copies the value's line into the output direction.
 * Selected keys are non-BOS, where `one` is 1, so a constant term averages to itself; the BOS key
 * contributes 0 (a query that selects nothing reads 0, the default tracr allows).
 */
import { addOuter, unit, type Dir, type LinComb } from '../linalg.ts';

export function numericalOv(x: LinComb, outDir: Dir): Map<Dir, Map<Dir, number>> {
  const ov = new Map<Dir, Map<Dir, number>>();
  addOuter(ov, x, unit(outDir));
  return ov;
}
