/**
 * A strict little XML reader for the SVG our figures write: it throws on anything not well formed
 * (unclosed or crossed tags, unquoted or repeated attributes, a bare `<` or `&` in text), and
 * returns the element tree so tests can count marks.
 */

export interface XmlElement {
  readonly tag: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  /** The element's own text (entities decoded). */
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;

function decode(s: string, where: number): string {
  const bare = s.replace(ENTITY, '').match(/[&<]/);
  if (bare) throw new Error(`bare '${bare[0]}' in text near offset ${where}`);
  return s.replace(ENTITY, (_, e: string) =>
    e === 'amp'
      ? '&'
      : e === 'lt'
        ? '<'
        : e === 'gt'
          ? '>'
          : e === 'quot'
            ? '"'
            : e === 'apos'
              ? "'"
              : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : +e.slice(1)),
  );
}

function parseAttrs(text: string, where: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /\s*([^\s=/>]+)\s*=\s*"([^"]*)"\s*/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`bad attribute syntax near offset ${where + i}: ${text.slice(i, i + 30)}`);
    if (m[1] in attrs) throw new Error(`attribute ${m[1]} repeated near offset ${where}`);
    attrs[m[1]] = decode(m[2], where);
    i = re.lastIndex;
  }
  return attrs;
}

/** Parses one XML document (an optional prolog, then one root element). */
export function parseXml(src: string): XmlElement {
  const root: XmlElement = { tag: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*"[^"]*")*)\s*(\/?)>/y;
  let i = src.startsWith('<?xml') ? src.indexOf('?>') + 2 : 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const end = lt < 0 ? src.length : lt;
    if (end > i) {
      const text = decode(src.slice(i, end), i);
      if (stack.length === 1 && text.trim() !== '') throw new Error(`text outside the root element at offset ${i}`);
      stack[stack.length - 1].text += text;
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(src);
    if (!m) throw new Error(`malformed tag at offset ${lt}: ${src.slice(lt, lt + 40)}`);
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.tag !== name) throw new Error(`</${name}> closes <${open?.tag}> at offset ${lt}`);
    } else {
      const el: XmlElement = { tag: name, attrs: parseAttrs(attrText, lt), children: [], text: '' };
      if (stack.length === 1 && root.children.length) throw new Error(`a second root element at offset ${lt}`);
      stack[stack.length - 1].children.push(el);
      if (!selfClosing) stack.push(el);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].tag}>`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0];
}

/** Every element below (and including) `e`, depth first. */
export function descendants(e: XmlElement): XmlElement[] {
  return [e, ...e.children.flatMap(descendants)];
}

/** Elements with this tag (and, if given, this class). */
export function select(e: XmlElement, tag: string, cls?: string): XmlElement[] {
  return descendants(e).filter((d) => d.tag === tag && (cls === undefined || (d.attrs.class ?? '').split(/\s+/).includes(cls)));
}

/** All text below `e`, in document order. */
export function allText(e: XmlElement): string {
  return e.text + e.children.map(allText).join(' ');
}
