/**
 * The discovered circuit as a layered graph, one panel per model: columns are layers (the
 * embeddings left, the logits right), a column's heads above its MLP; an edge is drawn from sender
 * to receiver, as wide and as dark as its score, solid when the circuit keeps it; on a compiled
 * model the true circuit is overlaid (green rings on its nodes, green dashes along its edges).
 * Neurons (discover --neurons) are small dots in their MLP's column, named in their tooltips.
 */
import { max, scaleLinear, scalePoint } from 'd3';
import { MUTED } from '../palette.ts';
import { clip, el, fmt, label, svgDocument, tooltip, translate, type Figure } from '../svg.ts';
import type { CircuitPanel } from '../data.ts';

const TRUE = '#2ca02c';
const EDGE = '#1f4e79';
const PANEL_H = 260;
const NODE_R = 11;
const NEURON_R = 3.5;

const isNeuron = (name: string) => /^mlp\d+\.n\d+$/.test(name);
const radius = (name: string) => (isNeuron(name) ? NEURON_R : NODE_R);

export interface CircuitFigureModel {
  readonly name: string;
  readonly circuit: CircuitPanel;
}

function panel(m: CircuitFigureModel, x0: number, y0: number, width: number): string {
  const c = m.circuit;
  const layers = [...new Set(c.nodes.map((n) => n.layer))].sort((a, b) => a - b);
  const x = scalePoint<number>()
    .domain(layers)
    .range([40, width - 40]);
  const pos = new Map<string, [number, number]>();
  for (const layer of layers) {
    const column = c.nodes.filter((n) => n.layer === layer);
    const y = scalePoint<string>()
      .domain(column.map((n) => n.name))
      .range([50, PANEL_H - 30])
      .padding(column.length === 1 ? 0.5 : 0.3);
    for (const n of column) pos.set(n.name, [x(layer)!, y(n.name)!]);
  }
  const top = max(c.edges, (e) => Math.abs(e.score)) ?? 0;
  const w = scaleLinear()
    .domain([0, top || 1])
    .range([0.4, 5]);
  const drawn = c.edges.filter((e) => e.score !== 0 || e.inTrue);
  const path = (e: CircuitPanel['edges'][number]) => {
    const [sx, sy] = pos.get(e.sender)!;
    const [rx, ry] = pos.get(e.receiver)!;
    const mx = (sx + rx) / 2;
    return `M${fmt(sx + radius(e.sender))},${fmt(sy)}C${fmt(mx)},${fmt(sy)} ${fmt(mx)},${fmt(ry)} ${fmt(rx - radius(e.receiver))},${fmt(ry)}`;
  };
  const edges = drawn.map((e) =>
    el(
      'path',
      {
        class: e.inCircuit ? 'edge kept' : 'edge',
        d: path(e),
        fill: 'none',
        stroke: EDGE,
        'stroke-width': w(Math.abs(e.score)),
        'stroke-opacity': top ? 0.15 + 0.75 * (Math.abs(e.score) / top) : 0.3,
        'stroke-dasharray': e.inCircuit ? undefined : '2 3',
      },
      tooltip(
        `${e.edge}: score ${e.score.toPrecision(3)}${e.inCircuit ? ', in the circuit' : ''}${e.inTrue === undefined ? '' : e.inTrue ? ', true' : ', not true'}`,
      ),
    ),
  );
  const trueEdges = drawn
    .filter((e) => e.inTrue)
    .map((e) => el('path', { class: 'true-edge', d: path(e), fill: 'none', stroke: TRUE, 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }));
  const nodes = c.nodes.map((n) => {
    const [nx, ny] = pos.get(n.name)!;
    const r = radius(n.name);
    return el(
      'g',
      { class: n.inCircuit ? 'node kept' : 'node', transform: translate(nx, ny) },
      el('circle', { r, fill: n.inCircuit ? '#dbe9f6' : '#f4f4f4', stroke: n.inCircuit ? EDGE : '#aaa', 'stroke-width': n.inCircuit ? 1.8 : 1 }),
      n.inTrue ? el('circle', { class: 'true-node', r: r + (isNeuron(n.name) ? 1.5 : 3.5), fill: 'none', stroke: TRUE, 'stroke-width': 1.5 }) : '',
      isNeuron(n.name) ? '' : label(0, -NODE_R - 5, clip(n.name, 10), { 'text-anchor': 'middle', 'font-size': 10 }),
      tooltip(`${n.name}${n.inCircuit ? ': in the circuit' : ''}${n.inTrue === undefined ? '' : n.inTrue ? ' (true)' : ' (not true)'}`),
    );
  });
  const heading = `${m.name}: ${c.method}, ${c.kept} of ${c.edges.length} edges kept`;
  return el('g', { class: 'panel', transform: translate(x0, y0) }, label(8, 16, heading, { 'font-weight': 600 }), ...edges, ...trueEdges, ...nodes);
}

export function circuitFigure(models: readonly CircuitFigureModel[]): Figure {
  const widths = models.map((m) => Math.max(320, 110 * new Set(m.circuit.nodes.map((n) => n.layer)).size));
  const width = 32 + widths.reduce((a, b) => a + b + 16, 0);
  const top = 56;
  const title = 'Discovered circuit';
  let x = 16;
  const panels = models.map((m, i) => {
    const p = panel(m, x, top, widths[i]);
    x += widths[i] + 16;
    return p;
  });
  const hasTrue = models.some((m) => m.circuit.nodes.some((n) => n.inTrue !== undefined));
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `edges as wide as their score, solid when the circuit keeps them${hasTrue ? '; green: the true circuit of the compiled model' : ''}`, {
      fill: MUTED,
    }) +
    panels.join('');
  return {
    id: 'circuit',
    title,
    caption:
      'Circuit discovery (rasplab discover) on the graph of embeddings, heads, MLPs and logits, layer by layer from left to right. ' +
      "Each edge is a sender's contribution to one input of a later node (a head's q, k or v, an MLP's input, the logits); " +
      'the wider and darker, the more patching it with its mean changes the task loss. On a compiled model, green marks what its weights say the circuit is.',
    svg: svgDocument({
      width,
      height: top + PANEL_H + 8,
      title,
      description: `The circuits of ${models.map((m) => m.name).join(' and ')}, found by ${models[0]?.circuit.method ?? 'discovery'}.`,
      body,
    }),
  };
}
