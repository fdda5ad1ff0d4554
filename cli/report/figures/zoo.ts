/**
 * The emergence figure of a model zoo: held-out exact match, token accuracy and log-likelihood
 * against model size, side by side, one line per program and data fraction (the mean over seeds,
 * src/zoo/populations.ts). A jump under exact match that is a slope under the other two is the
 * "mirage" reading of emergence (Schaeffer et al.).
 */
import { format } from 'd3';
import type { EmergencePoint } from '../../../src/zoo/populations.ts';
import { legend } from '../legend.ts';
import { linePanel, type Series } from '../lineChart.ts';
import { seriesColor } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';

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
