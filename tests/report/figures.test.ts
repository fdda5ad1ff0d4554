import { describe, expect, it } from 'vitest';
import { formatComponents, parseComponent } from '../../src/model/components.ts';
import { ablationFigure, orderComponents } from '../../cli/report/figures/ablation.ts';
import { attentionFigure } from '../../cli/report/figures/attention.ts';
import { circuitFigure } from '../../cli/report/figures/circuit.ts';
import { reportFigures } from '../../cli/report/figures/index.ts';
import { probeFigure } from '../../cli/report/figures/probes.ts';
import { pruningFigure } from '../../cli/report/figures/pruning.ts';
import { trainingFigure } from '../../cli/report/figures/training.ts';
import type { Figure } from '../../cli/report/svg.ts';
import { COMPILED_HEADS, INPUT, LEARNED_HEADS, sampleCircuit, sampleReport, sampleSingleReport, TRAINING } from './sampleData.ts';
import { allText, parseXml, select, type XmlElement } from './xml.ts';

/** Parses the figure's SVG and checks what every figure must have: size, title, label, no NaN. */
function parsed(f: Figure): XmlElement {
  const svg = parseXml(f.svg);
  expect(svg.tag).toBe('svg');
  expect(svg.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(Number(svg.attrs.width)).toBeGreaterThan(100);
  expect(Number(svg.attrs.height)).toBeGreaterThan(100);
  expect(svg.attrs['aria-label']).toBe(f.title);
  expect(svg.attrs.role).toBe('img');
  expect(svg.children[0].tag).toBe('title');
  expect(svg.children[0].text).toBe(f.title);
  expect(f.svg).not.toMatch(/NaN|undefined|Infinity/);
  expect(f.id).toMatch(/^[a-z0-9-]+$/);
  return svg;
}

const data = sampleReport();
const N = INPUT.length + 1;

describe('attention heatmaps', () => {
  const f = reportFigures(data).find((x) => x.id === 'attention-1')!;
  const svg = parsed(f);

  it('draws one grid per head of each model, a cell per query and key, BOS included', () => {
    expect(select(svg, 'g', 'heatmap')).toHaveLength(COMPILED_HEADS.length + LEARNED_HEADS.length);
    expect(select(svg, 'rect', 'cell')).toHaveLength((COMPILED_HEADS.length + LEARNED_HEADS.length) * N * N);
    for (const grid of select(svg, 'g', 'heatmap')) {
      const labels = select(grid, 'text').map((t) => t.text);
      for (const tok of ['BOS', ...INPUT]) expect(labels.filter((l) => l === tok)).toHaveLength(2); // query and key axes
      expect(labels).toContain('query');
      expect(labels).toContain('key');
    }
  });

  it('colours cells by weight and says the weight in each tooltip', () => {
    const cells = select(svg, 'rect', 'cell');
    const fills = new Set(cells.map((c) => c.attrs.fill));
    expect(fills.size).toBeGreaterThan(1);
    const heavy = cells.filter((c) => allText(c).endsWith('0.900'));
    // Every head puts 0.9 on one key per query row, except query 0 of the layer-0 heads (BOS takes all).
    expect(heavy.length).toBeGreaterThan(0);
    expect(allText(cells[0])).toMatch(/^head 0\.0: query 0 \(BOS\) → key 0 \(BOS\): 1\.000$/);
  });

  it('labels compiled heads with their expression and learned heads with their match', () => {
    const text = allText(svg);
    expect(text).toContain('aggregate(flip, tokens)'); // in full in the tooltip
    expect(text).toContain('≈ compiled 0.0 (0.97)');
    expect(text).toContain('≈ compiled 1.0 (0.93)');
    expect(text).toContain('compiled — rev.compiled.safetensors');
  });

  it('takes longer inputs with smaller cells, and one model alone', () => {
    const long = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'];
    const g = attentionFigure({ index: 2, input: long, rows: [{ model: 'm', heads: [{ ref: '0.0', pattern: [] }] }] });
    const s = parsed(g);
    expect(g.id).toBe('attention-2');
    expect(select(s, 'rect', 'cell')).toHaveLength((long.length + 1) ** 2);
  });
});

describe('ablation bars', () => {
  const f = reportFigures(data).find((x) => x.id === 'ablation')!;
  const svg = parsed(f);
  const results = data.models.flatMap((m) => m.ablation.components);

  it('draws a bar per model, component and mode, and each model’s baseline per mode', () => {
    expect(select(svg, 'rect', 'bar')).toHaveLength(results.length);
    expect(select(svg, 'line', 'baseline')).toHaveLength(data.models.length * 2);
    expect(select(svg, 'g', 'panel').map((p) => select(p, 'text')[0].text)).toEqual(['zero ablation', 'mean ablation']);
  });

  it('sizes bars by exact match, on one scale', () => {
    const bars = select(svg, 'rect', 'bar');
    const pairs = bars.map((b) => [Number(b.attrs.width), Number(allText(b).match(/([\d.]+)% exact$/)![1]) / 100] as const);
    const scale = pairs.filter(([, x]) => x > 0).map(([w, x]) => w / x);
    expect(scale.length).toBeGreaterThan(0);
    for (const k of scale) expect(k).toBeCloseTo(scale[0], 0);
    // The sample has exact match 0 for some components: they get a hairline, not a negative width.
    for (const [w, x] of pairs) if (x === 0) expect(w).toBeLessThan(1);
  });

  it('orders components by layer: heads, attention, MLP, the whole layer', () => {
    const order = (names: string[]) => orderComponents(names.map((n) => [parseComponent(n)])).map(formatComponents);
    expect(order(['L1', 'mlp0', '1.0', 'attn0', '0.1', 'L0', '0.0', 'attn1', 'mlp1', '1.1'])).toEqual([
      '0.0',
      '0.1',
      'attn0',
      'mlp0',
      'L0',
      '1.0',
      '1.1',
      'attn1',
      'mlp1',
      'L1',
    ]);
    const f2 = ablationFigure([{ name: 'x', color: '#000', baseline: 1, results: [{ component: [parseComponent('L0')], mode: 'zero', exactMatch: 0.5 }] }]);
    expect(select(parsed(f2), 'rect', 'bar')).toHaveLength(1);
  });
});

describe('line charts', () => {
  it('pruning: one line per model and method, a dot per sparsity', () => {
    const svg = parsed(pruningFigure(data.models.map((m, i) => ({ name: m.name, color: `#00${i}`, curves: m.pruning }))));
    expect(select(svg, 'g', 'panel')).toHaveLength(4);
    expect(select(svg, 'g', 'series')).toHaveLength(8);
    expect(select(svg, 'circle')).toHaveLength(8 * 3);
    for (const p of select(svg, 'g', 'series')) expect(select(p, 'path')[0].attrs.d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){2}$/);
    expect(allText(svg)).toContain('sparsity (share removed)');
  });

  it('probes: a panel per variable, read points named along x', () => {
    const svg = parsed(probeFigure(data.models.map((m, i) => ({ name: m.name, color: `#00${i}`, variables: m.probes }))));
    expect(select(svg, 'g', 'panel')).toHaveLength(3);
    expect(select(svg, 'g', 'series')).toHaveLength(6);
    const text = allText(svg);
    for (const t of ['embed', 'after L0', 'after L1', 'opp_index', 'held-out accuracy', 'decodable (99%)']) expect(text).toContain(t);
  });

  it('training: loss on a log scale and both exact-match curves', () => {
    const svg = parsed(trainingFigure('learned', TRAINING));
    expect(select(svg, 'g', 'series').map((s) => s.attrs['data-series'])).toEqual(['loss', 'training batch', 'held-out']);
    expect(select(svg, 'circle')).toHaveLength(TRAINING.steps.length + TRAINING.evals.length);
    expect(allText(svg)).toContain('loss (log scale)');
    // Lower loss sits lower on the plot: y grows downwards, so the last point has the largest y.
    const d = select(select(svg, 'g', 'series')[0], 'path')[0].attrs.d;
    const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });
});

