/**
 * The leaves a fused MLP reads, as the plan knows them (compiler/types.ts's LeafPlan): an s-op's
 * own form, what an aggregate's head writes before its default, whether it selected nothing, and a
 * selector width's 1/(w+1) line. planner.ts asks for them while fusing maps; each plans the forms
 * and heads it reads through `LeafContext`.
 */
import type { Encoding } from '../src/rasp/ast.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { isNumeric, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { widthEntries } from './blocks/selectorWidth.ts';
import type { Graph } from './graph.ts';
import { NONE_SELECTED, temporaryName } from './spaces.ts';
import type { LeafPlan, NumEntry } from './types.ts';

export type CatLeafPlan = Extract<LeafPlan, { kind: 'cat' }>;
export type NumLeafPlan = Extract<LeafPlan, { kind: 'num' }>;

/** What planning a leaf needs of the nodes around it (planner.ts's Planner). */
export interface LeafContext {
  readonly graph: Graph;
  name(i: number): string;
  set(i: number): ValueSet;
  enc(i: number): Encoding;
  requireNumeric(i: number): void;
  /** Plans i's categorical form; the values of its indicators, in order. */
  catValues(i: number): readonly MaybeValue[];
  /** Plans i's numerical form. */
  planNum(i: number): void;
  /** Plans aggregate i's head. */
  aggregateHead(i: number): void;
  /** Plans selector width i's head. */
  widthHead(i: number): void;
}

/** A one-hot form's values: one per direction, then undefined (one − Σ) when it can occur. */
export function oneHotValues(values: readonly Value[], mayBeNull: boolean): MaybeValue[] {
  return mayBeNull ? [...values, null] : [...values];
}

function lineEntries(set: ValueSet): NumEntry[] {
  const entries: NumEntry[] = set.values.filter(isNumeric).map((v) => ({ value: v, x: Number(v) }));
  // An undefined numerical value reads as 0 (nothing selected): keep 0 a point of the line.
  if (set.mayBeNull && !entries.some((e) => e.x === 0)) entries.push({ value: null, x: 0 });
  return entries;
}

const valueEntries = (values: readonly MaybeValue[]) => values.map((value) => ({ value }));

export function catLeaf(ctx: LeafContext, i: number): CatLeafPlan {
  return { source: { of: 'sop', node: i }, kind: 'cat', sop: ctx.name(i), entries: valueEntries(ctx.catValues(i)) };
}

export function numLeaf(ctx: LeafContext, i: number): NumLeafPlan {
  ctx.requireNumeric(i);
  ctx.planNum(i);
  return { source: { of: 'sop', node: i }, kind: 'num', sop: ctx.name(i), entries: lineEntries(ctx.set(i)) };
}

export function rawAggregateLeaf(ctx: LeafContext, i: number): LeafPlan {
  ctx.aggregateHead(i);
  if (ctx.enc(i) === 'numerical') {
    // What the head alone writes: a mean of the selected values, or 0 when nothing is selected.
    const entries = lineEntries({ values: ctx.set(i).values, mayBeNull: true });
    return { source: { of: 'head', node: i }, kind: 'num', sop: ctx.name(i), entries };
  }
  const sopSet = ctx.set(ctx.graph.nodes[i].inputs[1]);
  return { source: { of: 'head', node: i }, kind: 'cat', sop: ctx.name(i), entries: valueEntries(oneHotValues(sopSet.values, true)) };
}

export function noneSelectedLeaf(ctx: LeafContext, i: number): CatLeafPlan {
  ctx.aggregateHead(i);
  return {
    source: { of: 'noneSelected', node: i },
    kind: 'cat',
    sop: temporaryName(ctx.name(i), NONE_SELECTED),
    entries: valueEntries([false, true]),
  };
}

export function widthLeaf(ctx: LeafContext, i: number): NumLeafPlan {
  ctx.widthHead(i);
  const widths = ctx.set(i).values.filter((v): v is number => typeof v === 'number');
  return { source: { of: 'width', node: i }, kind: 'num', sop: ctx.name(i), entries: widthEntries(widths) };
}
