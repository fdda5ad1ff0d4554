/** Writing a report: the HTML page, and (with --svg DIR) each figure as its own .svg file. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../src/files/atomicWrite.ts';
import { UserError } from '../../src/rasp/errors.ts';
import type { ReportData } from './data.ts';
import { reportFigures } from './figures/index.ts';
import { renderPage, renderReport } from './html.ts';
import type { Figure } from './svg.ts';

export interface WrittenReport {
  readonly html?: string;
  readonly svgFiles: string[];
  readonly figures: number;
}

export interface ReportTargets {
  readonly html?: string;
  readonly svgDir?: string;
}

/** Writes `figures` one by one into `to.svgDir`, and `page(figures)` to `to.html`, each when given. */
export function writeFigures(figures: readonly Figure[], page: (figures: readonly Figure[]) => string, to: ReportTargets): WrittenReport {
  const svgFiles: string[] = [];
  if (to.svgDir !== undefined) {
    const dir = resolve(to.svgDir);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UserError(`--svg ${to.svgDir}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    for (const f of figures) {
      const file = join(dir, `${f.id}.svg`);
      writeFileAtomic(file, `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n`);
      svgFiles.push(file);
    }
  }
  let html: string | undefined;
  if (to.html !== undefined) {
    html = resolve(to.html);
    writeFileAtomic(html, page(figures));
  }
  return { html, svgFiles, figures: figures.length };
}

export function writeReport(d: ReportData, to: ReportTargets): WrittenReport {
  return writeFigures(reportFigures(d), (figures) => renderReport(d, figures), to);
}

/** An experiment's page: a title, a line under it, its tables and its figures. */
export function writeExperiment(p: { title: string; lede: string; tables: readonly string[]; figures: readonly Figure[] }, to: ReportTargets): WrittenReport {
  return writeFigures(p.figures, (figures) => renderPage({ ...p, figures }), to);
}
