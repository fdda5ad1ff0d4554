/**
 * The attention heatmap's cells as data: 3-column cells (the weight in percent, "·" for nothing,
 * 100 at most once per row since a row sums to 1), a viridis background per weight, and token
 * labels on both axes. Pure, so the layout is testable without colours.
 */
import { interpolateViridis } from 'd3';

export const CELL = 3;

export interface HeatCell {
  readonly text: string;
  /** Background as #rrggbb. */
  readonly bg: string;
  readonly fg: 'black' | 'white';
}

export function heatCell(w: number): HeatCell {
  const x = Math.max(0, Math.min(1, Number.isFinite(w) ? w : 0));
  const p = Math.round(100 * x);
  return { text: (p === 0 ? '·' : String(p)).padStart(CELL), bg: interpolateViridis(x), fg: x >= 0.6 ? 'black' : 'white' };
}

/** A token's label cut to one cell. */
export const axisLabel = (token: string): string => [...token].slice(0, CELL).join('');

/** Row labels' width: the widest label or corner text, plus a space. */
export function labelWidth(labels: readonly string[], corner: string): number {
  return Math.max(corner.length, ...labels.map((l) => axisLabel(l).length)) + 1;
}

/**
 * The header line: the corner text, then each key's label right-aligned in its cell. Key labels
 * keep a space before them (2 characters at most), except BOS, which follows the corner's space.
 */
export function headerLine(labels: readonly string[], corner: string, width: number): string {
  const key = (l: string, i: number) => (i === 0 ? axisLabel(l) : [...l].slice(0, CELL - 1).join('')).padStart(CELL);
  return corner.padEnd(width) + labels.map(key).join('');
}

/** The heatmap's title: the longest wording that fits (the corner names the head anyway). */
export function heatTitle(head: string, label: string, width: number): string {
  const options = [`attention of head ${head}: ${label}`, `head ${head}: ${label}`, label];
  return options.find((t) => [...t].length <= width) ?? options[0];
}
