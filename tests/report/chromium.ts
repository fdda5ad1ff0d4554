/**
 * Headless Chromium for the report test: the system's Debian `chromium` (never a download), run
 * with networking off and a fresh profile. `measure` loads a copy of a page with a measuring script
 * added (the report itself has none) and returns what the script found after layout.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

async function chromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'rasplab-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 90_000, maxBuffer: 64 << 20 });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface FigureBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Marks (heatmap cells, bars, line paths, dots) in the figure, and how many of them have a non-empty box. */
  readonly marks: number;
  readonly drawn: number;
  readonly texts: number;
}

export interface Measured {
  readonly figures: FigureBox[];
  /** Resources the page fetched (it should need none). */
  readonly resources: number;
  readonly pageHeight: number;
}

const MEASURE = `<script>
addEventListener('load', () => {
  const figures = [...document.querySelectorAll('figure[data-figure]')].map((f) => {
    const svg = f.querySelector('svg');
    const r = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('rect.cell, rect.bar, g.series path, circle')];
    const drawn = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
    return { id: f.dataset.figure, width: r.width, height: r.height, marks: marks.length, drawn, texts: svg.querySelectorAll('text').length };
  });
  // Measured before the read-out below is added to the page.
  const out = { figures, resources: performance.getEntriesByType('resource').length, pageHeight: document.documentElement.scrollHeight };
  const pre = document.createElement('pre');
  pre.id = 'rasplab-measure';
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
});
</script>`;

export async function measure(htmlPath: string): Promise<Measured> {
  const copy = `${htmlPath}.measure.html`;
  writeFileSync(copy, readFileSync(htmlPath, 'utf8').replace('</body>', `${MEASURE}</body>`));
  try {
    const dom = await chromium(['--virtual-time-budget=5000', '--dump-dom', pathToFileURL(copy).href]);
    const m = dom.match(/<pre id="rasplab-measure">([^<]*)<\/pre>/);
    if (!m) throw new Error(`chromium's DOM has no measurements:\n${dom.slice(0, 500)}`);
    return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Measured;
  } finally {
    rmSync(copy, { force: true });
  }
}

/** A full-page PNG of `htmlPath` at the given width (height: the page's). */
export async function screenshot(htmlPath: string, png: string, width: number, height: number): Promise<void> {
  await chromium([`--screenshot=${png}`, `--window-size=${width},${Math.min(16000, Math.ceil(height))}`, pathToFileURL(htmlPath).href]);
}
