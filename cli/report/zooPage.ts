/**
 * The page of a model zoo (`rasplab zoo ZOO --html FILE`): the emergence figure over the zoo's
 * models and, with --rashomon, each program's Rashomon set, in the report's page style (inline CSS and SVG, no scripts, no network).
 */
import type { Basins } from '../../probes/zoo/basins.ts';
import type { EmergencePoint, RashomonSet } from '../../src/zoo/populations.ts';
import { emergenceFigure, rashomonFigure } from './figures/zoo.ts';
import { CSS, figureBlock } from './html.ts';
import { esc, type Figure } from './svg.ts';

/** The emergence figure, then a Rashomon figure per program when the sets were computed (`--rashomon`). */
export function zooFigures(points: readonly EmergencePoint[], sets: readonly (RashomonSet & { readonly basins: Basins | null })[] = []): Figure[] {
  return [emergenceFigure(points), ...sets.map((s) => rashomonFigure(s, s.basins))];
}

export function renderZooPage(zoo: string, models: number, figures: readonly Figure[]): string {
  const title = `model zoo ${zoo}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rasplab — ${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>rasplab — ${esc(title)}</h1>
<p class="lede">${models} model(s); held-out figures, the mean over seeds.</p>
${figures.map(figureBlock).join('\n')}
<footer>Made by <code>rasplab zoo --html</code> from the zoo's index: the same zoo gives the same page.</footer>
</main>
</body>
</html>
`;
}
