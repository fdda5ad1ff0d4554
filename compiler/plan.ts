/**
 * The compiler's plan, made by planner.ts from the graph and value sets alone and built by emit.ts:
 * for every s-op something reads, how each of its forms reaches the residual stream — free (read off
 * the embedding, `one`, its own head, or as a linear function of other forms) or written by an MLP —
 * which head it owns, and which MLPs compute it inline (NodePlan, what a reader and a test see,
 * as tracr annotates its graph nodes); and the blocks to build, in order (Build).
 */
import type { Encoding } from '../src/rasp/ast.ts';
import type { HeadLabel, MlpLabel } from '../src/model/types.ts';
import type { Value } from '../src/rasp/values.ts';
import type { Graph } from './graph.ts';
import type { CategoricalFold, NumericalFold } from './linear.ts';
import type { Expr, LeafPlan } from './types.ts';

/** How one form of an s-op is had. */
export type Representation =
  /** tokens' and indices' one-hot embedding directions. */
  | 'embedding'
  /** A constant: a multiple of `one`. */
  | 'constant'
  /** What its own attention head writes. */
  | 'head'
  /** Its head's output, with an MLP writing the default where the head selects nothing. */
  | 'head-and-default'
  /** A linear function of other forms (a relabelling, Σ v·indicator, an additive map): no block. */
  | 'linear'
  /** Written by an MLP of its own. */
  | 'mlp';

export interface NodePlan {
  /** Graph index. */
  readonly node: number;
  readonly name: string;
  /** Its one-indicator-per-value form, when something reads it so. */
  readonly categorical?: Representation;
  /** Its single-line form, when something reads it so. */
  readonly numerical?: Representation;
  /** The kind of attention head it owns, when one was built. */
  readonly head?: HeadLabel['kind'];
  /** Graph indices of the nodes whose MLPs compute this one inline (a fused map), in the order those MLPs are built. */
  readonly fusedInto: readonly number[];
}

/**
 * An s-op's one-indicator-per-value form. Embedding, head and MLP forms are one-hot over its own
 * directions (the input's for tokens and indices); a constant or linear one is a relabelling of a
 * leaf's indicators (or of `one`).
 */
export type CatForm =
  | { readonly how: 'embedding' | 'head' | 'head-and-default' | 'mlp' }
  | { readonly how: 'constant' | 'linear'; readonly leaves: readonly LeafPlan[]; readonly fold: CategoricalFold };

/** An s-op's single-line form: its own direction, or a sum of read-outs of leaves (and `one`). */
export type NumForm =
  | { readonly how: 'head' | 'head-and-default' | 'mlp' }
  | { readonly how: 'constant' | 'linear'; readonly leaves: readonly LeafPlan[]; readonly fold: NumericalFold };

/** One block to build. The layout relies on their order: each comes after the blocks it reads. */
export type Build =
  /** `node`'s head; `noneSelected`: an aggregate's also marks where nothing is selected (a default follows). */
  | { readonly block: 'head'; readonly node: number; readonly kind: HeadLabel['kind']; readonly noneSelected: boolean }
  /** The neuron writing aggregate `node`'s default where its head selected nothing. */
  | { readonly block: 'default'; readonly node: number; readonly encoding: Encoding; readonly value: Value }
  /** An MLP making a head's numerical output `leaf` categorical (`into`), for a map of several numerical inputs. */
  | { readonly block: 'discretise'; readonly node: number; readonly leaf: LeafPlan; readonly into: LeafPlan }
  /** `node`'s MLP: `expr` over `leaves` (expr's, all but one numerical made categorical), writing the forms `writes` says. */
  | {
      readonly block: 'map';
      readonly node: number;
      readonly expr: Expr;
      readonly leaves: readonly LeafPlan[];
      readonly writes: Encoding;
      readonly kind: MlpLabel['kind'];
    };

export interface Plan {
  /** In graph order. */
  readonly nodes: readonly NodePlan[];
  readonly categorical: ReadonlyMap<number, CatForm>;
  readonly numerical: ReadonlyMap<number, NumForm>;
  readonly builds: readonly Build[];
}

type Entry = { -readonly [K in keyof NodePlan]: NodePlan[K] } & { fusedInto: number[] };

/** Node i's entry, made on first use (a top-level function: under tsx a closure per call costs a defineProperty, types.ts's leafId). */
function entryOf(entries: Map<number, Entry>, graph: Graph, i: number): Entry {
  let e = entries.get(i);
  if (!e) entries.set(i, (e = { node: i, name: graph.nodes[i].name, fusedInto: [] }));
  return e;
}

/** What a reader sees of the plan: per s-op, in graph order (inputs first), its forms, head and fusions. */
export function nodePlans(
  graph: Graph,
  forms: { readonly categorical: ReadonlyMap<number, CatForm>; readonly numerical: ReadonlyMap<number, NumForm> },
  builds: readonly Build[],
): NodePlan[] {
  const entries = new Map<number, Entry>();
  for (const [i, f] of forms.categorical) entryOf(entries, graph, i).categorical = f.how;
  for (const [i, f] of forms.numerical) entryOf(entries, graph, i).numerical = f.how;
  for (const b of builds) {
    if (b.block === 'head') entryOf(entries, graph, b.node).head = b.kind;
    if (b.block !== 'map') continue;
    for (const k of b.expr.inlined) {
      const e = entryOf(entries, graph, k);
      if (!e.fusedInto.includes(b.node)) e.fusedInto.push(b.node);
    }
  }
  return [...entries.values()].sort((a, b) => a.node - b.node);
}
