/** The report's colours, all from d3-scale-chromatic, so every figure agrees on them. */
import { interpolateBlues, schemeTableau10 } from 'd3';

/** Model A (typically compiled) and model B (typically learned). */
export const modelColor = (i: number): string => schemeTableau10[i % schemeTableau10.length];

/** Further series within one model (e.g. train vs held-out accuracy). */
export const seriesColor = (i: number): string => schemeTableau10[(i + 2) % schemeTableau10.length];

/** Attention weight 0..1 → colour; white at 0 so empty attention reads as blank. */
export const heatColor = (w: number): string => interpolateBlues(Math.max(0, Math.min(1, w)));

export const INK = '#222';
export const MUTED = '#666';
export const GRID = '#e6e6e6';
export const AXIS = '#888';
