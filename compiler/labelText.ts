/**
 * The RASP text of compiled heads' and MLPs' labels. A named s-op that the plan gives no form of
 * its own — a map an MLP computes inside itself, a selector width read out where it is used, an
 * aggregate whose default the reading MLP fills in — is written out where a label would name it:
 * nothing in the residual stream carries its value, so naming it would claim something a probe
 * cannot find (shuffle_dyck2's last MLP does not read a `paren_ok`; it computes it). So is a node
 * whose name the program assigns again, since the name then means the later value.
 */
import { isSelector, type RaspNode } from '../src/rasp/ast.ts';
import { describe, describeReference } from '../src/rasp/describe.ts';
import type { Graph } from './graph.ts';
import type { Plan } from './plan.ts';

export interface LabelText {
  /** What `node` computes. */
  describe(node: RaspNode): string;
  /** How a label names `node`: its name when the residual stream holds it, else what it computes. */
  reference(node: RaspNode): string;
}

export function labelText(graph: Graph, plan: Pick<Plan, 'categorical' | 'numerical'>): LabelText {
  const opts = { spellOut: spelledOut(graph, plan) };
  return {
    describe(n) {
      return describe(n, opts);
    },
    reference(n) {
      return describeReference(n, opts);
    },
  };
}

// Methods and a returned closure rather than named closures: under tsx each of those costs a defineProperty per compile (types.ts's leafId).
function spelledOut(graph: Graph, plan: Pick<Plan, 'categorical' | 'numerical'>): (n: RaspNode) => boolean {
  return (n) => {
    const i = graph.canon.get(n.id);
    // A name assigned again means its last value in the program's scope, not this one.
    if (n.name && graph.scope.get(n.name) !== i) return true;
    if (isSelector(n)) return false;
    return i !== undefined && !plan.categorical.has(i) && !plan.numerical.has(i);
  };
}
