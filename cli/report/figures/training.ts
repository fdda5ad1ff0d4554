/**
 * The training curve of a learned model, from its metrics log: loss against step (log scale) and
 * exact match against step (the held-out set, and each logged training batch).
 */
import { format } from 'd3';
import type { TrainingCurve } from '../data.ts';
import { legend } from '../legend.ts';
import { linePanel } from '../lineChart.ts';
import { modelColor, MUTED, seriesColor } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';

const pct = format('.0%');
const loss = format('.2~g');

export function trainingFigure(model: string, curve: TrainingCurve, id = 'training'): Figure {
  const lastStep = Math.max(1, ...curve.steps.map((s) => s.step), ...curve.evals.map((e) => e.step));
  const losses = curve.steps.filter((s) => s.loss > 0);
  const lo = Math.min(...losses.map((s) => s.loss), 1);
  const hi = Math.max(...losses.map((s) => s.loss), 1);
  const panelW = 380;
  const panelH = 230;
  const top = 60;
  const trainColor = seriesColor(0);
  const testColor = modelColor(1);
  const lossPanel = linePanel(
    {
      title: 'training loss',
      x: { domain: [0, lastStep], title: 'step' },
      y: { domain: [lo * 0.8, hi * 1.25], title: 'loss (log scale)', log: true, format: loss },
      series: [{ name: 'loss', color: MUTED, points: losses.map((s) => [s.step, s.loss] as const), markers: losses.length <= 60 }],
    },
    16,
    top,
    panelW,
    panelH,
  );
  const trainAcc = curve.steps.filter((s) => s.trainAcc !== undefined).map((s) => [s.step, s.trainAcc!] as const);
  const accPanel = linePanel(
    {
      title: 'exact match',
      x: { domain: [0, lastStep], title: 'step' },
      y: { domain: [0, 1], title: 'exact match', format: pct },
      series: [
        { name: 'training batch', color: trainColor, dash: '4 3', points: trainAcc, markers: false },
        { name: 'held-out', color: testColor, points: curve.evals.map((e) => [e.step, e.testAcc] as const) },
      ],
    },
    16 + panelW + 16,
    top,
    panelW,
    panelH,
  );
  const title = `Training curve (${model})`;
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `from ${curve.source}`, { fill: MUTED }) +
    legend(
      [
        { name: 'loss', color: MUTED },
        { name: 'training batch exact match', color: trainColor, dash: '4 3' },
        { name: 'held-out exact match', color: testColor },
      ],
      16,
      54,
    ) +
    lossPanel +
    accPanel;
  return {
    id,
    title,
    caption:
      'Loss on each logged training batch, and exact match on the batch and on a held-out set drawn from the training lengths, against optimisation step.',
    svg: svgDocument({
      width: 32 + 2 * panelW + 16,
      height: top + panelH + 8,
      title,
      description: `Training loss and exact match against step for ${model}, from ${curve.source}.`,
      body,
    }),
  };
}
