/**
 * tracr's compiled sizes and compile times for its own library programs, as measured on
 * 2026-11-22 (shared/anchors/tracr.md, copied here so a clean clone has them). Keys are the
 * names of rasplab's library programs; `tracrName` is what tracr's lib.py calls the program.
 */
export interface TracrFigures {
  readonly layers: number;
  readonly heads: number;
  readonly mlpHidden: readonly number[];
  readonly residual: number;
  readonly compileMs: number;
}

export interface TracrAnchor {
  readonly tracrName: string;
  /** The vocabulary tracr was measured on (also the library file's `# vocab:` header). */
  readonly vocab: readonly string[];
  readonly byMaxLen: Readonly<Record<5 | 10, TracrFigures>>;
}

const f = (layers: number, heads: number, mlpHidden: number[], residual: number, compileMs: number): TracrFigures => ({
  layers,
  heads,
  mlpHidden,
  residual,
  compileMs,
});

export const TRACR_ANCHORS: Readonly<Record<string, TracrAnchor>> = {
  length: { tracrName: 'length', vocab: ['1', '2', '3'], byMaxLen: { 5: f(1, 1, [12], 12, 5.3), 10: f(1, 1, [22], 17, 7.7) } },
  reverse: { tracrName: 'reverse', vocab: ['1', '2', '3'], byMaxLen: { 5: f(4, 2, [12, 30, 10], 40, 16.6), 10: f(4, 2, [22, 110, 20], 70, 97.7) } },
  hist: { tracrName: 'hist', vocab: ['1', '2', '3'], byMaxLen: { 5: f(1, 1, [12], 12, 5.2), 10: f(1, 1, [22], 17, 9.8) } },
  sort_unique: { tracrName: 'sort_unique', vocab: ['1', '2', '3'], byMaxLen: { 5: f(2, 2, [12], 20, 5.4), 10: f(2, 2, [22], 30, 10.6) } },
  sort: { tracrName: 'sort', vocab: ['1', '2', '3'], byMaxLen: { 5: f(3, 2, [15, 12], 35, 12.6), 10: f(3, 2, [30, 22], 60, 33.7) } },
  sort_by_frequency: {
    tracrName: 'sort_freq',
    vocab: ['1', '2', '3'],
    byMaxLen: { 5: f(5, 3, [12, 6, 30, 12], 63, 42.3), 10: f(5, 3, [22, 11, 110, 22], 163, 208.0) },
  },
  frac_prevs: { tracrName: 'frac_prevs', vocab: ['a', 'b', 'x'], byMaxLen: { 5: f(2, 1, [1], 12, 3.0), 10: f(2, 1, [1], 17, 2.4) } },
  pair_balance: { tracrName: 'pair_balance', vocab: ['(', ')', 'a'], byMaxLen: { 5: f(2, 2, [2, 4], 15, 3.9), 10: f(2, 2, [2, 4], 20, 4.6) } },
  shuffle_dyck: {
    tracrName: 'shuffle_dyck',
    vocab: ['(', ')', 'a'],
    byMaxLen: { 5: f(6, 5, [14, 6, 4, 106, 11, 4], 38, 37.8), 10: f(6, 5, [24, 11, 4, 402, 21, 4], 53, 122.1) },
  },
  shuffle_dyck2: {
    tracrName: 'shuffle_dyck2',
    vocab: ['(', ')', 'a', '{', '}'],
    byMaxLen: { 5: f(8, 7, [16, 6, 8, 212, 8, 1, 11, 4], 55, 82.0), 10: f(8, 7, [26, 11, 8, 804, 8, 1, 21, 4], 70, 231.3) },
  },
  count_less_freq: { tracrName: 'count_less_freq(2)', vocab: ['a', 'b', 'c'], byMaxLen: { 5: f(2, 2, [12, 12], 19, 10.0), 10: f(2, 2, [22, 22], 29, 18.7) } },
};

/** The anchor's vocabulary as values: numbers when every token is one (as `--vocab` reads it). */
export function tracrVocab(anchor: TracrAnchor): (string | number)[] {
  return anchor.vocab.every((t) => !Number.isNaN(Number(t))) ? anchor.vocab.map(Number) : [...anchor.vocab];
}
