/**
 * Fusing chains of maps, as the plan (pass 3) decides each MLP. A map whose inputs are themselves
 * maps is computed straight from the leaves those maps read (f∘g over the leaves' value sets), so
 * the chain costs one MLP, not one per map — as long as the leaves' combinations stay within a
 * limit; past it, the input whose leaves cost most is materialised as a leaf of its own (its own
 * MLP, a layer earlier).
 * A selector-width read-out is such a map (of the attention's 1/(w+1) line), so it fuses with what
 * follows it.
 */
import type { ScalarFn } from '../src/rasp/ast.ts';
import { RaspError } from '../src/rasp/errors.ts';
import { applyScalarFn } from '../src/rasp/scalar.ts';
import { valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { INVALID, leafId, type Expr, type LeafPlan, type Outcome } from './types.ts';

export const DEFAULT_FUSE_LIMIT = 2000;

/**
 * The most maps one MLP computes inline. A fused function calls the functions it inlines, so a
 * long chain of maps fused whole would nest calls as deep as the chain is long (and be evaluated
 * once per link while planning); past this, the chain is cut and the input gets an MLP of its own.
 */
export const MAX_INLINED = 64;

/** How a map's consumer may read one of its inputs. */
export type FuseInput<L extends LeafPlan = LeafPlan> =
  | { readonly kind: 'const'; readonly value: Value }
  | { readonly kind: 'leaf'; readonly leaf: L }
  /**
   * An inlinable expression, graph node `node`'s; `materialize` gives the leaf to read instead when
   * inlining costs too much, a categorical or numerical one as `materializesAs` says.
   */
  | {
      readonly kind: 'expr';
      readonly node: number;
      readonly expr: Expr<L>;
      readonly materialize: () => L;
      readonly materializesAs: 'cat' | 'num';
    };

/** The number of leaf-value combinations an MLP over these leaves enumerates. */
export function comboCount(leaves: readonly LeafPlan[]): number {
  return leaves.reduce((p, l) => p * l.entries.length, 1);
}

function unionLeaves<L extends LeafPlan>(groups: readonly (readonly L[])[]): L[] {
  const out = new Map<string, L>();
  for (const g of groups) for (const l of g) if (!out.has(leafId(l))) out.set(leafId(l), l);
  return [...out.values()];
}

function leavesOf<L extends LeafPlan>(i: FuseInput<L>): readonly L[] {
  return i.kind === 'const' ? [] : i.kind === 'leaf' ? [i.leaf] : i.expr.leaves;
}

/** Applies a map's function the way the evaluator does: undefined in, undefined out; a raise is INVALID. */
export function applyMap(fn: ScalarFn, args: readonly Outcome[]): Outcome {
  if (args.some((a) => a === INVALID)) return INVALID;
  if (args.some((a) => a === null)) return null;
  try {
    return applyScalarFn(fn, args as Value[]);
  } catch (e) {
    if (e instanceof RaspError) return INVALID;
    throw e;
  }
}

/**
 * The map `fn(inputs…)` as a function of leaves. Inputs given as expressions are inlined while the
 * combination count stays within `limit`; otherwise the costliest are materialised first.
 */
export function composeMap<L extends LeafPlan>(
  fn: ScalarFn,
  inputs: readonly FuseInput<L>[],
  limit = DEFAULT_FUSE_LIMIT,
  tolerate: (e: Expr<L>) => boolean = () => true,
): Expr<L> {
  const ins = inputs.map((inp) => (inp.kind === 'expr' && inp.expr.inlined.length >= MAX_INLINED ? { kind: 'leaf' as const, leaf: inp.materialize() } : inp));
  for (;;) {
    const leaves = unionLeaves(ins.map(leavesOf));
    if (comboCount(leaves) <= limit) break;
    let worst = -1;
    for (let j = 0; j < ins.length; j++) {
      const inp = ins[j];
      if (inp.kind !== 'expr' || inp.expr.leaves.length <= 1) continue;
      if (worst < 0 || comboCount(inp.expr.leaves) > comboCount((ins[worst] as { expr: Expr<L> }).expr.leaves)) worst = j;
    }
    if (worst < 0) break; // every input is a leaf already: one lookup over them is the best there is
    ins[worst] = { kind: 'leaf', leaf: (ins[worst] as Extract<FuseInput<L>, { kind: 'expr' }>).materialize() };
  }
  let e = build(fn, ins);
  // An MLP discretises one numerical leaf; inputs that bring more become categorical leaves first.
  while (!tolerate(e)) {
    let pick = -1;
    for (let j = 0; j < ins.length; j++) {
      const inp = ins[j];
      if (inp.kind === 'expr' && inp.materializesAs === 'cat' && inp.expr.leaves.some((l) => l.kind === 'num')) pick = j;
    }
    if (pick < 0) break;
    ins[pick] = { kind: 'leaf', leaf: (ins[pick] as Extract<FuseInput<L>, { kind: 'expr' }>).materialize() };
    e = build(fn, ins);
  }
  return e;
}

function build<L extends LeafPlan>(fn: ScalarFn, ins: readonly FuseInput<L>[]): Expr<L> {
  const leaves = unionLeaves(ins.map(leavesOf));
  const pos = new Map(leaves.map((l, i) => [leafId(l), i]));
  const readers = ins.map((inp): ((vals: readonly MaybeValue[]) => Outcome) => {
    if (inp.kind === 'const') return () => inp.value;
    if (inp.kind === 'leaf') {
      const p = pos.get(leafId(inp.leaf))!;
      return (vals) => vals[p];
    }
    const idx = inp.expr.leaves.map((l) => pos.get(leafId(l))!);
    const sub = remembered(inp.expr.fn);
    return (vals) => sub(idx.map((p) => vals[p]));
  });
  const inlined = new Set(ins.flatMap((inp) => (inp.kind === 'expr' ? [...inp.expr.inlined, inp.node] : [])));
  return {
    leaves,
    inlined: [...inlined],
    fn: (vals) =>
      applyMap(
        fn,
        readers.map((r) => r(vals)),
      ),
  };
}

/**
 * An inlined map's function, each combination of its leaves' values worked out once: maps that read
 * one map through two paths (`c = a + b` with `b = f(a)`) would otherwise evaluate it once per path,
 * twice as often at every level of such a chain.
 */
function remembered(fn: Expr['fn']): Expr['fn'] {
  const known = new Map<string, Outcome>();
  return (vals) => {
    const key = JSON.stringify(vals.map(valueKey));
    if (known.has(key)) return known.get(key)!;
    const v = fn(vals);
    known.set(key, v);
    return v;
  };
}

/** Every combination of leaf entries (indices into each leaf's entries), last leaf fastest. */
export function* combinations(leaves: readonly LeafPlan[]): Generator<number[]> {
  const idx = new Array<number>(leaves.length).fill(0);
  if (leaves.some((l) => l.entries.length === 0)) return;
  for (;;) {
    yield [...idx];
    let j = leaves.length - 1;
    while (j >= 0 && idx[j] === leaves[j].entries.length - 1) idx[j--] = 0;
    if (j < 0) return;
    idx[j]++;
  }
}
