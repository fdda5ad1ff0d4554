/**
 * The node-level baseline that discovery methods are measured against: the ablation profile
 * `ablate --sweep` already computes (probes/ablation.ts), read as a score per node of the
 * computational graph: how much the task's loss rises when the node is ablated on its own. The
 * two embeddings are ablated together (the `embed` component), so they share one score. Edges get
 * no score: ablating a node removes what it sends to every reader at once.
 */
import { formatComponent, type ComponentRef } from '../../src/model/components.ts';
import { circuitGraph, nodeName } from '../../src/model/circuitGraph.ts';
import type { LoadedModel } from '../../src/model/loadedModel.ts';
import { ablationSweep, type AblationMode } from '../ablation.ts';
import type { ProbeSet } from '../probeSet.ts';
import { curves, type Curves } from './curves.ts';
import { knownCircuit, type ScoredNode } from './discover.ts';

export interface NodeBaseline {
  readonly mode: AblationMode;
  /** Every sender node, its score the loss's rise when it is ablated (inCircuit: a rise above 0). */
  readonly nodes: readonly ScoredNode[];
  /** Against the known circuit's nodes (null for a model without one). */
  readonly against: Curves | null;
}

export async function nodeBaseline(m: LoadedModel, set: ProbeSet, mode: AblationMode, opts: { seed?: number; batchSize?: number } = {}): Promise<NodeBaseline> {
  const g = circuitGraph(m.config);
  const refOf = (i: number): ComponentRef => {
    const n = g.senders[i];
    if (n.kind === 'head') return { kind: 'head', layer: n.layer, head: n.head };
    if (n.kind === 'mlp') return { kind: 'mlp', layer: n.layer };
    return { kind: 'embed' };
  };
  const refs = g.senders.map((_, i) => refOf(i));
  const components = refs.filter((r, i) => i !== 1 || r.kind !== 'embed'); // the embeddings once
  const profile = await ablationSweep(m, set, { modes: [mode], components, seed: opts.seed, batchSize: opts.batchSize });
  const rise = new Map(profile.components.map((r) => [formatComponent(r.component[0]), r.loss - profile.baseline.loss]));
  const known = knownCircuit(m);
  const trueNodes = known ? new Set(known.nodes) : null;
  const nodes = g.senders.map((n, i): ScoredNode => {
    const score = rise.get(formatComponent(refs[i]))!;
    return { node: nodeName(n), score, inCircuit: score > 0, ...(trueNodes ? { inTrue: trueNodes.has(nodeName(n)) } : {}) };
  });
  return {
    mode,
    nodes,
    against: trueNodes
      ? curves(
          nodes.map((n) => n.score),
          nodes.map((n) => trueNodes.has(n.node)),
        )
      : null,
  };
}