describe('line charts that must not mislead', () => {
  const curve = (zeros0: number) =>
    (['global', 'heads'] as const).map((method) => ({
      method,
      points: [0, 0.5, 0.9].map((sparsity) => ({ sparsity, zeros: Math.max(zeros0, sparsity), exactMatch: 1, tokenAccuracy: 1, loss: 0 })),
    }));

  it("pruning: says how many of a model's weights are zero before any pruning, and marks it on the magnitude panels", () => {
    const f = pruningFigure([
      { name: 'compiled', color: '#001', curves: curve(0.92) },
      { name: 'learned', color: '#002', curves: curve(0) },
    ]);
    const svg = parsed(f);
    const text = allText(svg);
    expect(text).toContain('compiled starts with 92% zero weights');
    expect(text).not.toContain('learned starts with');
    expect(f.caption).toMatch(/already zero/);
    // One marker, in the global-magnitude panel only (whole heads and neurons are not ranked by weight).
    const markers = select(svg, 'g', 'x-mark');
    expect(markers).toHaveLength(1);
    expect(allText(markers[0])).toContain('92%');
  });

  it('probes: the first model is drawn last, dashed and thinner, so it shows on top of an equal second one', () => {
    const same = { variable: 'tokens', accuracy: [1, 1, 1] };
    const svg = parsed(
      probeFigure([
        { name: 'compiled', color: '#001', variables: [same] },
        { name: 'learned', color: '#002', variables: [same] },
      ]),
    );
    const series = select(svg, 'g', 'series');
    expect(series.map((x) => x.attrs['data-series'])).toEqual(['learned', 'compiled']);
    const [under, over] = series.map((x) => select(x, 'path')[0].attrs);
    expect(over['stroke-dasharray']).toBeDefined();
    expect(Number(over['stroke-width'])).toBeLessThan(Number(under['stroke-width']));
  });

  it('training: the log-scale loss axis labels at least four ticks, over two decades or within one', () => {
    for (const [hi, lo] of [
      [1.6, 0.013],
      [2, 0.05],
      [0.9, 0.4],
    ]) {
      const steps = [10, 20, 30, 40, 50].map((step, i) => ({ step, loss: hi * (lo / hi) ** (i / 4) }));
      const svg = parsed(trainingFigure('learned', { source: 'x.jsonl', steps, evals: [{ step: 0, testAcc: 0 }] }));
      const lossAxis = select(select(svg, 'g', 'panel')[0], 'g', 'y')[0];
      const labels = select(lossAxis, 'text')
        .map((t) => t.text)
        .filter((t) => t !== 'loss (log scale)');
      expect(labels.length, `loss ${hi}–${lo}: ${labels.join(' ')}`).toBeGreaterThanOrEqual(4);
      expect(new Set(labels).size).toBe(labels.length);
    }
  });
});

