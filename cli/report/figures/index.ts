/** Every figure of a report, in page order, from its ReportData. */
import { formatHead } from '../../../src/model/components.ts';
import type { HeadRef } from '../../../src/model/types.ts';
import { matchedBy } from '../../../probes/headSimilarity.ts';
import type { ModelSection, ReportData } from '../data.ts';
import { modelColor } from '../palette.ts';
import type { Figure } from '../svg.ts';
import { ablationFigure } from './ablation.ts';
import { attentionFigure, type HeatmapHead } from './attention.ts';
import { circuitFigure } from './circuit.ts';
import { probeFigure } from './probes.ts';
import { pruningFigure } from './pruning.ts';
import { trainingFigure } from './training.ts';
import { landscapeFigure } from './landscape.ts';

/** What a head's grid is captioned with: a compiled head's expression; for B, the head of A it matches. */
function headNote(d: ReportData, modelIndex: number, head: HeadRef): string | undefined {
  const m = d.models[modelIndex];
  const ref = formatHead(head);
  if (m.headLabels[ref]) return m.headLabels[ref];
  if (modelIndex !== 1 || !d.comparison) return undefined;
  const like = matchedBy(d.comparison.matches, head);
  return like.length ? like.map((x) => `≈ ${d.models[0].name} ${formatHead(x.head)} (${x.similarity.toFixed(2)})`).join(', ') : undefined;
}

const displayName = (m: ModelSection): string => `${m.name} — ${m.file}`;

export function reportFigures(d: ReportData): Figure[] {
  const figures: Figure[] = [];
  const examples = Math.min(...d.models.map((m) => m.attention.length));
  for (let e = 0; e < examples; e++)
    figures.push(
      attentionFigure({
        index: e + 1,
        input: d.models[0].attention[e].input,
        rows: d.models.map((m, i) => ({
          model: displayName(m),
          heads: m.attention[e].heads.map((h): HeatmapHead => {
            const ref = formatHead(h);
            return { ref, note: headNote(d, i, h), pattern: h.pattern };
          }),
        })),
      }),
    );
  figures.push(
    ablationFigure(d.models.map((m, i) => ({ name: m.name, color: modelColor(i), baseline: m.ablation.baseline.exactMatch, results: m.ablation.components }))),
  );
  figures.push(pruningFigure(d.models.map((m, i) => ({ name: m.name, color: modelColor(i), curves: m.pruning }))));
  figures.push(probeFigure(d.models.map((m, i) => ({ name: m.name, color: modelColor(i), variables: m.probes }))));
  const withCircuit = d.models.filter((m) => m.circuit);
  if (withCircuit.length) figures.push(circuitFigure(withCircuit.map((m) => ({ name: m.name, circuit: m.circuit! }))));
  const trained = d.models.filter((m) => m.training);
  if (d.landscape)
    figures.push(
      landscapeFigure(
        d.landscape,
        d.models.map((_, i) => modelColor(i)),
      ),
    );
  for (const m of trained) figures.push(trainingFigure(m.name, m.training!, trained.length > 1 ? `training-${d.models.indexOf(m) + 1}` : 'training'));
  return figures;
}
