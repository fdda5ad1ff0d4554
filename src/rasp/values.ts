/**
 * The values RASP s-ops hold. RASP runs on Python values; we keep numbers, strings and
 * booleans, and `null` for "undefined". RASP itself has no undefined value (an aggregate that
 * selects nothing gives its default, 0 when none is written), so the evaluator no longer produces
 * it; the type stays where values are read (traces, scoring, the compiler's one-hot spaces).
 */
export type Value = number | string | boolean;
export type MaybeValue = Value | null;

const rank = (v: Value) => (typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2);

/** A stable total order over values, used to sort value sets and print them: booleans, numbers, strings. */
export function compareValues(a: Value, b: Value): number {
  // Numbers first: sorting a value set asks this n log n times, mostly of numbers.
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Sorted, de-duplicated values (booleans, then numbers, then strings). */
export function sortedUnique(values: Iterable<Value>): Value[] {
  const all = Array.isArray(values) ? (values as Value[]) : [...values];
  // Numbers alone (most sets): a Set of numbers dedupes as valueKey does, without building strings.
  if (all.every((v) => typeof v === 'number')) return Array.from(new Float64Array(new Set(all as number[])).sort());
  const seen = new Map<string, Value>();
  for (const v of all) seen.set(valueKey(v), v);
  return [...seen.values()].sort(compareValues);
}

/** A key that tells `1` from `"1"` and `true`, for maps and sets of values. */
export function valueKey(v: MaybeValue): string {
  if (v === null) return 'null';
  return `${typeof v === 'number' ? 'n' : typeof v === 'string' ? 's' : 'b'}:${String(v)}`;
}

/** Python's equality as RASP uses it: True == 1 and False == 0, numbers by value, strings by text. */
export function valuesEqual(a: MaybeValue, b: MaybeValue): boolean {
  if (a === null || b === null) return a === b;
  const na = typeof a === 'boolean' ? Number(a) : a;
  const nb = typeof b === 'boolean' ? Number(b) : b;
  return na === nb;
}

/** Prints a value as RASP's REPL shows it (strings bare, booleans as True/False, null as `-`). */
export function formatValue(v: MaybeValue): string {
  if (v === null) return '-';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6)));
  return v;
}

/** A Python float as Python prints it: a whole one with its point (`2.0`). */
export function formatFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : formatValue(x);
}

/**
 * Whether a value is a Python float. Values are JS numbers, so Python's `2` and `2.0` are one value
 * here; where the difference matters (a float cannot index a list, bound a range or repeat a string,
 * even a whole one: `[1, 2][4 / 2]` raises), the float-ness of a whole number travels beside it as
 * `float`: a literal written with a point or an exponent, `/`, tokens_float, a mean of several
 * values, and arithmetic with any of these. A number that is not whole is always a float.
 */
export function isFloat(v: Value, float: boolean | undefined): boolean {
  return typeof v === 'number' && (float === true || !Number.isInteger(v));
}

/** True for values that take part in arithmetic (numbers and booleans, as in Python). */
export function isNumeric(v: MaybeValue): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** Parses one input token: a number when the vocabulary is numeric, else the text itself. */
export function parseToken(text: string, numericVocab: boolean): Value {
  if (numericVocab && text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text;
}
