import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../cli/report/data.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { CHROMIUM, measure, screenshot } from './chromium.ts';
import { parseXml, select } from './xml.ts';

const A = 'fixtures/models/reverse.compiled.safetensors';
const B = 'fixtures/models/reverse.learned.safetensors';
const ARTIFACTS = 'tests/artifacts';

describe('rasplab report on the fixture models', () => {
  const t = tempDir();
  let run: Awaited<ReturnType<typeof cli>>;
  let data: ReportData;
  const html = join(t.dir, 'report.html');
  const svgDir = join(t.dir, 'figures');

  beforeAll(async () => {
    run = await cli('report', A, B, '--html', html, '--svg', svgDir, '--samples', '80', '--json');
    data = JSON.parse(run.out) as ReportData;
  });
  afterAll(() => t.cleanup());

  it('writes the page and one .svg per figure', () => {
    expect(run.code).toBe(0);
    expect(existsSync(html)).toBe(true);
    const files = readdirSync(svgDir).sort();
    expect(files).toContain('ablation.svg');
    expect(files).toContain('pruning.svg');
    expect(files).toContain('probes.svg');
    expect(files).toContain('training.svg'); // the learned fixture has its log beside it
    expect(files.filter((f) => f.startsWith('attention-')).length).toBeGreaterThan(0);
    for (const f of files) {
      const svg = parseXml(readFileSync(join(svgDir, f), 'utf8'));
      expect(svg.attrs['aria-label']).toBeTruthy();
      expect(readFileSync(html, 'utf8')).toContain(`data-figure="${f.replace(/\.svg$/, '')}"`);
    }
  });

  it('collects both models, their comparison and every pruning method', () => {
    expect(data.models.map((m) => m.origin)).toEqual(['compiled', 'learned']);
    expect(data.comparison?.matches.length).toBe(Object.keys(data.models[0].headLabels).length);
    for (const m of data.models) {
      expect(m.pruning.map((c) => c.method)).toEqual(['global', 'per-matrix', 'heads', 'neurons']);
      expect(m.probes.map((p) => p.variable)).toEqual(expect.arrayContaining(['tokens', 'indices', 'reverse']));
      for (const p of m.probes) expect(p.accuracy).toHaveLength(m.layers + 1);
      expect(m.attention[0].heads).toHaveLength(m.headsPerLayer.reduce((s, h) => s + h, 0));
    }
    expect(data.models[0].exactMatch).toBe(1); // a compiled model is exact
    expect(data.models[1].training?.steps.length).toBeGreaterThan(0);
  });

  it('draws the attention of every head on the example inputs, BOS included', () => {
    const svg = parseXml(readFileSync(join(svgDir, 'attention-1.svg'), 'utf8'));
    const n = data.models[0].attention[0].input.length + 1;
    const heads = data.models.reduce((s, m) => s + m.attention[0].heads.length, 0);
    expect(select(svg, 'rect', 'cell')).toHaveLength(heads * n * n);
  });

  it.skipIf(!CHROMIUM)('renders in headless Chromium: every figure laid out and drawn, nothing fetched (screenshot kept)', async () => {
    const m = await measure(html);
    const ids = readdirSync(svgDir).map((f) => f.replace(/\.svg$/, ''));
    expect(m.figures.map((f) => f.id).sort()).toEqual(ids.sort());
    expect(m.resources).toBe(0);
    for (const f of m.figures) {
      expect(f.width, f.id).toBeGreaterThan(300);
      expect(f.height, f.id).toBeGreaterThan(150);
      expect(f.marks, f.id).toBeGreaterThan(0);
      expect(f.drawn, f.id).toBe(f.marks);
      expect(f.texts, f.id).toBeGreaterThan(5);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'report.png');
    await screenshot(html, png, 1280, m.pageHeight);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(50_000);
  });
});

describe('rasplab report, one model and mistakes', () => {
  it('reports one learned model with the program named', async () => {
    const t = tempDir();
    try {
      const r = await cli('report', B, '--program', 'reverse', '--svg', t.dir, '--samples', '30', '--input', 'a b c');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/figures → \d+ \.svg files/);
      expect(r.out).not.toContain('report →'); // only --svg asked for
      const svg = parseXml(readFileSync(join(t.dir, 'attention-1.svg'), 'utf8'));
      expect(select(svg, 'rect', 'cell')).toHaveLength(4 * 4 * 4); // 4 heads, BOS + 3 tokens
      expect(existsSync(join(t.dir, 'training.svg'))).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('names a missing file, a bad token and an input too long, on one line with exit code 2', async () => {
    const missing = await cli('report', 'nope.safetensors');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('rasplab: no such model file: nope.safetensors\n');
    const bad = await cli('report', A, '--input', 'a z', '--svg', '/nonexistent-dir-never');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^rasplab: input token 1 'z' is not in the vocabulary \{a, b, c, d, e\}\n$/);
    const long = await cli('report', A, B, '--input', 'a b c d e a b c d e a b c d e');
    expect(long.code).toBe(2);
    expect(long.err).toMatch(/^rasplab: input has 15 tokens but max-len is \d+\n$/);
  });
});
