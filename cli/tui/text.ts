/** Small text helpers for fixed-width terminal cells. */

/** `text` cut to `width` columns, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width - 1).join('') + '…';
}

/** `text` cut or padded to exactly `width` columns. */
export const cell = (text: string, width: number): string => fit(text, width).padEnd(width);

export const basenameOf = (path: string): string => path.split(/[\\/]/).pop() ?? path;
