import { describe, expect, it } from 'vitest';
import { formatComponents } from '../../src/model/components.ts';
import { reportFigures } from '../../cli/report/figures/index.ts';
import { renderReport } from '../../cli/report/html.ts';
import { reportTables } from '../../cli/report/tables.ts';
import { sampleReport, sampleSingleReport } from './sampleData.ts';
import { parseXml, select } from './xml.ts';

describe('renderReport', () => {
  const d = sampleReport();
  const html = renderReport(d);

  it('embeds every figure with its caption', () => {
    const figs = reportFigures(d);
    expect(html.match(/<figure /g)).toHaveLength(figs.length);
    for (const f of figs) {
      expect(html).toContain(`data-figure="${f.id}"`);
      expect(html).toContain(f.svg);
    }
  });

  it('is self-contained: no scripts, links, fetched resources or URLs other than the SVG namespace', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
    const urls = html.match(/\b(https?|ftp|file):\/\/[^\s"'<>]*/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('escapes what it prints', () => {
    const page = renderReport({ ...d, program: '<b>&x' });
    expect(page).toContain('&lt;b&gt;&amp;x');
    expect(page).not.toContain('<b>&x');
  });
});

describe('reportTables', () => {
  it('for a pair: models, outputs, head matches with their ablations, decodability, neurons', () => {
    const tables = reportTables(sampleReport()).map((t) => parseXml(t));
    expect(tables.map((t) => select(t, 'caption')[0].text)).toEqual([
      'The models',
      'Outputs',
      'Heads of compiled and their best match in learned (similarity: mean 1 − Jensen–Shannon divergence of the attention patterns)',
      'First linearly decodable (≥ 99% held-out)',
      'MLP neurons',
    ]);
    const heads = select(tables[2], 'tr')
      .slice(1)
      .map((r) => select(r, 'td').map((c) => c.text));
    const d = sampleReport();
    // Row of compiled 1.0: its best learned head is 1.1; each column shows that head's own zero ablation.
    const zero = (m: number, c: string) => d.models[m].ablation.components.find((x) => formatComponents(x.component) === c && x.mode === 'zero')!.exactMatch;
    expect(heads[1].slice(0, 5)).toEqual(['1.0', 'aggregate(flip, tokens)', '1.1', '0.930', 'yes']);
    expect(heads[1][5]).toBe(`${(100 * zero(0, '1.0')).toFixed(1)}%`);
    expect(heads[1][6]).toBe(`${(100 * zero(1, '1.1')).toFixed(1)}%`);
    const outputs = select(tables[1], 'tr')
      .slice(1)
      .map((r) => select(r, 'td').map((c) => c.text));
    expect(outputs).toEqual([['trained', '1–3', '39', '95.0%', '100.0%', '95.0%']]);
    const decodable = select(tables[3], 'tr')
      .slice(1)
      .map((r) => select(r, 'td').map((c) => c.text));
    expect(decodable).toContainEqual(['opp_index', 'after L0', 'after L1']);
  });

  it('shows a one-length range beyond training as that length', () => {
    const d = sampleReport();
    const beyond = { minLen: 4, maxLen: 4, inputs: 81, agreement: 0, aExact: 1, bExact: 0 };
    const withBeyond = { ...d, comparison: { ...d.comparison!, outputs: { ...d.comparison!.outputs, outOfRange: beyond } } };
    const rows = select(parseXml(reportTables(withBeyond)[1]), 'tr')
      .slice(1)
      .map((r) => select(r, 'td').map((c) => c.text));
    expect(rows[1]).toEqual(['beyond', '4', '81', '0.0%', '100.0%', '0.0%']);
  });

  it('for one model: no output comparison, its own heads', () => {
    const tables = reportTables(sampleSingleReport()).map((t) => parseXml(t));
    const captions = tables.map((t) => select(t, 'caption')[0].text);
    expect(captions).not.toContain('Outputs');
    expect(captions).toContain('Heads of learned');
    expect(select(tables[1], 'tr')).toHaveLength(1 + 4);
  });
});

describe('the models table', () => {
  it('counts in the singular where there is one: 1 layer, 1 head', () => {
    const d = sampleSingleReport();
    const one = { ...d, models: [{ ...d.models[0], layers: 1, headsPerLayer: [1], dMlp: [8] }] };
    const table = reportTables(one).join('');
    expect(table).toContain('1 layer; 1 head; d_model');
    expect(reportTables(d).join('')).toMatch(/2 layers; heads 2, 2; d_model/);
  });
});
