/**
 * The computational graph of a model, as TransformerLens's circuit tools draw it: nodes are the
 * token and position embeddings, every attention head, every MLP and the logits; an edge runs from
 * each node to each later node that reads the residual stream it writes to, one edge per input the
 * receiver reads it through (a head's q, k and v; an MLP's input; the logits). Nothing but the
 * config decides the graph, so compiled and learned models of one shape have the same one.
 *
 * Senders are numbered in the order the forward pass produces them (embeddings, then per layer its
 * heads and its MLP), so "every sender before a receiver" is a prefix of that order. Attention
 * biases and MLP output biases are not nodes: they do not depend on the input.
 *
 * Names, as people type and read them: `embed`, `pos_embed`, `1.0` (head 0 of layer 1), `mlp0`,
 * `logits`; an edge is `SENDER->RECEIVER:INPUT`, e.g. `0.0->1.0:q`, `mlp0->logits`.
 *
 * With `neurons`, each MLP is its neurons instead (`mlp0.n3`): each reads the stream through its
 * own column of W_in (`0.0->mlp0.n3:in`) and writes its own row of W_out (`mlp0.n3->1.0:q`), so a
 * neuron that computes but is not read is a node of its own, not hidden inside a used MLP.
 */
import { closest } from 'fastest-levenshtein';
import { UserError } from '../rasp/errors.ts';
import type { ModelConfig } from './types.ts';

export type CircuitNode =
  | { readonly kind: 'embed' }
  | { readonly kind: 'pos_embed' }
  | { readonly kind: 'head'; readonly layer: number; readonly head: number }
  | { readonly kind: 'mlp'; readonly layer: number }
  | { readonly kind: 'neuron'; readonly layer: number; readonly neuron: number }
  | { readonly kind: 'logits' };

/** Which input of a receiver an edge feeds. */
export type ReceiverInput = 'q' | 'k' | 'v' | 'in' | 'logits';

export interface CircuitEdge {
  /** Index into CircuitGraph.senders. */
  readonly sender: number;
  /** Index into CircuitGraph.receivers. */
  readonly receiver: number;
}

/** One input of one receiving node. */
export interface Receiver {
  readonly node: CircuitNode;
  readonly input: ReceiverInput;
  /** The receiver reads the senders 0 … senders − 1 (a prefix of the senders' order). */
  readonly senders: number;
}

export interface CircuitGraph {
  /** Every node, in the order the forward pass computes them (logits last). */
  readonly nodes: readonly CircuitNode[];
  /** Nodes that write to the residual stream, in the order they write. */
  readonly senders: readonly CircuitNode[];
  /** Every receiver input, in the order the forward pass reads them. */
  readonly receivers: readonly Receiver[];
  /** Every edge, grouped by receiver (receivers' order), senders in order within a receiver. */
  readonly edges: readonly CircuitEdge[];
  /** Whether each MLP is split into its neurons. */
  readonly neurons: boolean;
}

export function nodeName(n: CircuitNode): string {
  switch (n.kind) {
    case 'embed':
    case 'pos_embed':
    case 'logits':
      return n.kind;
    case 'head':
      return `${n.layer}.${n.head}`;
    case 'mlp':
      return `mlp${n.layer}`;
    case 'neuron':
      return `mlp${n.layer}.n${n.neuron}`;
  }
}

export function receiverName(r: Pick<Receiver, 'node' | 'input'>): string {
  return r.input === 'logits' ? 'logits' : `${nodeName(r.node)}:${r.input}`;
}

export function edgeName(g: CircuitGraph, e: CircuitEdge): string {
  return `${nodeName(g.senders[e.sender])}->${receiverName(g.receivers[e.receiver])}`;
}

/** The layer a node belongs to: -1 for the embeddings, n_layers for the logits. */
export function nodeLayer(n: CircuitNode, nLayers: number): number {
  return n.kind === 'embed' || n.kind === 'pos_embed' ? -1 : n.kind === 'logits' ? nLayers : n.layer;
}

export function circuitGraph(config: ModelConfig, opts: { readonly neurons?: boolean } = {}): CircuitGraph {
  const neurons = opts.neurons ?? false;
  const senders: CircuitNode[] = [{ kind: 'embed' }, { kind: 'pos_embed' }];
  const receivers: Receiver[] = [];
  const nodes: CircuitNode[] = [...senders];
  config.layers.forEach((L, layer) => {
    const before = senders.length;
    for (let head = 0; head < L.nHeads; head++) {
      const node: CircuitNode = { kind: 'head', layer, head };
      for (const input of ['q', 'k', 'v'] as const) receivers.push({ node, input, senders: before });
    }
    for (let head = 0; head < L.nHeads; head++) senders.push({ kind: 'head', layer, head });
    if (L.dMlp > 0 && neurons) {
      const read = senders.length;
      for (let neuron = 0; neuron < L.dMlp; neuron++) receivers.push({ node: { kind: 'neuron', layer, neuron }, input: 'in', senders: read });
      for (let neuron = 0; neuron < L.dMlp; neuron++) senders.push({ kind: 'neuron', layer, neuron });
    } else if (L.dMlp > 0) {
      const node: CircuitNode = { kind: 'mlp', layer };
      receivers.push({ node, input: 'in', senders: senders.length });
      senders.push(node);
    }
    nodes.push(...senders.slice(before));
  });
  receivers.push({ node: { kind: 'logits' }, input: 'logits', senders: senders.length });
  nodes.push({ kind: 'logits' });
  const edges: CircuitEdge[] = [];
  receivers.forEach((r, receiver) => {
    for (let sender = 0; sender < r.senders; sender++) edges.push({ sender, receiver });
  });
  return { nodes, senders, receivers, edges, neurons };
}

/** The index of the node named `text` (a UserError naming the graph's nodes when there is none). */
export function parseNode(g: CircuitGraph, text: string, what = 'node'): number {
  const names = g.nodes.map(nodeName);
  const i = names.indexOf(text.trim());
  if (i >= 0) return i;
  const split = g.neurons ? names.filter((n) => n.startsWith(`${text.trim()}.n`)) : [];
  if (split.length) throw new UserError(`${what} '${text}': on the graph with neurons an MLP is its neurons, ${split[0]} … ${split.at(-1)}`);
  throw new UserError(`${what} '${text}' is not a node of this model (did you mean '${closest(text, names)}'?); nodes: ${names.join(', ')}`);
}
