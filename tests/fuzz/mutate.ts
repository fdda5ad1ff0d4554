/**
 * Mutants of valid inputs: a few random edits to a fixture's characters, tokens or bytes. Edits
 * name positions as fractions of the length, so one edit applies to any input and shrinks
 * towards the start.
 */
import fc from 'fast-check';

type Edit<T> = (xs: T[]) => void;

const at = (frac: number, length: number): number => Math.min(length, Math.floor(frac * (length + 1)));
const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Edits of a sequence of T: insert, delete (a short range), replace, duplicate a range, swap two items. */
function edits<T>(item: fc.Arbitrary<T>): fc.Arbitrary<Edit<T>> {
  return fc.oneof(
    fc.tuple(frac, item).map(
      ([p, x]): Edit<T> =>
        (xs) =>
          void xs.splice(at(p, xs.length), 0, x),
    ),
    fc.tuple(frac, fc.integer({ min: 1, max: 8 })).map(
      ([p, n]): Edit<T> =>
        (xs) =>
          void xs.splice(at(p, xs.length), n),
    ),
    fc.tuple(frac, item).map(
      ([p, x]): Edit<T> =>
        (xs) =>
          void (xs.length && (xs[Math.min(xs.length - 1, at(p, xs.length))] = x)),
    ),
    fc.tuple(frac, fc.integer({ min: 1, max: 6 })).map(([p, n]): Edit<T> => (xs) => {
      const i = at(p, xs.length);
      xs.splice(i, 0, ...xs.slice(i, i + n));
    }),
    fc.tuple(frac, frac).map(([p, q]): Edit<T> => (xs) => {
      if (xs.length < 2) return;
      const i = Math.min(xs.length - 1, at(p, xs.length));
      const j = Math.min(xs.length - 1, at(q, xs.length));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }),
  );
}

function mutant<T>(bases: readonly T[][], item: fc.Arbitrary<T>, maxEdits: number): fc.Arbitrary<T[]> {
  return fc.tuple(fc.constantFrom(...bases), fc.array(edits(item), { minLength: 1, maxLength: maxEdits })).map(([base, es]) => {
    const xs = [...base];
    for (const e of es) e(xs);
    return xs;
  });
}

/** A character a mutation may insert: the text's own alphabet, and some it never uses. */
function character(alphabet: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...new Set(alphabet)) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('\0', '\t', '\r', '\u00a0', '\u2028', '\ufeff', 'é', '😀', '\ud800') },
  );
}

/** Character-level mutants of the texts. */
export function textMutant(texts: readonly string[], maxEdits = 4): fc.Arbitrary<string> {
  return mutant(
    texts.map((t) => [...t]),
    character(texts.join('')),
    maxEdits,
  ).map((cs) => cs.join(''));
}

/** Names, numbers, strings, comments, whitespace, and one- or two-character operators. */
const TOKEN = /\s+|#[^\n]*|[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.\d+)?|"[^"\n]*"|==|!=|<=|>=|./gsu;

/** Token-level mutants: tokens of the texts deleted, repeated, swapped, or replaced by tokens from `pool`. */
export function tokenMutant(texts: readonly string[], pool: readonly string[], maxEdits = 4): fc.Arbitrary<string> {
  const tokenised = texts.map((t) => t.match(TOKEN) ?? []);
  const own = [...new Set(tokenised.flat())];
  return mutant(tokenised, fc.constantFrom(...new Set([...pool, ...own])), maxEdits).map((ts) => ts.join(''));
}

/** Byte-level mutants: edits anywhere, edits within `[focus)` (a header), truncations and appended bytes. */
export function bytesMutant(base: Uint8Array, focus: readonly [number, number], maxEdits = 4): fc.Arbitrary<Uint8Array> {
  const byte = fc.integer({ min: 0, max: 255 });
  const [lo, hi] = focus;
  const inFocus = fc.tuple(fc.integer({ min: lo, max: Math.max(lo, hi - 1) }), byte).map(
    ([i, b]): Edit<number> =>
      (xs) =>
        void (i < xs.length && (xs[i] = b)),
  );
  const edit = fc.oneof(edits(byte), inFocus, inFocus);
  const whole = [...base];
  return fc.oneof(
    fc.array(edit, { minLength: 1, maxLength: maxEdits }).map((es) => {
      const xs = [...whole];
      for (const e of es) e(xs);
      return Uint8Array.from(xs);
    }),
    fc.nat({ max: base.length - 1 }).map((n) => base.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Uint8Array.from([...base, ...tail])),
  );
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value (the root included), as lists of keys and indices. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

/** Keys that name properties of Object.prototype or of arrays. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'length'];

const jsonLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(...PROTOTYPE_KEYS, -1, 0, 1.5, 1e308, -0, '', [], {}, null),
);

/**
 * JSON mutants: at a few paths, the value replaced, the key deleted, or a key (prototype keys
 * among them) added. Paths for which `spare` is true are left alone.
 */
export function jsonMutant(base: Json, maxEdits = 3, spare: (path: readonly (string | number)[]) => boolean = () => false): fc.Arbitrary<Json> {
  const all = paths(base).filter((p) => !spare(p));
  const edit = fc.tuple(fc.nat({ max: all.length - 1 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...PROTOTYPE_KEYS, 'x'), jsonLeaf);
  return fc.array(edit, { minLength: 1, maxLength: maxEdits }).map((es) => {
    // Parsing the text back gives own `__proto__` keys, as JSON.parse does for a file.
    let root = JSON.parse(JSON.stringify(base)) as Json;
    for (const [p, kind, key, drawn] of es) {
      // A copy: fast-check hands out the same constant object each time, and one object in two places is a cycle.
      const value = structuredClone(drawn);
      const path = all[p];
      const parentPath = path.slice(0, -1);
      let parent: Json = root;
      for (const k of parentPath)
        parent = parent !== null && typeof parent === 'object' && Object.hasOwn(parent, k) ? (parent as Record<string, Json>)[k as string] : null;
      if (path.length === 0) root = kind === 2 ? { [key]: value } : value;
      else if (parent === null || typeof parent !== 'object') continue;
      else if (kind === 0) Object.defineProperty(parent, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
      else if (kind === 1 && !Array.isArray(parent)) delete (parent as Record<string, Json>)[path.at(-1) as string];
      else if (!Array.isArray(parent)) Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return root;
  });
}
