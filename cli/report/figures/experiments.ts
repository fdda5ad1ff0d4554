/**
 * The figures of the landscape experiments (cli/commands/landscape.ts), each from its probe's plain
 * result: the radius distributions of compiled and learned minima; the loss along the lines between
 * seeds and between a model and its fine-tuned self; mean radius and barrier against exact match
 * beyond the training lengths; mean radius and unseen exact match against the amount of training data.
 */
import { format } from 'd3';
import type { MinimaVolumes } from '../../../probes/landscape/minimaVolumes.ts';
import type { TunedBarriers } from '../../../probes/landscape/tunedBarriers.ts';
import type { BeyondLengths } from '../../../probes/landscape/beyondLengths.ts';
import type { DataVolumes } from '../../../probes/landscape/dataVolumes.ts';
import { linePanel, type Series } from '../lineChart.ts';
import { legend } from '../legend.ts';
import { modelColor, modelStroke, MUTED, seriesColor } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';
import { radiusPanel } from './landscape.ts';

const PANEL = { width: 480, height: 280 };

/** A line panel in the grid the experiment figures share: column `col`, row `row` below `top`. */
const gridPanel = (spec: Parameters<typeof linePanel>[0], col: number, row: number, top: number): string =>
  linePanel(spec, 16 + col * PANEL.width, top + row * PANEL.height, PANEL.width, PANEL.height);

export function minimaVolumesFigure(r: MinimaVolumes): Figure {
  const colors = r.models.map((_, k) => modelColor(k));
  const title = 'Volume of compiled vs learned minima';
  const all = r.models.flatMap((m) => m.radii);
  // A compiled minimum's radii can be a hundredth of a learned one's: then the radius axis is logarithmic.
  const log = Math.min(...all) > 0 && Math.max(...all) / Math.min(...all) > 20;
  const top = 56 + 16 * r.models.length;
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `${r.directions} directions (seed ${r.seed}), each model's cutoff its own loss + ${r.rise}, ${r.inputs} probe inputs`, { fill: MUTED }) +
    // One entry per row: the names are long.
    r.models
      .map((m, k) =>
        legend(
          [{ name: `${m.name} (D = ${m.dimension}; mean radius ${m.radius.mean.toPrecision(3)})`, color: colors[k], ...modelStroke(k, r.models.length) }],
          16,
          56 + 16 * k,
        ),
      )
      .join('') +
    radiusPanel(
      r.models.map((m) => ({ name: m.name, radii: m.radii })),
      colors,
      16,
      top,
      PANEL.width,
      PANEL.height,
      { log },
    );
  return {
    id: 'minima-volumes',
    title,
    caption:
      'Along each seeded random direction (filter-normalised, the same directions seed for every model), the radius where the loss on the same probe inputs ' +
      'first rises the given amount above the model’s own; a curve further right is a wider minimum. ' +
      'Radii compare across shapes; log-volumes do not (each is ' +
      `taken in its own model’s dimension D).${log ? ' The radius axis is logarithmic.' : ''}`,
    svg: svgDocument({
      width: 32 + PANEL.width,
      height: top + PANEL.height + 8,
      title,
      description: `Radius distributions of ${r.models.map((m) => m.name).join(', ')}.`,
      body,
    }),
  };
}

