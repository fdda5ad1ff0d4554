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

/**
 * Residual directions a program needs beyond tracr's for RASP's semantics. sort_unique selects no
 * key on an input with a repeated token, where RASP's aggregate gives its implicit default 0 (tracr
 * writes nothing there, so its output is arbitrary): the 0 is one more value of the output.
 */
export const RASP_DEFAULT_EXTRA: Readonly<Record<string, number>> = { sort_unique: 1 };

/** The widest residual stream a program may have at a maximum length: tracr's, plus `RASP_DEFAULT_EXTRA`. */
export function residualAllowed(name: string, anchor: TracrAnchor, maxLen: 5 | 10): number {
  return anchor.byMaxLen[maxLen].residual + (RASP_DEFAULT_EXTRA[name] ?? 0);
}

/** The anchor's vocabulary as values: numbers when every token is one (as `--vocab` reads it). */
export function tracrVocab(anchor: TracrAnchor): (string | number)[] {
  return anchor.vocab.every((t) => !Number.isNaN(Number(t))) ? anchor.vocab.map(Number) : [...anchor.vocab];
}

/**
 * tracr at max lengths 20 and 40 (shared/anchors/tracr.md, the side-by-side run of 2026-12-01: its
 * compiler up to the craft model, median of 3): layers, residual width (tracr's includes its
 * padding to the widest block, so it is not the 5/10 table's), weight count, compile ms.
 */
export interface TracrLargerFigures {
  readonly layers: number;
  readonly residual?: number;
  readonly params?: number;
  readonly compileMs: number;
}

const g = (layers: number, residual: number, params: number, compileMs: number): TracrLargerFigures => ({ layers, residual, params, compileMs });

export const TRACR_LARGER: Readonly<Record<string, Readonly<Partial<Record<20 | 40, TracrLargerFigures>>>>> = {
  length: { 20: g(1, 48, 6_393, 4.9), 40: g(1, 88, 20_513, 33.5) },
  reverse: { 20: g(4, 131, 534_830, 394.4), 40: g(4, 251, 3_643_530, 4582.8) },
  hist: { 20: g(1, 48, 6_393, 13.0), 40: g(1, 88, 20_513, 23.8) },
  sort_unique: { 20: g(2, 51, 19_290, 9.3), 40: g(2, 91, 65_390, 23.3) },
  sort: { 20: g(3, 111, 126_834, 36.8), 40: g(3, 211, 473_254, 92.6) },
  // At 40 the side-by-side run did not finish tracr's sort_freq; issue 19 quotes it at about 14 s.
  sort_by_frequency: { 20: g(5, 514, 6_523_894, 1446.5), 40: { layers: 5, compileMs: 14_000 } },
  frac_prevs: { 20: g(2, 28, 6_014, 1.1), 40: g(2, 48, 18_974, 6.7) },
  pair_balance: { 20: g(2, 31, 12_610, 3.8), 40: g(2, 51, 38_150, 9.6) },
  shuffle_dyck: { 20: g(6, 84, 1_664_400, 504.7) },
  shuffle_dyck2: { 20: g(8, 101, 5_325_404, 1089.7) },
  count_less_freq: { 20: g(2, 70, 26_962, 10.4), 40: g(2, 130, 94_282, 44.5) },
};
