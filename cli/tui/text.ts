/** Small text helpers for fixed-width terminal cells. */

/** `text` cut to `width` columns, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width - 1).join('') + '…';
}

/** As many of `parts` as fit in `width`, joined by `sep`: whole parts, so no number is cut short. */
export function fitParts(parts: readonly string[], sep: string, width: number): string {
  let text = parts[0] ?? '';
  for (const p of parts.slice(1)) {
    const longer = `${text}${sep}${p}`;
    if ([...longer].length > width) break;
    text = longer;
  }
  return fit(text, width);
}

/** `text` cut or padded to exactly `width` columns. */
export const cell = (text: string, width: number): string => fit(text, width).padEnd(width);

export const basenameOf = (path: string): string => path.split(/[\\/]/).pop() ?? path;