/** The loss and exact match along A–B, A–T and B–T (the first probe set's: the training lengths). */
export function tunedBarriersFigure(r: TunedBarriers): Figure {
  const title = 'Barrier between seeds vs between a model and its fine-tuned self';
  const paths = r.pairs.map((p, k) => ({ name: `${p.from} – ${p.to}`, kind: p.kind, set: p.sets[0], color: seriesColor(k) }));
  const series = (f: (q: { loss: number; exactMatch: number }) => number): Series[] =>
    paths.map((p) => ({ name: p.name, color: p.color, points: p.set.path.map((q) => [q.t, f(q)] as const) }));
  const maxLoss = Math.max(1e-6, ...paths.flatMap((p) => p.set.path.map((q) => q.loss)));
  // Below a legend of one entry per row.
  const top = 56 + 16 * paths.length;
  const t = { domain: [0, 1] as const, title: 't (0: the first model, 1: the second, aligned)' };
  const panels = [
    gridPanel(
      {
        title: `loss on ${paths[0].set.name === 'trained' ? 'the training lengths' : paths[0].set.name}`,
        x: t,
        y: { domain: [0, maxLoss * 1.05], title: 'loss', format: format('.2f') },
        series: series((q) => q.loss),
      },
      0,
      0,
      top,
    ),
    gridPanel(
      { title: 'exact match', x: t, y: { domain: [0, 1], title: 'exact match', format: format('.0%') }, series: series((q) => q.exactMatch) },
      1,
      0,
      top,
    ),
  ];
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `straight lines, each second end aligned to its first; ${r.points} points`, { fill: MUTED }) +
    // One entry per row: the names are long.
    paths.map((p, k) => legend([{ name: `${p.name} (${p.kind}; barrier ${p.set.barrier.loss.toFixed(3)})`, color: p.color }], 16, 56 + 16 * k)).join('') +
    panels.join('');
  return {
    id: 'tuned-barriers',
    title,
    caption:
      'Loss and exact match at evenly spaced points on the straight line between two seeds (A–B), between A and A fine-tuned (A–T), and between B and ' +
      'A fine-tuned (B–T), the second end permuted to match the first (rasplab connect). The barrier is the highest loss minus the ends’ mean.',
    svg: svgDocument({
      width: 32 + 2 * PANEL.width,
      height: top + PANEL.height + 8,
      title,
      description: `Loss along ${paths.map((p) => `${p.name} (barrier ${p.set.barrier.loss.toFixed(3)})`).join(', ')}.`,
      body,
    }),
  };
}

/**
 * Accuracy beyond the training lengths against mean radius and against the barrier to the reference, one point per model:
 * exact match in the top row, token accuracy (which still varies when no model gets a whole longer input right) below.
 */
export function beyondLengthsFigure(r: BeyondLengths): Figure {
  const title = 'Volume and barrier against accuracy beyond the training lengths';
  const colors = r.models.map((_, k) => modelColor(k));
  const lengths = r.models[0].beyond.map((b) => b.name).join(', ');
  type M = BeyondLengths['models'][number];
  const span = (xs: number[]): [number, number] => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    const pad = Math.max(1e-6, (hi - lo) * 0.1, Math.abs(hi) * 0.05);
    return [Math.max(0, lo - pad), hi + pad];
  };
  const metrics = [
    { name: 'exact match', y: (m: M) => m.exactBeyond, rho: r.correlation },
    { name: 'token accuracy', y: (m: M) => m.tokenBeyond, rho: r.tokenCorrelation },
  ];
  const measures = [
    { name: 'mean radius', title: 'mean radius (filter-normalised)', x: (m: M) => m.meanRadius, rho: 'radius' as const, format: format('.2~g') },
    ...(r.reference !== null
      ? [
          {
            name: `barrier to ${r.reference}`,
            title: `loss barrier of the line from ${r.reference}`,
            x: (m: M) => m.barrier!,
            rho: 'barrier' as const,
            format: format('.2~f'),
          },
        ]
      : []),
  ];
  const top = 56 + 16 * r.models.length;
  const panels = metrics.flatMap((metric, row) =>
    measures.map((measure, col) =>
      gridPanel(
        {
          title: `${metric.name} beyond vs ${measure.name} (ρ ${metric.rho[measure.rho] === null ? '–' : metric.rho[measure.rho]!.toFixed(2)})`,
          x: { domain: span(r.models.map(measure.x)), title: measure.title, format: measure.format },
          y: { domain: [0, 1], title: `${metric.name} beyond (mean)`, format: format('.0%') },
          series: r.models.map((m, k): Series => ({ name: m.name, color: colors[k], points: [[measure.x(m), metric.y(m)] as const] })),
        },
        col,
        row,
        top,
      ),
    ),
  );
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `accuracy on ${lengths}; radii on the training lengths (${r.directions} directions, seed ${r.seed}, rise ${r.rise})`, { fill: MUTED }) +
    r.models
      .map((m, k) => {
        const text = `${m.name}: radius ${m.meanRadius.toPrecision(3)}${m.barrier === null ? '' : `, barrier ${m.barrier.toFixed(3)}`}`;
        return legend(
          [{ name: `${text}, beyond ${format('.1%')(m.exactBeyond)} exact, ${format('.1%')(m.tokenBeyond)} tokens`, color: colors[k] }],
          16,
          56 + 16 * k,
        );
      })
      .join('') +
    panels.join('');
  return {
    id: 'beyond-lengths',
    title,
    caption:
      'One point per model: the mean exact match (top) and token accuracy (bottom) on lengths beyond those it was trained on, against its mean radius ' +
      'along random directions (rasplab volume, on the training lengths) and against the loss barrier of the straight line from the reference model ' +
      '(rasplab connect, aligned). ρ is Spearman’s rank correlation across the models.',
    svg: svgDocument({
      width: 32 + measures.length * PANEL.width,
      height: top + metrics.length * PANEL.height + 8,
      title,
      description: `Accuracy beyond against mean radius${r.reference !== null ? ' and barrier' : ''} for ${r.models.map((m) => m.name).join(', ')}.`,
      body,
    }),
  };
}

