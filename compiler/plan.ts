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
  /** Graph indices of the nodes whose MLPs compute this one inline (a fused map). */
  readonly fusedInto: readonly number[];
}

/** Whether a form costs no block of its own. */
export function isFree(r: Representation): boolean {
  return r !== 'mlp' && r !== 'head-and-default';
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
  /** Aggregate `node`'s head; `noneSelected`: it also marks where nothing is selected (a default follows). */
  | { readonly block: 'aggregate-head'; readonly node: number; readonly noneSelected: boolean }
  /** Selector width (or length) `node`'s head. */
  | { readonly block: 'width-head'; readonly node: number }
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

export class PlanRecorder {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly graph: Graph) {}

  private entry(i: number): Entry {
    let e = this.entries.get(i);
    if (!e) this.entries.set(i, (e = { node: i, name: this.graph.nodes[i].name, fusedInto: [] }));
    return e;
  }

  representation(i: number, encoding: Encoding, how: Representation): void {
    this.entry(i)[encoding] = how;
  }

  head(i: number, kind: HeadLabel['kind']): void {
    this.entry(i).head = kind;
  }

  fused(i: number, into: number): void {
    const e = this.entry(i);
    if (!e.fusedInto.includes(into)) e.fusedInto.push(into);
  }

  /** The plan in graph order (inputs first). */
  plans(): NodePlan[] {
    return [...this.entries.values()].sort((a, b) => a.node - b.node);
  }
}
