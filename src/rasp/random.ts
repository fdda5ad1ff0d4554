/**
 * Seeded random numbers (splitmix32). A stream is a pure function of its seed and the labels it was
 * forked under: `makeRng(7).fork('train:3')` is the same stream however much the parent was drawn
 * from, so a run can be resumed at any step without replaying randomness.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An independent stream determined by this stream's seed and `label`. */
  fork(label: string): Rng;
}

/** Folds any finite number (integer seeds up to 2^53, negative, fractional) into 32 bits. */
function seedBits(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const frac = Math.round((seed - Math.floor(seed)) * 4294967296) >>> 0;
  return mix32((lo ^ mix32(hi ^ 0x9e3779b9) ^ mix32(frac ^ 0x85ebca6b)) >>> 0);
}

/** A 32-bit finaliser (murmur3's fmix32): good avalanche for hashing seeds and labels. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the label's UTF-16 code units, then mixed with the parent's seed. */
function hashLabel(parent: number, label: string): number {
  let h = 0x811c9dc5 ^ parent;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32((h ^ Math.imul(parent, 0x9e3779b1)) >>> 0);
}

function rngFromBits(seed: number): Rng {
  let state = seed >>> 0;
  const nextU32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  return {
    next: () => nextU32() / 4294967296,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`rng.int needs a positive integer, got ${n}`);
      if (n <= 4294967296) return Math.floor((nextU32() / 4294967296) * n);
      // Wider ranges: combine two draws (53 bits).
      const x = (nextU32() >>> 5) * 67108864 + (nextU32() >>> 6);
      return Math.floor((x / 9007199254740992) * n);
    },
    fork: (label: string) => rngFromBits(hashLabel(seed, label)),
  };
}

export function makeRng(seed: number): Rng {
  return rngFromBits(seedBits(seed));
}
