/**
 * The leaves a fused MLP reads (compiler/types.ts's Leaf): an s-op's own form, what an aggregate's
 * head writes before its default, whether it selected nothing, and a selector width's 1/(w+1)
 * line. lower.ts asks for them while fusing maps; each asks lower.ts for the forms and heads it
 * reads through `LeafContext`.
 */
import type { ValueSet } from '../src/rasp/valueSets.ts';
import { isNumeric, type Value } from '../src/rasp/values.ts';
import type { CatLeaf } from './blocks/categoricalMlp.ts';
import type { NumLeaf } from './blocks/numericalMlp.ts';
import { widthEntries } from './blocks/selectorWidth.ts';
import type { HeadContext } from './heads.ts';
import { combine, lin, ONE, unit, type Dir } from './linalg.ts';
import type { CatEntry, Leaf, NumEntry } from './types.ts';

export interface LeafContext extends HeadContext {
  name(i: number): string;
  /** Builds aggregate i's head when not yet built; its none-selected temporary, when it has one. */
  aggregateHead(i: number): { noneDir?: Dir };
  /** Builds selector width i's head when not yet built; the temporary holding 1/(w+1). */
  widthHead(i: number): Dir;
}

/** One-hot entries over directions, plus the undefined value's indicator (one − Σ) when it can occur. */
export function oneHotEntries(values: readonly Value[], dirOf: (v: Value) => Dir, mayBeNull: boolean): CatEntry[] {
  const entries: CatEntry[] = values.map((v) => ({ value: v, ind: unit(dirOf(v)) }));
  if (mayBeNull) entries.push({ value: null, ind: combine([[unit(ONE), 1], ...entries.map((e) => [e.ind, -1] as const)]) });
  return entries;
}

function lineEntries(set: ValueSet): NumEntry[] {
  const entries: NumEntry[] = set.values.filter(isNumeric).map((v) => ({ value: v, x: Number(v) }));
  // An undefined numerical value reads as 0 (nothing selected): keep 0 a point of the line.
  if (set.mayBeNull && !entries.some((e) => e.x === 0)) entries.push({ value: null, x: 0 });
  return entries;
}

export function catLeaf(ctx: LeafContext, i: number): CatLeaf {
  return { source: { of: 'sop', node: i }, kind: 'cat', sop: ctx.name(i), entries: ctx.catRepr(i) };
}

export function numLeaf(ctx: LeafContext, i: number): NumLeaf {
  ctx.requireNumeric(i);
  return { source: { of: 'sop', node: i }, kind: 'num', sop: ctx.name(i), x: ctx.numRepr(i), entries: lineEntries(ctx.set(i)) };
}

export function rawAggregateLeaf(ctx: LeafContext, i: number): Leaf {
  ctx.aggregateHead(i);
  if (ctx.enc(i) === 'numerical') {
    // What the head alone writes: a mean of the selected values, or 0 when nothing is selected.
    const entries = lineEntries({ values: ctx.set(i).values, mayBeNull: true });
    return { source: { of: 'head', node: i }, kind: 'num', sop: ctx.name(i), x: unit(ctx.sopNumDir(i)), entries };
  }
  const sopSet = ctx.set(ctx.graph.nodes[i].inputs[1]);
  return {
    source: { of: 'head', node: i },
    kind: 'cat',
    sop: ctx.name(i),
    entries: oneHotEntries(sopSet.values, (v) => ctx.sopCatDir(i, v), true),
  };
}

export function noneSelectedLeaf(ctx: LeafContext, i: number): CatLeaf {
  const noneDir = ctx.aggregateHead(i).noneDir!;
  return {
    source: { of: 'noneSelected', node: i },
    kind: 'cat',
    sop: `${ctx.name(i)}:none_selected`,
    entries: [
      { value: false, ind: lin([[ONE, 1], [noneDir, -1]]) },
      { value: true, ind: unit(noneDir) },
    ],
  };
}

export function widthLeaf(ctx: LeafContext, i: number): NumLeaf {
  const tempDir = ctx.widthHead(i);
  const widths = ctx.set(i).values.filter((v): v is number => typeof v === 'number');
  return { source: { of: 'width', node: i }, kind: 'num', sop: ctx.name(i), x: unit(tempDir), entries: widthEntries(widths) };
}
