/** A one-row legend: a swatch (a line, dashed if the series is) and a name per entry. */
import { el, label, translate } from './svg.ts';

export interface LegendEntry {
  readonly name: string;
  readonly color: string;
  readonly dash?: string;
  /** The line's width (default 2.5). */
  readonly width?: number;
  /** Draw a filled box instead of a line (bars). */
  readonly box?: boolean;
}

/** Rough text width at 11px, for laying entries out without measuring. */
export const textWidth = (s: string, px = 11): number => s.length * px * 0.58;

export function legend(entries: readonly LegendEntry[], x: number, y: number): string {
  let at = 0;
  const items = entries.map((e) => {
    const swatch = e.box
      ? el('rect', { x: 0, y: -5, width: 12, height: 10, fill: e.color })
      : el('line', { x1: 0, x2: 18, y1: 0, y2: 0, stroke: e.color, 'stroke-width': e.width ?? 2.5, 'stroke-dasharray': e.dash });
    const g = el('g', { class: 'legend-entry', transform: translate(at, 0) }, swatch, label(e.box ? 16 : 22, 0, e.name, { 'dominant-baseline': 'middle' }));
    at += (e.box ? 16 : 22) + textWidth(e.name) + 18;
    return g;
  });
  return el('g', { class: 'legend', transform: translate(x, y) }, ...items);
}
