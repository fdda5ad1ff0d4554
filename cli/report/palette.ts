/** The report's colours, all from d3-scale-chromatic, so every figure agrees on them. */
import { interpolateBlues, schemeTableau10 } from 'd3';

/** Model A (typically compiled) and model B (typically learned). */
export const modelColor = (i: number): string => schemeTableau10[i % schemeTableau10.length];

export interface Stroke {
  readonly width: number;
  readonly dash?: string;
}

/**
 * How model i of n is stroked in a line chart where the models' lines can coincide (a compiled
 * and a learned model both at 100%): figures draw model 0 last, thin and dashed, over the others'
 * wider solid lines, so an equal line shows as both rather than hiding one under the other.
 */
export const modelStroke = (i: number, n: number): Stroke => (n === 1 ? { width: 2 } : i === 0 ? { width: 2, dash: '5 3' } : { width: 4.5 });

/** Further series within one model (e.g. train vs held-out accuracy). */
export const seriesColor = (i: number): string => schemeTableau10[(i + 2) % schemeTableau10.length];

/** Attention weight 0..1 → colour; white at 0 so empty attention reads as blank. */
export const heatColor = (w: number): string => interpolateBlues(Math.max(0, Math.min(1, w)));

export const INK = '#222';
export const MUTED = '#666';
export const GRID = '#e6e6e6';
export const AXIS = '#888';
