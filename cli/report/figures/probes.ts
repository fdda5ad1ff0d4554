/**
 * Linear-probe accuracy per layer: one panel per program variable, held-out accuracy at each
 * residual read point (embeddings, after each layer), one line per model (the first dashed, on
 * top); the dotted line is the accuracy that counts as decodable.
 */
import { format } from 'd3';
import { legend } from '../legend.ts';
import { linePanel } from '../lineChart.ts';
import { modelStroke, MUTED } from '../palette.ts';
import { label, svgDocument, type Figure } from '../svg.ts';

export interface ProbeLines {
  readonly name: string;
  readonly color: string;
  readonly variables: readonly { readonly variable: string; readonly accuracy: readonly number[] }[];
}

const pct = format('.0%');

/** Read point p: 0 is the embeddings, p > 0 the residual after layer p − 1. */
export const readPointName = (p: number): string => (p === 0 ? 'embed' : `after L${p - 1}`);

export function probeFigure(models: readonly ProbeLines[], threshold = 0.99): Figure {
  const variables = [...new Set(models.flatMap((m) => m.variables.map((v) => v.variable)))];
  const points = Math.max(1, ...models.flatMap((m) => m.variables.map((v) => v.accuracy.length)));
  const panelW = 240;
  const panelH = 200;
  const cols = Math.min(4, Math.max(1, variables.length));
  const top = 60;
  const ticks = Array.from({ length: points }, (_, p) => ({ value: p, text: readPointName(p) }));
  const panels = variables.map((variable, i) =>
    linePanel(
      {
        title: variable,
        x: { domain: [0, Math.max(1, points - 1)], title: 'residual read point', ticks },
        y: { domain: [0, 1], title: 'held-out accuracy', format: pct },
        // The first model last, so its dashed line shows on top of an equal one.
        series: models
          .flatMap((m, k) => {
            const v = m.variables.find((q) => q.variable === variable);
            return v ? [{ name: m.name, color: m.color, ...modelStroke(k, models.length), points: v.accuracy.map((a, p) => [p, a] as const) }] : [];
          })
          .reverse(),
        refLines: [{ y: threshold, text: `decodable (${pct(threshold)})` }],
      },
      16 + (i % cols) * panelW,
      top + Math.floor(i / cols) * panelH,
      panelW,
      panelH,
    ),
  );
  const rows = Math.max(1, Math.ceil(variables.length / cols));
  const width = Math.max(32 + cols * panelW, 420);
  const title = 'Linear probes per layer';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, 'how well a linear read-out of the residual stream recovers each program variable', { fill: MUTED }) +
    legend(
      models.map((m, k) => ({ name: m.name, color: m.color, ...modelStroke(k, models.length) })),
      16,
      54,
    ) +
    panels.join('');
  return {
    id: 'probes',
    title,
    caption:
      'For each variable of the program, a linear probe is fitted from the residual stream at each ' +
      'read point to the variable’s value per position; the curve is its accuracy on held-out inputs. ' +
      'Where a curve crosses the dotted grey line the variable has become linearly decodable; where two curves coincide, the dashed one lies on the solid one.',
    svg: svgDocument({
      width,
      height: top + rows * panelH + 8,
      title,
      description: `Held-out probe accuracy per read point for ${variables.join(', ')}.`,
      body,
    }),
  };
}
