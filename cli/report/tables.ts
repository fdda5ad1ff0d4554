/**
 * The report's tables as HTML: the models side by side, output agreement, which head of one model
 * does each head's job in the other (with what ablating each costs), where each variable becomes
 * decodable, and neuron sparsity.
 */
import { formatHead } from '../../src/model/components.ts';
import { headAblated, type ModelSection, type ReportData } from './data.ts';
import { readPointName } from './figures/probes.ts';
import { esc } from './svg.ts';
import { plural } from '../../src/rasp/plural.ts';

type Cell = string | number;

export const pct = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);

export function htmlTable(caption: string, head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (tag: string, c: Cell) => `<${tag}>${esc(String(c))}</${tag}>`;
  return (
    `<table><caption>${esc(caption)}</caption>` +
    `<thead><tr>${head.map((h) => cell('th', h)).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/** "2 layers; heads 1, 1; …", or for one layer "1 layer; 1 head; …". */
function shape(m: ModelSection): string {
  const heads = m.layers === 1 ? plural(m.headsPerLayer[0], 'head') : `heads ${m.headsPerLayer.join(', ')}`;
  return `${plural(m.layers, 'layer')}; ${heads}; d_model ${m.dModel}; d_mlp ${m.dMlp.join(', ')}`;
}

function modelsTable(d: ReportData): string {
  const ms = d.models;
  const row = (what: string, f: (m: ModelSection) => Cell) => [what, ...ms.map(f)];
  return htmlTable(
    'The models',
    ['', ...ms.map((m) => m.name)],
    [
      row('file', (m) => m.file),
      row('shape', shape),
      row('parameters', (m) => m.params),
      row('context (tokens + BOS)', (m) => m.nCtx),
      row(ms.some((m) => m.origin === 'learned') ? 'built / trained for lengths' : 'built for lengths', (m) => `${m.lengths[0]}–${m.lengths[1]}`),
      row(`exact match on the ${d.settings.inputs} probe inputs`, (m) => pct(m.exactMatch)),
      row('exact match on longer inputs', (m) =>
        m.beyond.length ? m.beyond.map((b) => `length ${b.length}: ${pct(b.exactMatch)}`).join('; ') : `none fit (context ${m.nCtx})`,
      ),
    ],
  );
}

function outputsTable(d: ReportData): string {
  const c = d.comparison!;
  const [a, b] = d.models;
  const rows = [c.outputs.inRange, c.outputs.outOfRange].flatMap((o, i) =>
    o
      ? [
          [
            i === 0 ? 'trained' : 'beyond',
            o.minLen === o.maxLen ? String(o.minLen) : `${o.minLen}–${o.maxLen}`,
            o.inputs,
            pct(o.agreement),
            pct(o.aExact),
            pct(o.bExact),
          ],
        ]
      : [],
  );
  return htmlTable('Outputs', ['lengths', 'range', 'inputs', `${a.name} = ${b.name}`, `${a.name} exact`, `${b.name} exact`], rows);
}

function headsTable(d: ReportData): string {
  const [a, b] = d.models;
  if (!d.comparison || !b) {
    const heads = a.attention[0]?.heads ?? [];
    return htmlTable(
      `Heads of ${a.name}`,
      ['head', 'implements', 'exact, zero-ablated', 'exact, mean-ablated'],
      heads.map((h) => [formatHead(h), a.headLabels[formatHead(h)] ?? '–', pct(headAblated(a, h)), pct(headAblated(a, h, 'mean'))]),
    );
  }
  return htmlTable(
    `Heads of ${a.name} and their best match in ${b.name} (similarity: mean 1 − Jensen–Shannon divergence of the attention patterns)`,
    ['head', 'implements', `best in ${b.name}`, 'similarity', 'matched', `${a.name} exact, head zero-ablated`, `${b.name} exact, match zero-ablated`],
    d.comparison.matches.map((m) => {
      return [
        formatHead(m.head),
        m.expr ?? '–',
        m.best ? formatHead(m.best) : '–',
        m.similarity.toFixed(3),
        m.matched ? 'yes' : 'no',
        pct(headAblated(a, m.head)),
        m.best ? pct(headAblated(b, m.best)) : '–',
      ];
    }),
  );
}

function decodableTable(d: ReportData): string {
  const variables = [...new Set(d.models.flatMap((m) => m.probes.map((p) => p.variable)))];
  const at = (m: ModelSection, v: string) => {
    const p = m.probes.find((q) => q.variable === v);
    return p?.firstDecodable === null || p?.firstDecodable === undefined ? 'never' : readPointName(p.firstDecodable);
  };
  return htmlTable(
    'First linearly decodable (≥ 99% held-out)',
    ['variable', ...d.models.map((m) => m.name)],
    variables.map((v) => [v, ...d.models.map((m) => at(m, v))]),
  );
}

function neuronsTable(d: ReportData): string {
  const rows = d.models.flatMap((m) => m.neurons.map((n) => [m.name, n.layer, `${n.dead} / ${n.dMlp}`, pct(n.meanFractionActive)]));
  return htmlTable('MLP neurons', ['model', 'layer', 'dead / total', 'mean share of positions active'], rows.length ? rows : [['–', '–', 'no MLPs', '–']]);
}

/** Every table of the report, in page order. */
export function reportTables(d: ReportData): string[] {
  return [modelsTable(d), ...(d.comparison ? [outputsTable(d)] : []), headsTable(d), decodableTable(d), neuronsTable(d)];
}
