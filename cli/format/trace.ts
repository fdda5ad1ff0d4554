/**
 * The trace of one evaluation as a table, like the RASP REPL prints it: one row per named node,
 * one column per input position.
 *
 * Selector rows are shown compactly rather than as a matrix: the cell of query position q lists
 * the key positions q selects ("3", "0-2", "0 2"), and "·" when it selects none. The row's name
 * is marked "(selector)" so it cannot be mistaken for an s-op holding numbers.
 */
import { formatValue, type MaybeValue } from '../../src/rasp/values.ts';
import { renderTable } from './table.ts';

/** The shape of src/rasp/trace.ts's rows, restated so formatting does not load the evaluator. */
export interface TraceRowLike {
  readonly name: string;
  readonly kind: 'sop' | 'selector';
  readonly values: readonly MaybeValue[] | readonly (readonly boolean[])[];
}

/** Selected key positions as runs: [0,1,2,5] → "0-2 5". */
export function selectedKeys(row: readonly boolean[]): string {
  const keys = row.flatMap((on, k) => (on ? [k] : []));
  if (keys.length === 0) return '·';
  const parts: string[] = [];
  for (let i = 0; i < keys.length;) {
    let j = i;
    while (j + 1 < keys.length && keys[j + 1] === keys[j] + 1) j++;
    parts.push(j - i >= 2 ? `${keys[i]}-${keys[j]}` : keys.slice(i, j + 1).join(' '));
    i = j + 1;
  }
  return parts.join(' ');
}

export function traceCells(row: TraceRowLike): string[] {
  if (row.kind === 'selector') return (row.values as readonly (readonly boolean[])[]).map(selectedKeys);
  return (row.values as readonly MaybeValue[]).map(formatValue);
}

/**
 * The trace table; `input` becomes a first `tokens` row when the program did not name `tokens`
 * itself, so every table starts from what went in.
 */
export function renderTrace(rows: readonly TraceRowLike[], input: readonly MaybeValue[]): string {
  const head = ['', ...input.map((_, i) => String(i))];
  const all = rows.some((r) => r.name === 'tokens') ? rows : [{ name: 'tokens', kind: 'sop' as const, values: input }, ...rows];
  return renderTable({
    head,
    rows: all.map((r) => [r.kind === 'selector' ? `${r.name} (selector)` : r.name, ...traceCells(r)]),
    compact: true,
  });
}

/** --json's `trace`: name → values (selectors as [query][key] booleans). */
export function traceJson(rows: readonly TraceRowLike[]): Record<string, unknown> {
  // fromEntries, not assignment: a program may name an s-op `__proto__`, which assignment would make the object's prototype.
  return Object.fromEntries(rows.map((r) => [r.name, r.values]));
}
