/** The zoo page: the emergence figure's three panels, one line per program and data fraction, sizes in order; a page without scripts. */
import { describe, expect, it } from 'vitest';
import { emergenceFigure, rashomonFigure } from '../../cli/report/figures/zoo.ts';
import { renderZooPage, zooFigures } from '../../cli/report/zooPage.ts';
import type { Basins } from '../../probes/zoo/basins.ts';
import type { EmergencePoint, RashomonSet } from '../../src/zoo/populations.ts';
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

const points = [point(2, 16, 1, 1), point(1, 8, 1, 0.1), point(1, 16, 1, 0.2), point(1, 8, 0.5, 0.05)];

describe('zoo page', () => {
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

describe('Rashomon figure', () => {
  const set: RashomonSet = {
    program: 'reverse',
    best: 1,
    epsilon: 0.1,
    models: [
      { key: 'aaaaaaaa1', testAcc: 1, beyond: 0.9 },
      { key: 'bbbbbbbb2', testAcc: 0.95, beyond: 0.2 },
      { key: 'cccccccc3', testAcc: 0.92, beyond: null },
    ],
    mechanisms: [{ signature: '0.0→L0', models: ['aaaaaaaa1', 'bbbbbbbb2', 'cccccccc3'] }],
    byCircuit: null,
    byBarrier: null,
    beyondRange: [0.2, 0.9],
  };
  const basins: Basins = {
    threshold: 0.05,
    points: 5,
    inputs: 39,
    minLen: 1,
    maxLen: 3,
    pairs: [
      { a: 'aaaaaaaa1', b: 'bbbbbbbb2', exactMatch: 0.4, loss: 1 },
      { a: 'aaaaaaaa1', b: 'cccccccc3', exactMatch: 0.01, loss: 0.1 },
    ],
    groups: [['aaaaaaaa1', 'cccccccc3'], ['bbbbbbbb2']],
  };

  it('draws one dot per model coloured by basin, and every same-shape pair twice in the barrier matrix', () => {
    const f = rashomonFigure(set, basins);
    const svg = parseXml(f.svg);
    expect(select(svg, 'g', 'series').map((g) => g.attrs['data-series'])).toEqual(['basin 1 (2)', 'basin 2 (1)']);
    expect(select(svg, 'rect', 'cell')).toHaveLength(4);
    expect(f.svg).toContain('aaaaaaaa – bbbbbbbb: exact-match barrier 0.400');
  });

  it('colours by head-matching mechanism without pairwise barriers', () => {
    const f = rashomonFigure(set, null);
    expect(select(parseXml(f.svg), 'g', 'series').map((g) => g.attrs['data-series'])).toEqual(['0.0→L0 (3)']);
    expect(select(parseXml(f.svg), 'rect', 'cell')).toHaveLength(0);
    expect(renderZooPage('zoo', 3, zooFigures(points, [{ ...set, basins: null }]))).toContain('data-figure="rashomon-reverse"');
  });
});
