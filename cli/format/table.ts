/**
 * Plain tables (cli-table3 without colours: output is often piped or captured by tests).
 */
import Table from 'cli-table3';

export interface TableSpec {
  readonly head: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Column alignments; default left. */
  readonly align?: readonly ('left' | 'center' | 'right')[];
  /** No rule between body rows (long tables read better without). */
  readonly compact?: boolean;
}

export function renderTable(spec: TableSpec): string {
  const table = new Table({
    head: [...spec.head],
    style: { head: [], border: [], compact: spec.compact ?? false },
    // cli-table3 fills defaults per key: an explicit `undefined` would replace them.
    ...(spec.align ? { colAligns: [...spec.align] } : {}),
  });
  for (const row of spec.rows) table.push(row.map(String));
  return table.toString() + '\n';
}

/** "key  value" lines with the keys padded to one width. */
export function renderPairs(pairs: readonly (readonly [string, string | number])[]): string {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}\n`).join('');
}