describe('the discovered circuit as a layered graph', () => {
  const f = circuitFigure([
    { name: 'compiled', circuit: sampleCircuit(true) },
    { name: 'learned', circuit: sampleCircuit(false) },
  ]);
  const svg = parsed(f);

  it('draws one panel per model, every node, and every edge with a score or in the true circuit', () => {
    expect(select(svg, 'g', 'panel')).toHaveLength(2);
    const kept = (xs: XmlElement[]) => xs.filter((x) => x.attrs.class.split(' ').includes('kept'));
    expect(select(svg, 'g', 'node')).toHaveLength(12);
    expect(kept(select(svg, 'g', 'node'))).toHaveLength(12);
    // of seven edges, the compiled panel leaves out the one scored 0 and not true; the learned one, knowing no truth, both scored 0
    const edges = select(svg, 'path', 'edge');
    expect(edges).toHaveLength(6 + 5);
    expect(kept(edges)).toHaveLength(4 + 4);
  });

  it('overlays the true circuit on the compiled model only', () => {
    expect(select(svg, 'circle', 'true-node')).toHaveLength(6);
    expect(select(svg, 'path', 'true-edge')).toHaveLength(5);
    expect(allText(svg)).toContain('compiled: eap-ig, 4 of 7 edges kept');
  });

  it('draws neurons (discover --neurons) as small dots in their MLP’s column, named in their tooltips only', () => {
    const c = sampleCircuit(true);
    const split = (name: string) => name.replace('mlp0', 'mlp0.n0');
    const neurons = {
      ...c,
      nodes: [...c.nodes.filter((n) => n.name !== 'mlp0'), { ...c.nodes[3], name: 'mlp0.n0' }, { ...c.nodes[3], name: 'mlp0.n1', inTrue: false }],
      edges: c.edges.map((e) => ({ ...e, edge: split(e.edge), sender: split(e.sender), receiver: split(e.receiver) })),
    };
    const g = parsed(circuitFigure([{ name: 'compiled', circuit: neurons }]));
    const dots = select(g, 'g', 'node').filter((n) => allText(n).trim().startsWith('mlp0.n'));
    expect(dots).toHaveLength(2);
    for (const d of dots) expect(Number(d.children.find((x) => x.tag === 'circle')!.attrs.r)).toBeLessThan(5);
    expect(select(g, 'circle', 'true-node')).toHaveLength(6);
  });
});

describe('reportFigures', () => {
  it('makes every figure of a pair, and of one model alone', () => {
    expect(reportFigures(data).map((f) => f.id)).toEqual(['attention-1', 'ablation', 'pruning', 'probes', 'circuit', 'training']);
    const single = reportFigures(sampleSingleReport());
    expect(single.map((f) => f.id)).toEqual(['attention-1', 'ablation', 'pruning', 'probes', 'circuit', 'training']);
    single.forEach(parsed);
  });

  it('leaves out the training curve when no model has a log', () => {
    const d = sampleReport();
    const noLog = { ...d, models: d.models.map((m) => ({ ...m, training: null })) };
    expect(reportFigures(noLog).map((f) => f.id)).not.toContain('training');
  });
});
