import { describe, expect, it } from 'vitest';
import { landscapeFigure, survival } from '../../cli/report/figures/landscape.ts';
import type { LandscapeSection } from '../../cli/report/data.ts';
import { cli } from '../cli/harness.ts';

const section: LandscapeSection = {
  path: {
    from: 'learned A',
    to: 'learned B',
    points: [
      { t: 0, loss: 0.01, exactMatch: 1 },
      { t: 0.5, loss: 1.5, exactMatch: 0.1 },
      { t: 1, loss: 0.02, exactMatch: 1 },
    ],
    barrier: 1.485,
  },
  volumes: [
    { name: 'learned A', directions: 3, radii: [0.2, 0.1, 0.4], logVolume: -3 },
    { name: 'learned B', directions: 3, radii: [0.3, 0.3, 0.5], logVolume: -2 },
  ],
};

describe('the landscape figure', () => {
  it('draws radii as the share of directions reaching each radius, from all of them down', () => {
    expect(survival([0.2, 0.1, 0.4])).toEqual([
      [0.1, 1],
      [0.2, 2 / 3],
      [0.4, 1 / 3],
    ]);
  });

  it('has the path, its barrier and one radius curve per model', () => {
    const f = landscapeFigure(section, ['#111', '#222']);
    expect(f.id).toBe('landscape');
    expect(f.svg).toMatch(/data-series="line \(aligned\)"/);
    expect(f.svg).toMatch(/data-series="learned A"/);
    expect(f.svg).toMatch(/data-series="learned B"/);
    expect(f.svg).toMatch(/barrier 1\.485/);
    const noPath = landscapeFigure({ ...section, path: null }, ['#111', '#222']);
    expect(noPath.svg).not.toMatch(/line \(aligned\)/);
  });
});

describe('rasplab report --landscape', () => {
  it('collects the line between two models of one shape and each model’s radii', async () => {
    const r = await cli(
      'report',
      'fixtures/models/reverse.learned.safetensors',
      'fixtures/models/reverse.learned.seed1.safetensors',
      '--landscape',
      '--directions',
      '3',
      '--samples',
      '20',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out).landscape;
    expect(d.path.points).toHaveLength(11);
    expect(d.path.barrier).toBeGreaterThan(0.5);
    expect(d.volumes.map((v: { radii: number[] }) => v.radii.length)).toEqual([3, 3]);
  });

  it('refuses --directions without --landscape in one line, exit 2', async () => {
    const r = await cli('report', 'fixtures/models/reverse.learned.safetensors', '--directions', '3', '--json');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual(['rasplab: --directions goes with --landscape']);
  });
});
