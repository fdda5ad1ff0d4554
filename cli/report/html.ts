/**
 * The report page: one self-contained HTML file (inline CSS and inline SVG; no scripts, fonts or
 * URLs to fetch), so it opens anywhere, offline, and can be mailed or archived as it is.
 */
import { formatValue } from '../../src/rasp/values.ts';
import type { ReportData } from './data.ts';
import { reportFigures } from './figures/index.ts';
import { esc, type Figure } from './svg.ts';
import { reportTables } from './tables.ts';

export const CSS = `
  :root { color-scheme: light; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #f6f6f4; margin: 0; }
  main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 18px; margin: 32px 0 8px; }
  p.lede { color: #555; margin: 0 0 16px; }
  section.tables { display: flex; flex-wrap: wrap; gap: 16px 28px; align-items: flex-start; }
  table { border-collapse: collapse; background: #fff; box-shadow: 0 0 0 1px #ddd; font-size: 13px; }
  caption { text-align: left; font-weight: 600; padding: 0 0 6px; caption-side: top; white-space: nowrap; }
  th, td { padding: 4px 10px; text-align: left; border-bottom: 1px solid #eee; vertical-align: top; }
  th { background: #fafafa; font-weight: 600; }
  td:not(:first-child) { font-variant-numeric: tabular-nums; }
  figure { margin: 0 0 12px; background: #fff; box-shadow: 0 0 0 1px #ddd; padding: 8px; overflow-x: auto; }
  figure svg { display: block; max-width: none; }
  figcaption { color: #555; font-size: 13px; padding: 6px 4px 0; max-width: 900px; }
  footer { color: #777; font-size: 12px; margin-top: 32px; }
`;

export function figureBlock(f: Figure): string {
  // Each figure is a standalone SVG document without an XML prolog, so it embeds as it is.
  return `<figure id="fig-${esc(f.id)}" data-figure="${esc(f.id)}">${f.svg}<figcaption>${esc(f.caption)}</figcaption></figure>`;
}

export function reportTitle(d: ReportData): string {
  return d.models.length === 2 ? `${d.program}: ${d.models[0].name} vs ${d.models[1].name}` : `${d.program}: ${d.models[0].name} model`;
}

/** What a page holds: its title, the line under it (HTML), tables (HTML) and figures. */
export interface Page {
  readonly title: string;
  readonly lede: string;
  readonly tables: readonly string[];
  readonly figures: readonly Figure[];
}

/** A self-contained page: the report's, or an experiment's (cli/commands/landscape.ts). */
export function renderPage(p: Page): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rasplab report — ${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>rasplab report — ${esc(p.title)}</h1>
<p class="lede">${p.lede}</p>
${p.tables.length ? `<h2>Comparison</h2>\n<section class="tables">${p.tables.join('\n')}</section>\n` : ''}<h2>Figures</h2>
${p.figures.map(figureBlock).join('\n')}
<footer>Made by <code>rasplab</code> with the same seed and samples every time: the same models give the same page.</footer>
</main>
</body>
</html>
`;
}

/** The whole page for `d`, and the figures on it (also written one by one with --svg). */
export function renderReport(d: ReportData, figures: readonly Figure[] = reportFigures(d)): string {
  const s = d.settings;
  const lede =
    `Program <b>${esc(d.program)}</b>, vocabulary {${esc(s.vocab.map(formatValue).join(', '))}}, lengths ${s.lengths[0]}–${s.lengths[1]}; ` +
    `${s.inputs} probe inputs${s.exhaustive ? ' (every input)' : ` (seed ${s.seed})`}` +
    `${s.tolerance === null ? '' : `; a numerical output is right within ${s.tolerance} of the program's`}; backend ${esc(s.backend)}.` +
    `${s.note ? ` Note: ${esc(s.note)}.` : ''}`;
  return renderPage({ title: reportTitle(d), lede, tables: reportTables(d), figures });
}
