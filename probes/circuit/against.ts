/**
 * A learned model's discovered circuit read against a compiled model's true one. Compiled nodes
 * are mapped onto learned ones: the embeddings and the logits onto themselves, each compiled head
 * onto the learned head `compare` matches it with (probes/headSimilarity.ts: the most similar
 * attention pattern, when similar enough), each compiled MLP onto the learned MLP of the same
 * layer. A compiled edge maps onto the learned edge between the images of its ends through the
 * same input; the learned circuit has it, lacks it (or has no such edge: its ends did not map, or
 * map out of order), and adds whatever it keeps that no compiled edge maps onto.
 */
import { circuitGraph, edgeName, nodeName, receiverName, type CircuitGraph } from '../../src/model/circuitGraph.ts';
import type { CircuitLabel, ModelConfig } from '../../src/model/types.ts';
import type { HeadMatch } from '../headSimilarity.ts';

export interface NodeMapping {
  readonly compiled: string;
  /** The learned node it maps onto; null when none (an unmatched head, a layer without an MLP). */
  readonly learned: string | null;
  readonly by: 'itself' | 'head match' | 'layer';
}

export interface MappedEdge {
  readonly compiled: string;
  /** The learned edge it maps onto; null when its ends map onto no edge of the learned graph. */
  readonly learned: string | null;
  readonly via: readonly string[];
}

export interface CircuitComparison {
  readonly nodes: readonly NodeMapping[];
  /** Compiled edges whose image the learned circuit keeps. */
  readonly has: readonly MappedEdge[];
  /** Compiled edges whose image it does not keep (or that have none). */
  readonly lacks: readonly MappedEdge[];
  /** Learned circuit edges that are no compiled edge's image. */
  readonly adds: readonly string[];
}

function mapNodes(compiled: CircuitGraph, learned: ModelConfig, matches: readonly HeadMatch[]): NodeMapping[] {
  const learnedNames = new Set(circuitGraph(learned).nodes.map(nodeName));
  return compiled.nodes.map((n) => {
    const name = nodeName(n);
    if (n.kind === 'head') {
      const m = matches.find((x) => x.head.layer === n.layer && x.head.head === n.head);
      return { compiled: name, learned: m?.matched && m.best ? `${m.best.layer}.${m.best.head}` : null, by: 'head match' };
    }
    if (n.kind === 'mlp') return { compiled: name, learned: learnedNames.has(name) ? name : null, by: 'layer' };
    return { compiled: name, learned: name, by: 'itself' };
  });
}

export function compareCircuits(
  truth: CircuitLabel,
  compiled: ModelConfig,
  learned: ModelConfig,
  learnedCircuit: readonly string[],
  matches: readonly HeadMatch[],
): CircuitComparison {
  const cg = circuitGraph(compiled);
  const lg = circuitGraph(learned);
  const nodes = mapNodes(cg, learned, matches);
  const image = new Map(nodes.map((n) => [n.compiled, n.learned]));
  const learnedEdges = new Set(lg.edges.map((e) => edgeName(lg, e)));
  const kept = new Set(learnedCircuit);
  const byName = new Map(cg.edges.map((e) => [edgeName(cg, e), e]));
  const has: MappedEdge[] = [];
  const lacks: MappedEdge[] = [];
  const images = new Set<string>();
  for (const t of truth.edges) {
    const e = byName.get(t.edge)!;
    const s = image.get(nodeName(cg.senders[e.sender]));
    const r = cg.receivers[e.receiver];
    const rn = image.get(nodeName(r.node));
    const text =
      s && rn ? `${s}->${r.input === 'logits' ? 'logits' : receiverName({ node: lg.nodes.find((n) => nodeName(n) === rn)!, input: r.input })}` : null;
    const learnedEdge = text && learnedEdges.has(text) ? text : null;
    if (learnedEdge) images.add(learnedEdge);
    (learnedEdge && kept.has(learnedEdge) ? has : lacks).push({ compiled: t.edge, learned: learnedEdge, via: t.via });
  }
  return { nodes, has, lacks, adds: learnedCircuit.filter((e) => !images.has(e)) };
}
