/**
 * The compiler's intermediate forms: how an s-op's values show in the residual stream
 * (representations and the leaves fused maps read), and blocks (heads and MLP pieces) built as
 * small matrices over named directions.
 */
import type { Encoding } from '../src/rasp/ast.ts';
import type { MaybeValue, Value } from '../src/rasp/values.ts';
import type { DirectionRole, HeadLabel, MlpLabel } from '../src/model/types.ts';
import type { Dir, LinComb, SparseMat } from './linalg.ts';

/**
 * One value of a categorical representation: `ind` is a linear function of the residual that is 1
 * at non-BOS positions holding `value` and 0 elsewhere (always 0 at BOS). For a one-hot s-op it is
 * a single direction; for a folded map it is the sum of its input's directions that map to `value`;
 * for an undefined (null) value it is `one` minus every other indicator.
 */
export interface CatEntry {
  readonly value: MaybeValue;
  readonly ind: LinComb;
}

/** One value of a numerical quantity: the semantic value and where it sits on the line `x`. */
export interface NumEntry {
  readonly value: MaybeValue;
  readonly x: number;
}

/**
 * Which quantity a leaf reads: fusion merges two reads of one quantity into one leaf, and an MLP
 * that needs a numerical leaf as categories asks where it came from.
 */
export type LeafSource =
  /** The s-op's own representation (categorical or numerical, as the leaf's kind says). */
  | { readonly of: 'sop'; readonly node: number }
  /** A selector width's attention output, the line 1/(w + 1), before any read-out. */
  | { readonly of: 'width'; readonly node: number }
  /** What an aggregate's head alone writes, before its default is filled in. */
  | { readonly of: 'head'; readonly node: number }
  /** Whether an aggregate's head selected nothing (its default then applies). */
  | { readonly of: 'noneSelected'; readonly node: number }
  /** A numerical leaf made categorical by an MLP of its own. */
  | { readonly of: 'discretised'; readonly from: LeafSource };

/**
 * What a fused MLP reads, as the plan knows it: one input it enumerates, categorical (one indicator
 * per value) or numerical (a line, each value at its point `x`). The plan is made from these alone;
 * emission gives each its residual read-outs (a Leaf).
 */
export type LeafPlan =
  | { readonly source: LeafSource; readonly kind: 'cat'; readonly sop: string; readonly entries: readonly { readonly value: MaybeValue }[] }
  | { readonly source: LeafSource; readonly kind: 'num'; readonly sop: string; readonly entries: readonly NumEntry[] };

/** A leaf with its read-outs: each categorical value's indicator, or the numerical line. */
export type Leaf =
  | { readonly source: LeafSource; readonly kind: 'cat'; readonly sop: string; readonly entries: readonly CatEntry[] }
  | {
      readonly source: LeafSource;
      readonly kind: 'num';
      readonly sop: string;
      /** The residual read-out whose value is `entries[i].x` where the leaf takes `entries[i].value`. */
      readonly x: LinComb;
      readonly entries: readonly NumEntry[];
    };

/** Equal for two leaves exactly when they read the same quantity the same way. */
export function leafId(leaf: LeafPlan): string {
  return `${leaf.kind}:${sourceId(leaf.source)}`;
}

// Functions that a compile calls many times are declared once, at the top level, rather than made
// afresh by each call: run under tsx (the bench, the tests), each function a call makes is given
// its name by a defineProperty of about 0.4 µs, a tenth of a small program's compile in all.
function sourceId(s: LeafSource): string {
  return s.of === 'discretised' ? `discretised(${sourceId(s.from)})` : `${s.of}(${s.node})`;
}

/** A combination of leaf values on which the program raises: no output is required there. */
export const INVALID: unique symbol = Symbol('invalid');
export type Outcome = MaybeValue | typeof INVALID;

/** An s-op as a function of leaves (maps inlined into their consumers). */
export interface Expr<L extends LeafPlan = LeafPlan> {
  readonly leaves: readonly L[];
  /** Graph indices of the maps computed inside this expression rather than read as leaves (fused). */
  readonly inlined: readonly number[];
  /** `vals[i]` is the semantic value of `leaves[i]`. */
  readonly fn: (vals: readonly MaybeValue[]) => Outcome;
}

/** One hidden neuron: relu(in · residual) · out is added to the residual. */
export interface Neuron {
  readonly in: LinComb;
  readonly out: LinComb;
}

export interface HeadBlock {
  readonly type: 'attn';
  /** Bilinear score: score(q, k) = resid_q · qk · resid_k (rows: query-side directions). */
  readonly qk: SparseMat;
  /** Value → output: resid_k · ov is what key k contributes. */
  readonly ov: SparseMat;
  readonly label: {
    readonly expr: string;
    readonly selector: string;
    readonly writes: string;
    readonly kind: HeadLabel['kind'];
  };
}

export interface MlpBlock {
  readonly type: 'mlp';
  readonly neurons: readonly Neuron[];
  /** Leaf-value combinations enumerated to build it (the product of its leaves' value counts). */
  readonly combinations: number;
  readonly label: {
    readonly expr: string;
    readonly writes: string;
    readonly reads: readonly string[];
    readonly kind: MlpLabel['kind'];
  };
}

export type Block = HeadBlock | MlpBlock;

/**
 * A residual direction: which s-op (and, for a one-hot direction, which of its values; for a
 * temporary, what it holds) and what it is for; `dir` is its key in the sparse vectors blocks are
 * built from (spaces.ts's dirKey).
 */
export interface DirInfo {
  readonly dir: Dir;
  readonly role: DirectionRole;
  /** Graph index of the s-op (orders s-op directions like the program). */
  readonly order: number;
  readonly sop: string;
  readonly value?: Value;
  /** What a temporary holds (`none_selected`, `1/(w+1)`). */
  readonly temporary?: string;
  readonly encoding: Encoding;
}
