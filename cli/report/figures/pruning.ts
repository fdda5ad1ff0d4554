/**
 * Pruning curves: exact match against sparsity, one panel per pruning method (global and
 * per-matrix magnitude, whole heads, whole neurons), one line per model.
 */
import { format } from 'd3';
import { legend } from '../legend.ts';
import { linePanel } from '../lineChart.ts';
import { modelStroke, MUTED } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';

export interface PruningLines {
  readonly name: string;
  readonly color: string;
  readonly curves: readonly {
    readonly method: string;
    /** `zeros`: the share of weights that are zero after pruning to `sparsity`. */
    readonly points: readonly { readonly sparsity: number; readonly zeros: number; readonly exactMatch: number }[];
  }[];
}

/** The share of a model's prunable weights that are zero before any pruning (its sparsity-0 point). */
function startZeros(m: PruningLines): number {
  const c = m.curves.find((q) => q.method === 'global') ?? m.curves[0];
  return c?.points.find((p) => p.sparsity === 0)?.zeros ?? 0;
}

const METHOD_TITLES: Record<string, string> = {
  global: 'global magnitude',
  'per-matrix': 'per-matrix magnitude',
  heads: 'whole heads',
  neurons: 'whole neurons',
};

const pct = format('.0%');

export function pruningFigure(models: readonly PruningLines[]): Figure {
  const methods = [...new Set(models.flatMap((m) => m.curves.map((c) => c.method)))];
  const panelW = 260;
  const panelH = 210;
  const cols = Math.min(4, Math.max(1, methods.length));
  // A compiled model is mostly exact zeros: magnitude pruning removes those first and changes
  // nothing, so a flat start says how sparse it was, not how robust. Say so, and mark it.
  const sparse = models.filter((m) => startZeros(m) >= 0.005);
  const note = sparse.map((m) => `${m.name} starts with ${pct(startZeros(m))} zero weights`).join('; ');
  const top = note ? 76 : 60;
  const panels = methods.map((method, i) =>
    linePanel(
      {
        title: METHOD_TITLES[method] ?? method,
        x: { domain: [0, 1], title: 'sparsity (share removed)', format: pct },
        y: { domain: [0, 1], title: 'exact match', format: pct },
        series: models
          .flatMap((m, k) => {
            const c = m.curves.find((q) => q.method === method);
            return c
              ? [{ name: m.name, color: m.color, ...modelStroke(k, models.length), points: c.points.map((p) => [p.sparsity, p.exactMatch] as const) }]
              : [];
          })
          .reverse(),
        // Up to its starting zeros, global magnitude pruning removes only weights that were zero.
        xMarks: method === 'global' ? sparse.map((m) => ({ x: startZeros(m), text: `${m.name}: ${pct(startZeros(m))} zero`, color: m.color })) : [],
      },
      16 + (i % cols) * panelW,
      top + Math.floor(i / cols) * panelH,
      panelW,
      panelH,
    ),
  );
  const rows = Math.ceil(methods.length / cols);
  const width = Math.max(32 + cols * panelW, 420);
  const title = 'Pruning curves';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, 'exact match as more of the smallest weights (or weakest heads / neurons) are zeroed', { fill: MUTED }) +
    (note ? label(16, 54, `${note} before any pruning: up to that share, global magnitude pruning zeroes nothing new`, { fill: MUTED }) : '') +
    legend(
      models.map((m, k) => ({ name: m.name, color: m.color, ...modelStroke(k, models.length) })),
      16,
      top - 6,
    ) +
    panels.join('');
  return {
    id: 'pruning',
    title,
    caption:
      'Unstructured pruning zeroes the smallest attention and MLP weights, across all matrices (global) ' +
      'or within each; structured pruning removes the weakest whole heads or neurons. ' +
      'A curve that stays high for long means the model has weight to spare, except where the weights removed were already zero: ' +
      'a compiled model is mostly exact zeros, so its curve stays flat up to its starting share of zeros (marked) whatever its robustness.',
    svg: svgDocument({
      width,
      height: top + rows * panelH + 8,
      title,
      description: `Exact match against sparsity for ${models.map((m) => m.name).join(' and ')}, methods ${methods.join(', ')}.`,
      body,
    }),
  };
}
