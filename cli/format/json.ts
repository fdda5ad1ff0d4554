/**
 * JSON for --json: one object, indented for people, with arrays of scalars kept on one line so a
 * sequence reads as a sequence. Undefined positions are already `null` (MaybeValue).
 */

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function encode(v: unknown, indent: string): string {
  if (v instanceof Map) return encode(Object.fromEntries(v), indent);
  if (Array.isArray(v)) {
    if (v.every(isScalar)) return JSON.stringify(v);
    const inner = indent + '  ';
    return `[\n${v.map((x) => inner + encode(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${encode(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  // JSON has no NaN/Infinity; say null rather than emit invalid JSON.
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  return JSON.stringify(v) ?? 'null';
}

/** The text of one JSON document, with a trailing newline. */
export function formatJson(value: unknown): string {
  return encode(value, '') + '\n';
}
