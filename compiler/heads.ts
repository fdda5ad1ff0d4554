/**
 * Emitting attention heads: an aggregate's head and a selector width's head, from the forms of
 * what they read. The plan decides when a head is needed; emit.ts gives the forms through
 * `HeadContext`; this file only builds.
 */
import type { Encoding } from '../src/rasp/ast.ts';
import { lengthSelector } from '../src/rasp/builder.ts';
import type { ValueSet } from '../src/rasp/valueSets.ts';
import type { Value } from '../src/rasp/values.ts';
import { categoricalOv } from './blocks/categoricalAttention.ts';
import { addNoneSelected } from './blocks/defaults.ts';
import { numericalOv } from './blocks/numericalAttention.ts';
import { addBosScore, addGroupScores, selectorGroups, type SelectorGroup } from './blocks/selector.ts';
import { widthOv } from './blocks/selectorWidth.ts';
import type { Graph } from './graph.ts';
import type { LabelText } from './labelText.ts';
import { ONE, unit, type Dir, type LinComb } from './linalg.ts';
import { NONE_SELECTED, sideDomain } from './spaces.ts';
import type { CatEntry, HeadBlock } from './types.ts';

/** What building a head needs to know of the nodes around it (emit.ts's Emitter). */
export interface HeadContext {
  readonly graph: Graph;
  readonly text: LabelText;
  set(i: number): ValueSet;
  enc(i: number): Encoding;
  catRepr(i: number): CatEntry[];
  numRepr(i: number): LinComb;
  sopCatDir(i: number, v: Value): Dir;
  sopNumDir(i: number): Dir;
  tempDir(i: number, what: string): Dir;
}

// A top-level function, not a closure made per head: under tsx each named closure costs a defineProperty (types.ts's leafId).

/** Side `i`'s indicators, made when first asked for. */
function sideRepr(ctx: HeadContext, i: number): () => CatEntry[] {
  return () => (i < 0 ? [{ value: null, ind: unit(ONE) }] : ctx.catRepr(i));
}

function scores(ctx: HeadContext, groups: readonly SelectorGroup[], bosLevel: number): Map<Dir, Map<Dir, number>> {
  const qk = new Map<Dir, Map<Dir, number>>();
  for (const g of groups)
    addGroupScores(qk, g, {
      keyDomain: sideDomain(ctx, g.keys),
      queryDomain: sideDomain(ctx, g.queries),
      keyRepr: sideRepr(ctx, g.keys),
      queryRepr: sideRepr(ctx, g.queries),
    });
  addBosScore(qk, bosLevel);
  return qk;
}

/** Aggregate i's head; `noneDir` is its none-selected temporary, when `noneSelected` (a default is filled in). */
export function buildAggregateHead(ctx: HeadContext, i: number, noneSelected: boolean): { block: HeadBlock; noneDir?: Dir } {
  const g = ctx.graph.nodes[i];
  const [sel, sop] = g.inputs;
  const groups = selectorGroups(ctx.graph, sel);
  const qk = scores(ctx, groups, groups.length - 0.5);
  const numerical = ctx.enc(i) === 'numerical';
  let ov: Map<Dir, Map<Dir, number>>;
  if (numerical) ov = numericalOv(ctx.numRepr(sop), ctx.sopNumDir(i));
  else ov = categoricalOv(ctx.catRepr(sop), (v) => ctx.sopCatDir(i, v));
  const noneDir = noneSelected ? ctx.tempDir(i, NONE_SELECTED) : undefined;
  if (noneDir) addNoneSelected(ov, noneDir);
  const kind = numerical ? 'numerical-aggregate' : 'categorical-aggregate';
  const label = { expr: ctx.text.describe(g.node), selector: ctx.text.describe(ctx.graph.nodes[sel].node), writes: g.name, kind } as const;
  return { block: { type: 'attn', qk, ov, label }, noneDir };
}

/** Selector width (or length) i's head, writing 1/(w+1) into the temporary `tempDir`. */
export function buildWidthHead(ctx: HeadContext, i: number): { block: HeadBlock; tempDir: Dir } {
  const g = ctx.graph.nodes[i];
  // length is the width of the all-true selector, which reads no s-op.
  const isLength = g.node.kind === 'length';
  const groups: readonly SelectorGroup[] = isLength ? [{ keys: -1, queries: -1, table: () => true }] : selectorGroups(ctx.graph, g.inputs[0]);
  const tempDir = ctx.tempDir(i, '1/(w+1)');
  const selector = ctx.text.describe(isLength ? lengthSelector : ctx.graph.nodes[g.inputs[0]].node);
  return {
    block: {
      type: 'attn',
      qk: scores(ctx, groups, groups.length),
      ov: widthOv(tempDir),
      label: { expr: ctx.text.describe(g.node), selector, writes: g.name, kind: 'selector-width' },
    },
    tempDir,
  };
}
