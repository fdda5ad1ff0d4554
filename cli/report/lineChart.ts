/**
 * One line-chart panel (d3 scales and line generator): series of (x, y) points with markers,
 * optional horizontal reference lines, labelled axes. Several figures lay panels out in a grid.
 */
import { line, scaleLinear, scaleLog } from 'd3';
import { axisBottom, axisLeft, logTicks, scaleTicks, type Tick } from './axes.ts';
import { MUTED } from './palette.ts';
import { el, label, tooltip, translate } from './svg.ts';

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly dash?: string;
  /** Line width (default 2). */
  readonly width?: number;
  readonly points: readonly (readonly [number, number])[];
  /** Draw a dot per point (default true). */
  readonly markers?: boolean;
}

export interface LinePanel {
  readonly title: string;
  readonly x: {
    readonly domain: readonly [number, number];
    readonly title: string;
    readonly ticks?: readonly { value: number; text: string }[];
    readonly format?: (x: number) => string;
    /** A log scale (the domain must be positive). */
    readonly log?: boolean;
  };
  readonly y: { readonly domain: readonly [number, number]; readonly title: string; readonly log?: boolean; readonly format?: (y: number) => string };
  readonly series: readonly Series[];
  readonly refLines?: readonly { readonly y: number; readonly text: string }[];
  /** Vertical marks at an x value, labelled at the top. */
  readonly xMarks?: readonly { readonly x: number; readonly text: string; readonly color: string }[];
}

/** Room around the plot area inside a panel: axis labels and the title. */
export const PANEL_MARGIN = { top: 24, right: 24, bottom: 40, left: 52 };

/** Draws `p` into the box at (x, y) of the given outer size; returns a <g>. */
export function linePanel(p: LinePanel, x: number, y: number, width: number, height: number): string {
  const m = PANEL_MARGIN;
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const sx = (p.x.log ? scaleLog() : scaleLinear()).domain([p.x.domain[0], p.x.domain[1]]).range([0, w]);
  const sy = (p.y.log ? scaleLog() : scaleLinear()).domain([p.y.domain[0], p.y.domain[1]]).range([h, 0]).clamp(true);
  const xf = p.x.format ?? ((v: number) => String(v));
  const yf = p.y.format ?? ((v: number) => String(v));
  const xTicks: Tick[] = p.x.ticks ? p.x.ticks.map((t) => ({ at: sx(t.value), text: t.text })) : p.x.log ? logTicks(sx, xf) : scaleTicks(sx, 5, xf);
  const yTicks: Tick[] = p.y.log ? logTicks(sy, yf) : scaleTicks(sy, 5, yf);
  const path = line<readonly [number, number]>()
    .x((d) => sx(d[0]))
    .y((d) => sy(d[1]));
  const series = p.series.map((s) =>
    el(
      'g',
      { class: 'series', 'data-series': s.name },
      el('path', { d: path(s.points) ?? '', fill: 'none', stroke: s.color, 'stroke-width': s.width ?? 2, 'stroke-dasharray': s.dash }),
      ...(s.markers === false
        ? []
        : s.points.map(([px, py]) => el('circle', { cx: sx(px), cy: sy(py), r: 2.8, fill: s.color }, tooltip(`${s.name}: ${xf(px)} → ${yf(py)}`)))),
    ),
  );
  const refs = (p.refLines ?? []).map((r) =>
    el(
      'g',
      { class: 'ref' },
      el('line', { x1: 0, x2: w, y1: sy(r.y), y2: sy(r.y), stroke: MUTED, 'stroke-dasharray': '1 3' }),
      label(w - 2, sy(r.y) + 11, r.text, { 'text-anchor': 'end', fill: MUTED, 'font-size': 10 }),
    ),
  );
  const marks = (p.xMarks ?? []).map((r) =>
    el(
      'g',
      { class: 'x-mark' },
      el('line', { x1: sx(r.x), x2: sx(r.x), y1: 0, y2: h, stroke: r.color, 'stroke-dasharray': '2 3' }),
      // Halfway down, clear of curves that run along the top, on the side with more room.
      label(sx(r.x) + (sx(r.x) > w / 2 ? -3 : 3), h * 0.45, r.text, { 'text-anchor': sx(r.x) > w / 2 ? 'end' : 'start', fill: r.color, 'font-size': 10 }),
    ),
  );
  return el(
    'g',
    { class: 'panel', transform: translate(x, y) },
    label(m.left + w / 2, 14, p.title, { 'text-anchor': 'middle', 'font-weight': 600 }),
    el(
      'g',
      { transform: translate(m.left, m.top) },
      axisLeft({ ticks: yTicks, range: [0, h], title: p.y.title, grid: w }, 0, 40),
      axisBottom({ ticks: xTicks, range: [0, w], title: p.x.title }, h),
      ...refs,
      ...marks,
      ...series,
    ),
  );
}
