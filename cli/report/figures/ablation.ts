/**
 * The ablation profile as bars: for each component (head, attention or MLP sublayer, layer) the
 * exact match left when it is ablated, one bar per model, one panel per ablation mode. Dashed
 * lines mark each model's unablated exact match; a mode that cannot see a kind of dependence says
 * so under its panel's title, where its bars are read.
 */
import { format, scaleBand, scaleLinear } from 'd3';
import { compareComponents, formatComponents, type ComponentRef } from '../../../src/model/components.ts';
import { ABLATION_MODES, type AblationMode } from '../../../probes/ablation.ts';
import { blindSpotOf } from '../../format/ablation.ts';
import { axisBottom, scaleTicks } from '../axes.ts';
import { legend } from '../legend.ts';
import { MUTED } from '../palette.ts';
import { el, label, tooltip, translate, svgDocument, type Figure } from '../svg.ts';

export interface AblationBars {
  readonly name: string;
  readonly color: string;
  /** Exact match of the unablated model. */
  readonly baseline: number;
  readonly results: readonly { readonly component: readonly ComponentRef[]; readonly mode: AblationMode; readonly exactMatch: number }[];
}

type Ablated = readonly ComponentRef[];

/** Each ablated set once, by layer (heads, attention, MLP, the whole layer); sets ablated together by their first member. */
export function orderComponents(sets: Iterable<Ablated>): Ablated[] {
  const unique = new Map<string, Ablated>();
  for (const s of sets) unique.set(formatComponents(s), s);
  const compare = (a: Ablated, b: Ablated): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = compareComponents(a[i], b[i]);
      if (d) return d;
    }
    return a.length - b.length;
  };
  return [...unique.values()].sort(compare);
}

const pct = format('.0%');
const pct1 = format('.1%');

function panel(
  mode: AblationMode,
  models: readonly AblationBars[],
  components: readonly Ablated[],
  x: number,
  y: number,
  w: number,
): { svg: string; height: number } {
  const left = 56;
  const plotW = w - left - 44;
  const row = Math.max(14, 9 * models.length + 6);
  const plotH = components.length * row;
  const names = components.map(formatComponents);
  const sy = scaleBand<string>().domain(names).range([0, plotH]).paddingInner(0.25).paddingOuter(0.1);
  const inner = scaleBand<string>()
    .domain(models.map((m) => m.name))
    .range([0, sy.bandwidth()])
    .padding(0.08);
  const sx = scaleLinear().domain([0, 1]).range([0, plotW]);
  const bars: string[] = [];
  for (const c of names)
    for (const m of models) {
      const r = m.results.find((q) => q.mode === mode && formatComponents(q.component) === c);
      if (!r) continue;
      const by = sy(c)! + inner(m.name)!;
      bars.push(
        el(
          'g',
          { class: 'bar-group' },
          el(
            'rect',
            { class: 'bar', x: 0, y: by, width: Math.max(0.5, sx(r.exactMatch)), height: inner.bandwidth(), fill: m.color },
            tooltip(`${m.name}, ${c} (${mode}): ${pct1(r.exactMatch)} exact`),
          ),
          label(sx(r.exactMatch) + 3, by + inner.bandwidth() / 2, pct(r.exactMatch), { 'dominant-baseline': 'middle', 'font-size': 9, fill: MUTED }),
        ),
      );
    }
  const nameLabels = names.map((c) => label(-6, sy(c)! + sy.bandwidth() / 2, c, { 'text-anchor': 'end', 'dominant-baseline': 'middle' }));
  const baselines = models.map((m) =>
    el(
      'line',
      { class: 'baseline', x1: sx(m.baseline), x2: sx(m.baseline), y1: 0, y2: plotH, stroke: m.color, 'stroke-dasharray': '4 3', 'stroke-width': 1.5 },
      tooltip(`${m.name} unablated: ${pct1(m.baseline)}`),
    ),
  );
  const blind = blindSpotOf(mode);
  const top = blind ? 34 : 22;
  const svg = el(
    'g',
    { class: 'panel', transform: translate(x, y) },
    label(left + plotW / 2, 12, `${mode} ablation`, { 'text-anchor': 'middle', 'font-weight': 600 }),
    blind ? label(left + plotW / 2, 25, blind.short, { 'text-anchor': 'middle', 'font-size': 10, fill: MUTED }) : '',
    el(
      'g',
      { transform: translate(left, top) },
      axisBottom({ ticks: scaleTicks(sx, 5, pct), range: [0, plotW], title: 'exact match when ablated', grid: plotH }, plotH),
      ...nameLabels,
      ...bars,
      ...baselines,
    ),
  );
  return { svg, height: top + plotH + 40 };
}

export function ablationFigure(models: readonly AblationBars[]): Figure {
  const modes = [...new Set(models.flatMap((m) => m.results.map((r) => r.mode)))];
  const components = orderComponents(models.flatMap((m) => m.results.map((r) => r.component)));
  const panelW = 380;
  const top = 62;
  const drawn = modes.map((mode, i) => panel(mode, models, components, 16 + i * (panelW + 16), top, panelW));
  const width = Math.max(32 + modes.length * (panelW + 16), 420);
  const height = top + Math.max(0, ...drawn.map((d) => d.height)) + 6;
  const title = 'Ablation profile';
  const body =
    label(16, 20, title, { 'font-size': 14, 'font-weight': 700 }) +
    label(16, 38, 'exact match left when one component is knocked out; dashed: unablated', { fill: MUTED }) +
    legend(
      models.map((m) => ({ name: m.name, color: m.color, box: true })),
      16,
      54,
    ) +
    drawn.map((d) => d.svg).join('');
  return {
    id: 'ablation',
    title,
    caption:
      'Each bar is the share of probe inputs still answered exactly right with one component ablated: ' +
      'zero (it writes nothing), mean (it writes its average output) or resample (it writes what it wrote on another input). ' +
      'Short bars mark the components a model cannot do without; a full bar means "unused" only for what the mode can see. ' +
      ABLATION_MODES.flatMap((m) => {
        const b = blindSpotOf(m);
        return b ? [`${m[0].toUpperCase()}${m.slice(1)} ablation: ${b.long}.`] : [];
      }).join(' '),
    svg: svgDocument({
      width,
      height,
      title,
      description: `Exact match per ablated component for ${models.map((m) => m.name).join(' and ')}, modes ${modes.join(', ')}.`,
      body,
    }),
  };
}
