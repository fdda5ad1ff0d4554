/**
 * The figures of the landscape experiments (cli/commands/landscape.ts), each from its probe's plain
 * result: the radius distributions of compiled and learned minima; the loss along the lines between
 * seeds and between a model and its fine-tuned self; mean radius and barrier against exact match
 * beyond the training lengths.
 */
import type { MinimaVolumes } from '../../../probes/landscape/minimaVolumes.ts';
import { legend } from '../legend.ts';
import { modelColor, modelStroke, MUTED } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';
import { radiusPanel } from './landscape.ts';

const PANEL = { width: 480, height: 280, top: 60 };

export function minimaVolumesFigure(r: MinimaVolumes): Figure {
  const colors = r.models.map((_, k) => modelColor(k));
  const title = 'Volume of compiled vs learned minima';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, `${r.directions} directions (seed ${r.seed}), each model's cutoff its own loss + ${r.rise}, ${r.inputs} probe inputs`, { fill: MUTED }) +
    legend(
      r.models.map((m, k) => ({ name: `${m.name} (D = ${m.dimension})`, color: colors[k], ...modelStroke(k, r.models.length) })),
      16,
      PANEL.top - 6,
    ) +
    radiusPanel(
      r.models.map((m) => ({ name: m.name, radii: m.radii })),
      colors,
      16,
      PANEL.top,
      PANEL.width,
      PANEL.height,
    );
  return {
    id: 'minima-volumes',
    title,
    caption:
      'Along each seeded random direction (filter-normalised, the same directions seed for every model), the radius where the loss on the same probe inputs ' +
      'first rises the given amount above the model’s own; a curve further right is a wider minimum. ' +
      'Radii compare across shapes; log-volumes do not (each is ' +
      'taken in its own model’s dimension D).',
    svg: svgDocument({
      width: 32 + PANEL.width,
      height: PANEL.top + PANEL.height + 8,
      title,
      description: `Radius distributions of ${r.models.map((m) => m.name).join(', ')}.`,
      body,
    }),
  };
}
