/**
 * Attention heatmaps on one input: a row of heads per model (compiled above learned), each a
 * query × key grid over the input's positions with BOS first, coloured by attention weight.
 */
import { formatValue, type Value } from '../../../src/rasp/values.ts';
import { heatColor, INK, MUTED } from '../palette.ts';
import { clip, el, esc, label, tooltip, translate, svgDocument, type Figure } from '../svg.ts';

export interface HeatmapHead {
  /** "1.0" */
  readonly ref: string;
  /** What the head does, shown under its name (a compiled head's expression, a learned head's match). */
  readonly note?: string;
  /** [query][key], BOS at 0. */
  readonly pattern: readonly (readonly number[])[];
}

export interface HeatmapRow {
  readonly model: string;
  readonly heads: readonly HeatmapHead[];
}

export interface AttentionFigureInput {
  /** Which example (1-based), for the id. */
  readonly index: number;
  readonly input: readonly Value[];
  readonly rows: readonly HeatmapRow[];
}

const LABEL_W = 34;
const HEAD_TITLE = 34;
const KEY_LABELS = 34;
const GAP = 22;
const MAX_PER_ROW = 5;

function heatmap(h: HeatmapHead, tokens: readonly string[], cell: number): string {
  const n = tokens.length;
  const cells: string[] = [];
  for (let q = 0; q < n; q++)
    for (let k = 0; k < n; k++) {
      const w = h.pattern[q]?.[k] ?? 0;
      cells.push(
        el(
          'rect',
          { class: 'cell', x: LABEL_W + k * cell, y: HEAD_TITLE + q * cell, width: cell - 1, height: cell - 1, fill: heatColor(w) },
          tooltip(`head ${h.ref}: query ${q} (${tokens[q]}) → key ${k} (${tokens[k]}): ${w.toFixed(3)}`),
        ),
      );
    }
  const qLabels = tokens.map((t, q) =>
    label(LABEL_W - 4, HEAD_TITLE + q * cell + cell / 2, t, { 'text-anchor': 'end', 'dominant-baseline': 'middle', fill: MUTED }),
  );
  const kLabels = tokens.map((t, k) => label(LABEL_W + k * cell + cell / 2, HEAD_TITLE + n * cell + 11, t, { 'text-anchor': 'middle', fill: MUTED }));
  const grid = n * cell;
  return el(
    'g',
    { class: 'heatmap', 'data-head': h.ref },
    label(LABEL_W, 12, `head ${h.ref}`, { 'font-weight': 600 }),
    h.note ? el('text', { x: LABEL_W, y: 25, fill: MUTED, 'font-size': 10 }, esc(clip(h.note, Math.floor((grid + GAP) / 5.6))), tooltip(h.note)) : '',
    ...cells,
    ...qLabels,
    ...kLabels,
    label(LABEL_W + grid / 2, HEAD_TITLE + grid + 25, 'key', { 'text-anchor': 'middle', fill: MUTED, 'font-size': 10 }),
    label(8, HEAD_TITLE + grid / 2, 'query', { 'text-anchor': 'middle', fill: MUTED, 'font-size': 10, transform: `rotate(-90 8 ${HEAD_TITLE + grid / 2})` }),
  );
}

function colourKey(x: number, y: number): string {
  const steps = [0, 0.2, 0.4, 0.6, 0.8, 1];
  return el(
    'g',
    { class: 'colour-key', transform: translate(x, y) },
    label(0, 0, 'attention weight', { fill: MUTED, 'font-size': 10 }),
    ...steps.map((s, i) =>
      el(
        'g',
        { transform: translate(i * 26, 6) },
        el('rect', { width: 24, height: 10, fill: heatColor(s), stroke: '#ccc', 'stroke-width': 0.5 }),
        label(12, 22, String(s), { 'text-anchor': 'middle', fill: MUTED, 'font-size': 10 }),
      ),
    ),
  );
}

export function attentionFigure(f: AttentionFigureInput): Figure {
  const tokens = ['BOS', ...f.input.map(formatValue)];
  const n = tokens.length;
  const cell = Math.max(14, Math.min(26, Math.floor(190 / n)));
  const blockW = LABEL_W + n * cell;
  const blockH = HEAD_TITLE + n * cell + KEY_LABELS;
  const perRow = Math.min(MAX_PER_ROW, Math.max(1, ...f.rows.map((r) => r.heads.length)));
  const margin = 16;
  const top = 58;
  let y = top;
  const parts: string[] = [];
  for (const row of f.rows) {
    parts.push(label(margin, y + 12, row.model, { 'font-weight': 700, fill: INK }));
    y += 22;
    for (let i = 0; i < row.heads.length; i += perRow) {
      row.heads.slice(i, i + perRow).forEach((h, j) => parts.push(el('g', { transform: translate(margin + j * (blockW + GAP), y) }, heatmap(h, tokens, cell))));
      y += blockH + 10;
    }
    y += 6;
  }
  const width = Math.max(margin * 2 + perRow * blockW + (perRow - 1) * GAP, 580); // room for the title and the colour key
  const title = `Attention on “${f.input.map(formatValue).join(' ')}”`;
  const header =
    label(margin, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(margin, 38, 'rows: query positions; columns: key positions; BOS is position 0', { fill: MUTED }) +
    colourKey(width - margin - 6 * 26, 14);
  const svg = svgDocument({
    width,
    height: y + 4,
    title,
    description:
      `Attention patterns of every head (rows: ${f.rows.map((r) => r.model).join(', ')}) ` +
      `on the input ${tokens.join(' ')}; rows of each grid are queries, columns keys, BOS first.`,
    body: header + parts.join(''),
  });
  return {
    id: `attention-${f.index}`,
    title,
    caption:
      'Each grid is one head: row q shows how query position q spreads its attention over key positions (BOS first). ' +
      'A compiled head is labelled with the RASP expression it implements; a learned head with the compiled head it matches best, if any.',
    svg,
  };
}
