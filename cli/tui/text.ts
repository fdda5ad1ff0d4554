/** Small text helpers for fixed-width terminal cells. */

/** A share as a percentage with one decimal ("-" for NaN). */
export const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);

/** `text` cut to `width` columns, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width - 1).join('') + '…';
}

/** `text` cut or padded to exactly `width` columns. */
export const cell = (text: string, width: number): string => fit(text, width).padEnd(width);

export const basenameOf = (path: string): string => path.split(/[\\/]/).pop() ?? path;
