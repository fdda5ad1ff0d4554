/** A share as a percentage with one decimal, "-" when there is none (no inputs, NaN). */
export const pct = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);
