/**
 * SVG as strings: d3 computes scales, ticks and path data without a DOM, and these helpers write
 * the elements. No DOM package is needed, so a figure is a pure function from data to text.
 */

export type Attrs = Readonly<Record<string, string | number | undefined | null | false>>;
type Child = string | false | null | undefined;

/** A finished figure: its SVG document and what the page says about it. */
export interface Figure {
  /** File-name-safe id: the .svg written for --svg is `<id>.svg`. */
  readonly id: string;
  readonly title: string;
  /** One or two sentences on how to read it. */
  readonly caption: string;
  readonly svg: string;
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Coordinates to two decimals: enough on screen, and the files stay small. */
export function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function attrText(attrs: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    s += ` ${k}="${esc(typeof v === 'number' ? fmt(v) : v)}"`;
  }
  return s;
}

/** An element; children are markup already (escape text with `esc` or use `label`). */
export function el(tag: string, attrs: Attrs = {}, ...children: Child[]): string {
  const inner = children.filter((c): c is string => typeof c === 'string' && c !== '').join('');
  return inner ? `<${tag}${attrText(attrs)}>${inner}</${tag}>` : `<${tag}${attrText(attrs)}/>`;
}

/** A text element with escaped content. */
export function label(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, esc(content));
}

/** A tooltip for the enclosing mark: browsers show it on hover, no script needed. */
export function tooltip(content: string): string {
  return el('title', {}, esc(content));
}

export const translate = (x: number, y: number): string => `translate(${fmt(x)},${fmt(y)})`;

/** Shortens long labels (RASP expressions) to `max` characters. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A standalone SVG document with a title and description for screen readers. */
export function svgDocument(opts: { width: number; height: number; title: string; description: string; body: string }): string {
  const { width, height } = opts;
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: Math.ceil(width),
      height: Math.ceil(height),
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
      role: 'img',
      'aria-label': opts.title,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
      'font-size': 11,
      fill: '#222',
    },
    el('title', {}, esc(opts.title)),
    el('desc', {}, esc(opts.description)),
    el('rect', { width: '100%', height: '100%', fill: '#fff' }),
    opts.body,
  );
}
