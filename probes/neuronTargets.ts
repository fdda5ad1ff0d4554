/**
 * What a neuron may be tracking of one variable: the sets of values it could fire for, each named
 * the simplest way it can be (`== v`, `<= t`, `>= t`, `!= v`, `in {a, b}`). Thresholds are offered
 * wherever values are ordered numbers, because a compiled read-out MLP (and many learned neurons)
 * fires for `hist <= 2`, not for one value; a value set is offered from the values ranked by the
 * neuron's mean activation, which holds the best set for any cut.
 */
import { valueKey, type MaybeValue, type Value } from '../src/rasp/values.ts';
import type { ProgramVariable } from './variables.ts';

export interface Target {
  /** e.g. `<= 2`. */
  readonly name: string;
  /** The set's values, as one key. */
  readonly id: string;
  /** 1 where the sample's value is in the set. */
  readonly y: Uint8Array;
}

/** The name of a set of values (`inSet`: a subset of `seen`, in seen's order). */
export function nameValueSet(inSet: readonly Value[], seen: readonly Value[], ordered: boolean): string {
  const m = seen.length;
  if (inSet.length === 1) return `== ${String(inSet[0])}`;
  if (ordered && inSet.every((v, i) => v === seen[i])) return `<= ${String(inSet[inSet.length - 1])}`;
  if (ordered && inSet.every((v, i) => v === seen[m - inSet.length + i])) return `>= ${String(inSet[0])}`;
  if (inSet.length === m - 1) return `!= ${String(seen.find((v) => !inSet.includes(v)))}`;
  return `in {${inSet.map(String).join(', ')}}`;
}

export interface VariableTargets {
  readonly variable: ProgramVariable;
  /** Each sample's value. */
  readonly values: readonly MaybeValue[];
  /** Single values and, for ordered values, thresholds: the same for every neuron. */
  readonly fixed: readonly Target[];
}

const isOrdered = (seen: readonly Value[]) => seen.length > 0 && seen.every((x) => typeof x === 'number');
const setId = (set: readonly Value[]) => set.map(valueKey).sort().join('\u0000');

/** The targets every neuron is tried against. Neither the empty set nor every value is a target. */
export function fixedTargets(variable: ProgramVariable, values: readonly MaybeValue[]): VariableTargets {
  const seen = variable.seen;
  const sets: Value[][] = seen.map((x) => [x]);
  if (isOrdered(seen)) for (let j = 1; j < seen.length - 1; j++) sets.push(seen.slice(0, j + 1), seen.slice(j));
  const done = new Set<string>();
  const fixed = sets.filter((set) => set.length < seen.length && !done.has(setId(set)) && done.add(setId(set))).map((set) => target(set, seen, values));
  return { variable, values, fixed };
}

/**
 * Value sets for one neuron of a categorical variable: its values ranked by the neuron's mean
 * activation, the top 2, 3, … of them (those that are not already a fixed target).
 */
export function rankedTargets(t: VariableTargets, activation: ArrayLike<number>): Target[] {
  const seen = t.variable.seen;
  if (t.variable.encoding !== 'categorical' || seen.length <= 2) return [];
  const sum = new Map<string, number>();
  const count = new Map<string, number>();
  t.values.forEach((x, s) => {
    const k = valueKey(x);
    sum.set(k, (sum.get(k) ?? 0) + activation[s]);
    count.set(k, (count.get(k) ?? 0) + 1);
  });
  const mean = (x: Value) => sum.get(valueKey(x))! / count.get(valueKey(x))!;
  const ranked = [...seen].sort((a, b) => mean(b) - mean(a));
  const fixed = new Set(t.fixed.map((f) => f.id));
  const out: Target[] = [];
  for (let j = 2; j < seen.length; j++) {
    const top = new Set(ranked.slice(0, j));
    const set = seen.filter((x) => top.has(x));
    if (!fixed.has(setId(set))) out.push(target(set, seen, t.values));
  }
  return out;
}

function target(set: readonly Value[], seen: readonly Value[], values: readonly MaybeValue[]): Target {
  const keys = new Set(set.map(valueKey));
  return {
    name: nameValueSet(set, seen, isOrdered(seen)),
    id: setId(set),
    y: Uint8Array.from(values, (x) => (x !== null && keys.has(valueKey(x)) ? 1 : 0)),
  };
}
