/**
 * What the demo prints at the end: where the models are, how far the two agree, which learned head
 * does each compiled head's job and what ablating it costs, where each variable becomes decodable,
 * and the commands to try next. A pure function of the report data, so tests can read it.
 */
import { dirname, join, relative } from 'node:path';
import { formatComponents, formatHead } from '../../src/model/components.ts';
import { headAblated, type ModelSection, type ReportData } from '../report/data.ts';
import { readPointName } from '../report/figures/probes.ts';
import { pct } from '../report/tables.ts';
import { commandLine } from '../format/invocation.ts';
import { lengthsText } from '../format/lengths.ts';

export interface SummaryFiles {
  readonly compiled: { readonly path: string; readonly cached: boolean };
  readonly learned: { readonly path: string; readonly cached: boolean };
  readonly report: string;
  /** Paths are shown relative to this folder (where the user typed the command). */
  readonly cwd: string;
}

/** A path as one shell word, relative to `cwd` when that is shorter. */
export function shellPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const p = rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

/** The head whose zero ablation leaves the least exact match. */
function worstHead(m: ModelSection): { head: string; exactMatch: number } | null {
  const heads = m.ablation.components.filter((c) => c.mode === 'zero' && c.component.length === 1 && c.component[0].kind === 'head');
  if (!heads.length) return null;
  const w = heads.reduce((a, b) => (b.exactMatch < a.exactMatch ? b : a));
  return { head: formatComponents(w.component), exactMatch: w.exactMatch };
}

export function demoSummary(d: ReportData, files: SummaryFiles): string {
  const [a, b] = d.models;
  const c = d.comparison!;
  const at = (p: string) => shellPath(p, files.cwd);
  const lines: string[] = [];
  const origin = (f: { cached: boolean }, made: string) => (f.cached ? 'from the cache (--fresh rebuilds)' : made);
  lines.push(`compiled ${d.program}: ${at(files.compiled.path)}  [${origin(files.compiled, 'compiled now')}]`);
  lines.push(`learned ${d.program}:  ${at(files.learned.path)}  [${origin(files.learned, 'trained now')}]`);
  lines.push('');
  const o = c.outputs.inRange;
  lines.push(
    `outputs: the two agree on ${pct(o.agreement)} of ${o.inputs} inputs of lengths ` +
      `${o.minLen}–${o.maxLen} (exact match: ${a.name} ${pct(o.aExact)}, ${b.name} ${pct(o.bExact)})`,
  );
  const beyond = c.outputs.outOfRange;
  if (beyond) {
    const range = lengthsText(beyond);
    lines.push(
      `  on longer inputs (${range}, ${beyond.inputs} inputs): agree on ${pct(beyond.agreement)}; ` +
        `exact match: ${a.name} ${pct(beyond.aExact)}, ${b.name} ${pct(beyond.bExact)}`,
    );
  } else if (b.beyond.length)
    lines.push(
      `  longer inputs: ${b.name} ${b.beyond.map((x) => `length ${x.length} ${pct(x.exactMatch)} exact`).join(', ')} ` +
        `(${a.name} holds ${a.nCtx - 1} tokens at most)`,
    );
  lines.push('heads (zero ablation: exact match left without the head):');
  for (const m of c.matches) {
    const ref = formatHead(m.head);
    const what = m.expr ? `${ref} ${m.expr}` : ref;
    const own = `${a.name} ${pct(headAblated(a, m.head))}`;
    if (m.matched && m.best) {
      lines.push(
        `  ${a.name} ${what} ≈ ${b.name} ${formatHead(m.best)} (similarity ${m.similarity.toFixed(3)}); ` +
          `ablated: ${own}, ${b.name} ${pct(headAblated(b, m.best))}`,
      );
    } else
      lines.push(
        `  ${a.name} ${what}: no ${b.name} head matches (best ${m.best ? formatHead(m.best) : '-'}, similarity ${m.similarity.toFixed(3)}); ablated: ${own}`,
      );
  }
  const worst = d.models.map((m) => [m, worstHead(m)] as const).filter(([, w]) => w);
  if (worst.length) lines.push(`  the head each model needs most: ${worst.map(([m, w]) => `${m.name} ${w!.head} (${pct(w!.exactMatch)} left)`).join(', ')}`);
  lines.push('first linearly decodable (≥ 99% held-out probe accuracy):');
  for (const v of a.probes) {
    const other = b.probes.find((p) => p.variable === v.variable);
    const name = (p: number | null | undefined) => (p === null || p === undefined ? 'never' : readPointName(p));
    lines.push(`  ${v.variable.padEnd(12)} ${a.name} ${name(v.firstDecodable).padEnd(9)} ${b.name} ${name(other?.firstDecodable)}`);
  }
  lines.push('');
  lines.push(`report → ${at(files.report)}`);
  lines.push('');
  const A = at(files.compiled.path);
  const B = at(files.learned.path);
  // The report command writes no HTML when given only --svg, and has its own defaults: name them all.
  const again = `--html ${at(files.report)} --svg ${at(join(dirname(files.report), 'figures'))}/ --samples ${d.settings.samples} --seed ${d.settings.seed}`;
  lines.push('next, try:');
  const next: [string, string][] = [
    ['ablate heads and layers interactively and watch what breaks', `tui ${A} --vs ${B}`],
    ['the comparison as tables', `compare ${A} ${B}`],
    [
      'claim each compiled selector of every learned head on generated inputs (the ≈ above is an average; this finds an input where a head looks elsewhere)',
      `check --from-labels ${A} ${B}`,
    ],
    ['this report again (same inputs), each figure also as an .svg file beside it', `report ${A} ${B} ${again}`],
  ];
  for (const [why, cmd] of next) lines.push(`  # ${why}`, `  ${commandLine(cmd)}`);
  return lines.join('\n') + '\n';
}
