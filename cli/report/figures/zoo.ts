/**
 * The emergence figure of a model zoo: held-out exact match, token accuracy and log-likelihood
 * against model size, side by side, one line per program and data fraction (the mean over seeds,
 * src/zoo/populations.ts). A jump under exact match that is a slope under the other two is the
 * "mirage" reading of emergence (Schaeffer et al.). And the Rashomon figure of each program.
 */
import { format } from 'd3';
import type { Basins } from '../../../probes/zoo/basins.ts';
import type { EmergencePoint, RashomonSet } from '../../../src/zoo/populations.ts';
import { legend } from '../legend.ts';
import { linePanel, type Series } from '../lineChart.ts';
import { heatColor, MUTED, seriesColor } from '../palette.ts';
import { el, label, svgDocument, tooltip, translate, type Figure } from '../svg.ts';

const pct = format('.0%');

/** "2L×2H d32 mlp128": a size as a tick. */
function sizeText(p: EmergencePoint): string {
  return `${p.layers ?? '?'}L×${p.heads ?? '?'}H d${p.dModel ?? '?'}${p.dMlp ? ` mlp${p.dMlp}` : ''}`;
}

/** Sizes in order (layers, then width, then MLP); each point placed at its size's index. */
function sizeOrder(points: readonly EmergencePoint[]): string[] {
  const key = (p: EmergencePoint) => [p.layers ?? 0, p.heads ?? 0, p.dModel ?? 0, p.dMlp ?? 0];
  const sorted = [...points].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const i = x.findIndex((v, j) => v !== y[j]);
    return i < 0 ? 0 : x[i] - y[i];
  });
  return [...new Set(sorted.map(sizeText))];
}

export function emergenceFigure(points: readonly EmergencePoint[]): Figure {
  const sizes = sizeOrder(points);
  const lineKey = (p: EmergencePoint) =>
    [p.program, p.dataFraction === 1 ? '' : `data ${p.dataFraction}`, p.steps === null ? '' : `${p.steps} steps`, p.lr === null ? '' : `lr ${p.lr}`]
      .filter((part) => part !== '')
      .join(', ');
  const lines = [...new Set(points.map(lineKey))];
  const series = (y: (p: EmergencePoint) => number): Series[] =>
    lines.map((name, i) => ({
      name,
      color: seriesColor(i),
      points: points
        .filter((p) => lineKey(p) === name)
        .map((p) => [sizes.indexOf(sizeText(p)), y(p)] as const)
        .sort((a, b) => a[0] - b[0]),
    }));
  const x = {
    domain: [-0.3, Math.max(0.3, sizes.length - 0.7)] as const,
    title: 'model size',
    ticks: sizes.map((text, value) => ({ value, text })),
  };
  const lo = Math.min(-0.01, ...points.map((p) => p.logLikelihood));
  const panelW = 330;
  const panelH = 250;
  const top = 34 + 18 * Math.ceil(lines.length / 3) + 12;
  const panels = [
    { title: 'exact match', y: { domain: [0, 1] as const, title: 'exact match', format: pct }, of: (p: EmergencePoint) => p.exactMatch },
    { title: 'token accuracy', y: { domain: [0, 1] as const, title: 'token accuracy', format: pct }, of: (p: EmergencePoint) => p.tokenAccuracy },
    {
      title: 'log-likelihood',
      y: { domain: [lo * 1.1, 0] as const, title: 'log-lik per output', format: format('.2~f') },
      of: (p: EmergencePoint) => p.logLikelihood,
    },
  ].map((p, i) => linePanel({ title: p.title, x, y: p.y, series: series(p.of) }, 16 + i * (panelW + 16), top, panelW, panelH));
  const title = 'Emergence: accuracy against size under three measures';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    legend(
      lines.map((name, i) => ({ name, color: seriesColor(i) })),
      16,
      40,
    ) +
    panels.join('');
  return {
    id: 'emergence',
    title,
    caption:
      'Held-out exact match, token accuracy and mean log-likelihood per output position against model size, the mean over seeds, one line per ' +
      'program, data fraction and step count. A jump under exact match that is a slope under token accuracy and log-likelihood is a ' +
      'property of the measure, not of the models.',
    svg: svgDocument({
      width: 32 + 3 * panelW + 32,
      height: top + panelH + 8,
      title,
      description: `Exact match, token accuracy and log-likelihood against size for ${lines.join('; ')}.`,
      body,
    }),
  };
}

