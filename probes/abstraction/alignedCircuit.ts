/**
 * The circuit of a learned model trained to obey a compiled one (SIIT): the compiled model's true
 * circuit carried through the alignment. Each compiled head or MLP stands for the variables its
 * labels say it writes; its image is the learned components aligned with them, those of its own
 * kind (a head onto heads, an MLP onto MLPs) when there are any, else all of them. The embeddings
 * and the logits are their own images. A compiled edge maps onto every learned edge between the
 * images of its ends through the same input (an MLP's input onto a head's q, k and v, and back,
 * when the kinds differ), if the learned graph has it (its ends in order). A compiled node that no
 * aligned variable covers is bridged: what it reads flows straight to what reads it, since the
 * strict loss leaves no other learned component to carry it.
 */
import { circuitGraph, edgeName, nodeName, type ReceiverInput } from '../../src/model/circuitGraph.ts';
import { formatComponent } from '../../src/model/components.ts';
import { trueCircuit } from '../../src/model/trueCircuit.ts';
import type { CircuitLabel, ModelConfig, ModelData } from '../../src/model/types.ts';
import type { AlignmentMap } from './alignmentMap.ts';

const FIXED = new Set(['embed', 'pos_embed', 'logits']);

/** `S->R:I` or `S->logits`. */
function parseEdge(edge: string): { sender: string; receiver: string; input: ReceiverInput } {
  const [sender, rest] = edge.split('->');
  if (rest === 'logits') return { sender, receiver: 'logits', input: 'logits' };
  const [receiver, input] = rest.split(':');
  return { sender, receiver, input: input as ReceiverInput };
}

const isHead = (name: string) => /^\d+\.\d+$/.test(name);

export function alignedCircuit(compiled: ModelData, alignment: AlignmentMap, learned: ModelConfig): CircuitLabel {
  const truth = compiled.labels.circuit ?? trueCircuit(compiled);
  const writes = (node: string): string[] => [
    ...compiled.labels.heads.filter((h) => `${h.layer}.${h.head}` === node).map((h) => h.writes),
    ...compiled.labels.mlps.filter((m) => `mlp${m.layer}` === node).map((m) => m.writes),
  ];
  const image = (node: string): string[] => {
    if (FIXED.has(node)) return [node];
    const all = [...new Set(writes(node).flatMap((v) => (alignment.get(v) ?? []).map(formatComponent)))];
    const own = all.filter((c) => isHead(c) === isHead(node));
    return own.length ? own : all;
  };
  const edges = truth.edges.map((e) => ({ ...parseEdge(e.edge), via: e.via }));
  // What reaches `node`'s readers: its image, or (unaligned) what reaches it.
  const sources = (node: string, seen = new Set<string>()): string[] => {
    const own = image(node);
    if (own.length || seen.has(node)) return own;
    seen.add(node);
    return [...new Set(edges.filter((e) => e.receiver === node).flatMap((e) => sources(e.sender, seen)))];
  };
  const g = circuitGraph(learned);
  const order = new Map(g.edges.map((e, i) => [edgeName(g, e), i]));
  const out = new Map<string, Set<string>>();
  for (const e of edges)
    for (const b of image(e.receiver)) {
      const inputs: readonly ReceiverInput[] = b === 'logits' ? ['logits'] : isHead(b) ? (e.input === 'in' ? ['q', 'k', 'v'] : [e.input]) : ['in'];
      for (const a of sources(e.sender))
        for (const input of inputs) {
          const name = `${a}->${input === 'logits' ? 'logits' : `${b}:${input}`}`;
          if (order.has(name)) out.set(name, new Set([...(out.get(name) ?? []), ...e.via]));
        }
    }
  const kept = [...out].sort((x, y) => order.get(x[0])! - order.get(y[0])!);
  const inCircuit = new Set([...truth.nodes.flatMap(image), ...kept.flatMap(([e]) => [parseEdge(e).sender, parseEdge(e).receiver])]);
  return { nodes: g.nodes.map(nodeName).filter((n) => inCircuit.has(n)), edges: kept.map(([edge, via]) => ({ edge, via: [...via] })) };
}