export function dataVolumesFigure(r: DataVolumes): Figure {
  const title = 'Volume of a minimum against the amount of training data';
  const fractions = r.fractions.map((f) => f.fraction);
  const x = {
    domain: [Math.max(0, Math.min(...fractions) - 0.05), Math.min(1.05, Math.max(...fractions) + 0.05)] as const,
    title: 'share of the training inputs trained on',
    format: format('.0%'),
  };
  const radii = r.models.map((m) => m.meanRadius);
  const hi = Math.max(...radii) * 1.1 || 1;
  const rho = (v: number | null) => (v === null ? '–' : v.toFixed(2));
  const dots = (y: (m: DataVolumes['models'][number]) => number | null): Series => ({
    name: 'each model',
    color: seriesColor(0),
    width: 0,
    points: r.models.flatMap((m) => (y(m) === null ? [] : [[m.dataFraction, y(m)!] as const])),
  });
  const means = (y: (f: DataVolumes['fractions'][number]) => number | null): Series => ({
    name: 'mean per fraction',
    color: seriesColor(1),
    markers: false,
    points: r.fractions.flatMap((f) => (y(f) === null ? [] : [[f.fraction, y(f)!] as const])),
  });
  const top = 74;
  const panels = [
    gridPanel(
      {
        title: `mean radius (ρ with the fraction ${rho(r.correlation.fraction)})`,
        x,
        y: { domain: [0, hi], title: 'mean radius (filter-normalised)', format: format('.2~g') },
        series: [dots((m) => m.meanRadius), means((f) => f.meanRadius)],
      },
      0,
      0,
      top,
    ),
    gridPanel(
      {
        title: 'exact match on the inputs it did not train on',
        x,
        y: { domain: [0, 1], title: 'exact match, unseen inputs', format: format('.0%') },
        series: [dots((m) => m.unseen?.exactMatch ?? null), means((f) => f.exactUnseen)],
      },
      1,
      0,
      top,
    ),
  ];
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `${r.models.length} models; radii on ${r.inputs} inputs, ${r.directions} directions (seed ${r.seed}), rise ${r.rise}`, { fill: MUTED }) +
    legend(
      [
        { name: 'each model', color: seriesColor(0) },
        { name: 'mean per fraction', color: seriesColor(1) },
      ],
      16,
      56,
    ) +
    panels.join('');
  return {
    id: 'data-volumes',
    title,
    caption:
      'Left: each model’s mean radius along random directions (filter-normalised, each to its own loss plus the rise) against the share of its ' +
      'training lengths’ inputs it was trained on (train --data-fraction). Right: its exact match on the inputs of those lengths it never saw ' +
      `(none at 100%). ρ is Spearman’s rank correlation across the models; of the radius with unseen exact match: ${rho(r.correlation.unseen)}.`,
    svg: svgDocument({
      width: 32 + 2 * PANEL.width,
      height: top + PANEL.height + 8,
      title,
      description: `Mean radius and unseen exact match against data fraction for ${r.models.length} models.`,
      body,
    }),
  };
}
