/**
 * Axes as SVG strings (d3-axis needs a DOM; the tick positions come from d3 scales all the same):
 * a line, ticks, tick labels, an axis title, and optional grid lines across the plot.
 */
import { AXIS, GRID, MUTED } from './palette.ts';
import { el, label, translate } from './svg.ts';

export interface Tick {
  /** Position in pixels along the axis. */
  readonly at: number;
  readonly text: string;
}

export interface AxisSpec {
  readonly ticks: readonly Tick[];
  /** The axis line's extent in pixels. */
  readonly range: readonly [number, number];
  readonly title?: string;
  /** Grid lines of this length across the plot (the plot's height for a bottom axis, width for a left one). */
  readonly grid?: number;
  /** Rotate tick labels (for long category names). */
  readonly rotate?: boolean;
}

/** A horizontal axis drawn at y = `y`, ticks below. */
export function axisBottom(spec: AxisSpec, y: number): string {
  const [a, b] = spec.range;
  const ticks = spec.ticks.map((t) =>
    el(
      'g',
      { transform: translate(t.at, 0) },
      spec.grid ? el('line', { y1: -spec.grid, y2: 0, stroke: GRID }) : '',
      el('line', { y2: 4, stroke: AXIS }),
      spec.rotate
        ? label(0, 7, t.text, { 'text-anchor': 'end', transform: 'rotate(-40)', 'dominant-baseline': 'hanging', fill: MUTED })
        : label(0, 14, t.text, { 'text-anchor': 'middle', fill: MUTED }),
    ),
  );
  return el(
    'g',
    { class: 'axis x', transform: translate(0, y) },
    el('line', { x1: a, x2: b, stroke: AXIS }),
    ...ticks,
    spec.title ? label((a + b) / 2, spec.rotate ? 42 : 29, spec.title, { 'text-anchor': 'middle' }) : '',
  );
}

/** A vertical axis drawn at x = `x`, ticks to the left; `titleOffset` is how far left the title sits. */
export function axisLeft(spec: AxisSpec, x: number, titleOffset = 34): string {
  const [a, b] = spec.range;
  const ticks = spec.ticks.map((t) =>
    el(
      'g',
      { transform: translate(0, t.at) },
      spec.grid ? el('line', { x1: 0, x2: spec.grid, stroke: GRID }) : '',
      el('line', { x1: -4, stroke: AXIS }),
      label(-6, 0, t.text, { 'text-anchor': 'end', 'dominant-baseline': 'middle', fill: MUTED }),
    ),
  );
  const mid = (a + b) / 2;
  return el(
    'g',
    { class: 'axis y', transform: translate(x, 0) },
    el('line', { y1: a, y2: b, stroke: AXIS }),
    ...ticks,
    spec.title ? label(-titleOffset, mid, spec.title, { 'text-anchor': 'middle', transform: `rotate(-90 ${-titleOffset} ${mid})` }) : '',
  );
}

/** Ticks of a d3 continuous scale, labelled with `format`. */
export function scaleTicks(scale: { (x: number): number; ticks(n?: number): number[] }, count: number, format: (x: number) => string): Tick[] {
  return scale.ticks(count).map((v) => ({ at: scale(v), text: format(v) }));
}

/**
 * Ticks of a log scale with at least `min` labels: the decades when there are that many, else the
 * 1-2-5 multiples, else every tick d3 offers (a range within one decade).
 */
export function logTicks(scale: { (x: number): number; ticks(n?: number): number[] }, format: (x: number) => string, min = 4): Tick[] {
  const all = scale.ticks();
  const lead = (v: number) => Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
  const keep = [[1], [1, 2, 5]].map((lead1) => all.filter((v) => lead1.includes(lead(v)))).find((t) => t.length >= min) ?? all;
  return keep.map((v) => ({ at: scale(v), text: format(v) }));
}
