/**
 * The loss landscape (report --landscape): on the left, the loss along the straight line between
 * the two models (aligned; probes/landscape/connect.ts); on the right, each model's radii along
 * random directions (probes/landscape/volume.ts) as an empirical distribution: the share of
 * directions whose loss stays under the cutoff at least as far as each radius.
 */
import { format } from 'd3';
import type { LandscapeSection } from '../data.ts';
import { legend } from '../legend.ts';
import { linePanel, type Series } from '../lineChart.ts';
import { modelStroke, MUTED, seriesColor } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';

const pct = format('.0%');

/** (radius, share of directions with a radius ≥ it), from the largest radius down. */
export function survival(radii: readonly number[]): [number, number][] {
  const sorted = [...radii].sort((x, y) => x - y);
  return sorted.map((r, i) => [r, (sorted.length - i) / sorted.length]);
}

/**
 * Each model's radii as the share of directions whose loss stays under the cutoff at least that far (one curve per model); with
 * `log`, on a log axis (radii of very different sizes).
 */
export function radiusPanel(
  volumes: readonly { readonly name: string; readonly radii: readonly number[] }[],
  colors: readonly string[],
  x: number,
  y: number,
  width: number,
  height: number,
  opts: { readonly log?: boolean } = {},
): string {
  const all = volumes.flatMap((v) => v.radii);
  const [lo, hi] = [Math.min(...all), Math.max(1e-6, ...all)];
  const series: Series[] = volumes.map((v, k) => ({ name: v.name, color: colors[k], ...modelStroke(k, volumes.length), points: survival(v.radii) }));
  const directions = Math.max(...volumes.map((v) => v.radii.length));
  return linePanel(
    {
      title: `radius at which the loss first exceeds its cutoff (${directions} directions)`,
      x: opts.log
        ? { domain: [lo / 1.2, hi * 1.2], title: 'radius (filter-normalised, log scale)', format: format('.1~e'), log: true }
        : { domain: [0, hi * 1.05], title: 'radius (filter-normalised)', format: format('.2~g') },
      y: { domain: [0, 1], title: 'share of directions at least this far', format: pct },
      series,
    },
    x,
    y,
    width,
    height,
  );
}

export function landscapeFigure(l: LandscapeSection, colors: readonly string[]): Figure {
  const panelW = 340;
  const panelH = 240;
  const top = 60;
  const panels: string[] = [];
  if (l.path) {
    const losses = l.path.points.map((p) => p.loss);
    panels.push(
      linePanel(
        {
          title: `loss on the line from ${l.path.from} to ${l.path.to}`,
          x: { domain: [0, 1], title: 't (0: first model, 1: second)' },
          y: { domain: [0, Math.max(1e-6, ...losses) * 1.05], title: 'loss', format: format('.2f') },
          series: [{ name: 'line (aligned)', color: seriesColor(0), points: l.path.points.map((p) => [p.t, p.loss] as const) }],
          refLines: [{ y: (losses[0] + losses[losses.length - 1]) / 2, text: `ends’ mean; barrier ${l.path.barrier.toFixed(3)}` }],
        },
        16,
        top,
        panelW,
        panelH,
      ),
    );
  }
  if (l.volumes.length) panels.push(radiusPanel(l.volumes, colors, 16 + (l.path ? panelW : 0), top, panelW, panelH));
  const title = 'Loss landscape';
  const pathText = l.path ? `Loss along the path (barrier ${l.path.barrier.toFixed(3)}); r` : 'R';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, 'the straight path between the two models, and how far each model’s loss stays low along random directions', { fill: MUTED }) +
    legend(
      l.volumes.map((v, k) => ({ name: v.name, color: colors[k], ...modelStroke(k, l.volumes.length) })),
      16,
      top - 6,
    ) +
    panels.join('');
  return {
    id: 'landscape',
    title,
    caption:
      'Left: loss at evenly spaced points between the two models’ weights, the second permuted to match the first (rasplab connect); the barrier is the ' +
      'highest loss minus the ends’ mean. Right: along each seeded random direction, the radius where the loss first rises 0.1 above the model’s own ' +
      '(rasplab volume); a curve further right is a wider minimum.',
    svg: svgDocument({
      width: 32 + panels.length * panelW,
      height: top + panelH + 8,
      title,
      description: `${pathText}adius distributions of ${l.volumes.map((v) => v.name).join(' and ')}.`,
      body,
    }),
  };
}
