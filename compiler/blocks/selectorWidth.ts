/**
 * Selector width: the BOS key scores as high as every selected key, and only BOS carries a value
 * (1, into a temporary direction), so a query that selects w keys reads t = 1/(w + 1). The width
 * w = round(1/t − 1) is an ordinary numerical → categorical map over t's finite value set
 * {1/(w+1)}, left to the MLP constructions so it fuses with the maps that follow.
 */
import { addOuter, BOS_DIR, unit, type Dir } from '../linalg.ts';
import type { NumEntry } from '../types.ts';

export function widthOv(tempDir: Dir): Map<Dir, Map<Dir, number>> {
  const ov = new Map<Dir, Map<Dir, number>>();
  addOuter(ov, unit(BOS_DIR), unit(tempDir));
  return ov;
}

/** The points t = 1/(w+1) of the temporary line, with the widths they stand for. */
export function widthEntries(widths: readonly number[]): NumEntry[] {
  return widths.map((w) => ({ value: w, x: 1 / (w + 1) }));
}

/** The width a point of the line stands for. */
export function widthOf(t: number): number {
  return Math.round(1 / t - 1);
}
