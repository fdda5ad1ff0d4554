/** The zoo page: the emergence figure's three panels, one line per program and data fraction, sizes in order; a page without scripts. */
import { describe, expect, it } from 'vitest';
import { emergenceFigure } from '../../cli/report/figures/zoo.ts';
import { renderZooPage, zooFigures } from '../../cli/report/zooPage.ts';
import type { EmergencePoint } from '../../src/zoo/populations.ts';
import { parseXml, select } from './xml.ts';

const point = (layers: number, dModel: number, dataFraction: number, exactMatch: number): EmergencePoint => ({
  program: 'reverse',
  layers,
  heads: 1,
  dModel,
  dMlp: 0,
  steps: 100,
  lr: 0.01,
  dataFraction,
  seeds: 2,
  exactMatch,
  tokenAccuracy: 0.5 + exactMatch / 2,
  logLikelihood: -1 + exactMatch,
});

describe('zoo page', () => {
  const points = [point(2, 16, 1, 1), point(1, 8, 1, 0.1), point(1, 16, 1, 0.2), point(1, 8, 0.5, 0.05)];

  it('draws exact match, token accuracy and log-likelihood against size, one line per data fraction', () => {
    const f = emergenceFigure(points);
    expect(f.id).toBe('emergence');
    const svg = parseXml(f.svg); // well-formed
    expect(select(svg, 'g', 'panel')).toHaveLength(3);
    expect(select(svg, 'g', 'series')).toHaveLength(2 * 3);
    // sizes ordered by layers, then width
    const ticks = [...f.svg.matchAll(/>(\dL×1H d\d+)</g)].map((m) => m[1]);
    expect([...new Set(ticks)]).toEqual(['1L×1H d8', '1L×1H d16', '2L×1H d16']);
    expect(f.svg).toContain('reverse, data 0.5, 100 steps');
  });

  it('is a page without scripts', () => {
    const html = renderZooPage('zoo', 8, zooFigures(points));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('8 model(s)');
    expect(html).not.toMatch(/<script/);
  });
});