/**
 * One program's Rashomon set: each model at its held-out exact match (x) against its agreement
 * with the program past the training lengths (y), coloured by the basin the pairwise barriers put
 * it in (or, without them, by its head-matching mechanism); the band of the set at best − ε; and
 * beside it the exact-match barrier between every same-shape pair. Equally good models spread
 * along y is predictive multiplicity; one colour across the band is one mechanism.
 */
export function rashomonFigure(s: RashomonSet, basins: Basins | null): Figure {
  const groups: { name: string; models: readonly string[] }[] = basins
    ? basins.groups.map((g, i) => ({ name: `basin ${i + 1} (${g.length})`, models: g }))
    : s.mechanisms.map((m) => ({ name: `${m.signature} (${m.models.length})`, models: m.models }));
  const model = new Map(s.models.map((m) => [m.key, m]));
  const y = (key: string) => model.get(key)?.beyond ?? 0;
  const series: Series[] = groups.map((g, i) => ({
    name: g.name,
    color: seriesColor(i),
    width: 0,
    points: g.models.map((k) => [model.get(k)!.testAcc, y(k)] as const),
  }));
  const lo = Math.max(0, Math.min(s.best - s.epsilon, ...s.models.map((m) => m.testAcc)) - 0.02);
  const panelW = 380;
  const panelH = 300;
  const top = 34 + 18 * Math.ceil(groups.length / 3) + 12;
  const scatter = linePanel(
    {
      title: 'each model: held-out and beyond',
      x: { domain: [lo, 1], title: 'held-out exact match', format: pct },
      y: { domain: [0, 1], title: 'agreement beyond training lengths', format: pct },
      series,
      xMarks: [{ x: Math.max(lo, s.best - s.epsilon), text: `best − ε (ε = ${s.epsilon})`, color: MUTED }],
    },
    16,
    top,
    panelW,
    panelH,
  );
  const matrix = basins ? barrierMatrix(basins, groups, 16 + panelW + 24, top + 10) : { svg: '', width: 0, height: 0 };
  const title = `Rashomon set of ${s.program}: ${s.models.length} model(s) within ε = ${s.epsilon} of ${pct(s.best)}`;
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    legend(
      groups.map((g, i) => ({ name: g.name, color: seriesColor(i) })),
      16,
      40,
    ) +
    scatter +
    matrix.svg;
  return {
    id: `rashomon-${s.program}`,
    title,
    caption:
      'Each dot is one model of the set: its held-out exact match against its agreement with the program past the training lengths. ' +
      (basins
        ? `Colour: its basin, models joined by an aligned straight line with an exact-match barrier below ${basins.threshold} (single linkage); ` +
          'the matrix gives every same-shape pair’s barrier (blank: different shapes, no line).'
        : 'Colour: which compiled head each matched learned head does the job of.'),
    svg: svgDocument({
      width: 16 + panelW + 24 + matrix.width + 16,
      height: top + Math.max(panelH, matrix.height) + 8,
      title,
      description: `${s.models.length} models of ${s.program} in ${groups.length} group(s).`,
      body,
    }),
  };
}

/** The pairwise barriers as a matrix, models in the order of their groups. */
function barrierMatrix(b: Basins, groups: readonly { models: readonly string[] }[], x: number, y: number): { svg: string; width: number; height: number } {
  const keys = groups.flatMap((g) => g.models);
  const cell = Math.max(8, Math.min(28, Math.floor(260 / Math.max(1, keys.length))));
  const at = new Map(keys.map((k, i) => [k, i]));
  const max = Math.max(0.01, ...b.pairs.map((p) => p.exactMatch));
  const cells = b.pairs.flatMap((p) => {
    const [i, j] = [at.get(p.a)!, at.get(p.b)!];
    const tip = tooltip(`${p.a.slice(0, 8)} – ${p.b.slice(0, 8)}: exact-match barrier ${p.exactMatch.toFixed(3)}, loss barrier ${p.loss.toFixed(3)}`);
    return [
      [i, j],
      [j, i],
    ].map(([r, c]) =>
      el('rect', { class: 'cell', x: c * cell, y: 20 + r * cell, width: cell - 1, height: cell - 1, fill: heatColor(p.exactMatch / max) }, tip),
    );
  });
  const side = keys.length * cell;
  const svg = el(
    'g',
    { class: 'barrier-matrix', transform: translate(x, y) },
    label(0, 12, `exact-match barrier between pairs (darkest ${max.toFixed(2)})`, { 'font-weight': 600 }),
    ...cells,
  );
  return { svg, width: Math.max(side, 300), height: 20 + side };
}
