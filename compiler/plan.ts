/**
 * The compiler's plan: for every s-op it built something for, how each of its forms reaches the
 * residual stream — free (read off the embedding, `one`, its own head, or as a linear function of
 * other forms) or written by an MLP — which head it owns, and which MLPs compute it inline. lower.ts
 * records each decision here as it makes it, so a reader and a test can see them without reading
 * weights (tracr annotates its graph nodes the same way).
 */
import type { Encoding } from '../src/rasp/ast.ts';
import type { HeadLabel } from '../src/model/types.ts';
import type { Graph } from './graph.ts';

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
