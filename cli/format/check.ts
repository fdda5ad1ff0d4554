/**
 * Text for `rasplab check`: one block per claim (passed / FAILED, and for a failure the shrunk
 * counterexample, what the model did, what the claim expected and the command that replays it),
 * a summary line, and the table of label-proposed hypotheses.
 */
import type { HeadRef } from '../../src/model/types.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import { formatHead } from '../../src/model/components.ts';
import type { ClaimReport } from '../../probes/hypotheses/runner.ts';
import { renderTable } from './table.ts';
import { plural } from '../../src/rasp/plural.ts';
import { commandLine } from './invocation.ts';

export const inputText = (xs: readonly Value[]): string => xs.map(formatValue).join(' ');

/** The command line that replays one claim's failure. */
export function replayCommand(base: readonly string[], r: ClaimReport): string {
  const quote = (s: string) => (/^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const path = r.path ? ['--path', r.path] : [];
  return commandLine([...base, '--seed', String(r.seed), '--claim', String(r.index + 1), ...path].map(quote).join(' '));
}

export function formatClaimReport(r: ClaimReport, replay: string): string {
  const head = `claim ${r.index + 1}${r.name ? ` (${r.name})` : ''}: ${r.passed ? 'passed' : 'FAILED'}  ${r.claim}`;
  if (r.passed) return `${head}\n  ${plural(r.runs, 'run')}${r.skipped ? `, ${r.skipped} skipped` : ''}\n`;
  const rows: [string, string][] = [
    ['counterexample', `${inputText(r.counterexample ?? [])}   (${minimality(r)}; found after ${plural(r.runs, 'run')}, ${plural(r.shrinks, 'shrink')})`],
    ['observed', r.observed ?? ''],
    ['expected', r.expected ?? ''],
    ['replay', replay],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${head}\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}

/** "length 2, minimal" or "length 5, no token can be dropped or lowered". */
function minimality(r: ClaimReport): string {
  const n = r.counterexample?.length ?? 0;
  return r.minimal ? `length ${n}, minimal` : `length ${n}; no token can be dropped or lowered`;
}

export function formatSummary(reports: readonly ClaimReport[]): string {
  const failed = reports.filter((r) => !r.passed).length;
  return `${plural(reports.length, 'claim')}: ${reports.length - failed} passed, ${failed} failed\n`;
}

export interface ProposalRow {
  /** The compiled head whose selector is claimed. */
  readonly from: HeadRef;
  /** The head it is claimed of, and the selector. */
  readonly head: string;
  readonly selector: string;
  readonly report: ClaimReport;
}

/** One row per (compiled head, other head): does the compiled head's selector hold of it? */
export function formatProposals(rows: readonly ProposalRow[]): string {
  return renderTable({
    head: ['compiled head', 'selector', 'head', 'holds', 'counterexample'],
    rows: rows.map(({ from, head, selector, report: r }) => [
      formatHead(from),
      selector,
      head,
      r.passed ? `yes (${r.runs} runs)` : 'no',
      r.counterexample ? inputText(r.counterexample) : '',
    ]),
    compact: true,
  });
}
