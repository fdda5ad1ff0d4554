/**
 * A learned model's discovered circuit read against a compiled model's true one. Compiled nodes
 * are mapped onto learned ones, the embeddings and the logits onto themselves, in one of two ways:
 * by `compare`'s head matching (headMatchMapping: each compiled head onto the learned head whose
 * attention pattern is most similar, when similar enough, probes/headSimilarity.ts; each compiled
 * MLP onto the learned MLP of the same layer), or by what linear probes read from each node's
 * output (probes/circuit/probeMapping.ts). A compiled edge maps onto the learned edge between the images of its ends through the
 * same input; the learned circuit has it, lacks it (or has no such edge: its ends did not map, or
 * map out of order), and adds whatever it keeps that no compiled edge maps onto.
 */
import { circuitGraph, edgeName, nodeName, receiverName } from '../../src/model/circuitGraph.ts';
import type { CircuitLabel, ModelConfig } from '../../src/model/types.ts';
import type { HeadMatch } from '../headSimilarity.ts';

export interface NodeMapping {
  readonly compiled: string;
  /** The learned node it maps onto; null when none (an unmatched head, a layer without an MLP, no output that holds the variable). */
  readonly learned: string | null;
  readonly by: 'itself' | 'head match' | 'layer' | 'probes';
  /** By probes: the variable the compiled node writes, and the held-out accuracy of its probe from the learned node's output. */
  readonly variable?: string;
  readonly accuracy?: number;
  /** By probes, when no learned node reaches the accuracy asked for: the one that came closest (its accuracy in `accuracy`). */
  readonly closest?: string;
  /** By probes: other learned nodes whose output decodes the variable exactly as well (the mapping took the first). */
  readonly tied?: readonly string[];
}

export interface MappedEdge {
  readonly compiled: string;
  /** The learned edge it maps onto; null when its ends map onto no edge of the learned graph. */
  readonly learned: string | null;
  readonly via: readonly string[];
}

/** How compiled nodes were mapped onto learned ones. */
export type Mapping = 'head match' | 'probes';

export interface CircuitComparison {
  readonly mapping: Mapping;
  readonly nodes: readonly NodeMapping[];
  /** Compiled edges whose image the learned circuit keeps. */
  readonly has: readonly MappedEdge[];
  /** Compiled edges whose image it does not keep (or that have none). */
  readonly lacks: readonly MappedEdge[];
  /** Learned circuit edges that are no compiled edge's image. */
  readonly adds: readonly string[];
}

/** `compare`'s mapping: heads by their matched attention pattern, MLPs by layer. */
export function headMatchMapping(compiledConfig: ModelConfig, learned: ModelConfig, matches: readonly HeadMatch[]): NodeMapping[] {
  const compiled = circuitGraph(compiledConfig);
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
  mapping: Mapping,
  nodes: readonly NodeMapping[],
): CircuitComparison {
  const cg = circuitGraph(compiled);
  const lg = circuitGraph(learned);
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
  return { mapping, nodes, has, lacks, adds: learnedCircuit.filter((e) => !images.has(e)) };
}
