/**
 * The circuit a model's weights imply, read off their exact non-zero structure: which residual
 * directions each node writes (the columns of W_E, W_pos, W_V·W_O and W_out that are not all zero)
 * and which each receiver input reads (the rows of W_Q·W_Kᵀ for a query, its columns for a key,
 * the rows of W_V·W_O for a value, of W_in for an MLP, of W_U for the logits). An edge is in the
 * circuit when its sender writes a direction its receiver reads and the receiver is itself in the
 * circuit, back from the logits: a head or neuron that writes only where nothing downstream reads
 * is left out, however much it computes. On the graph with neurons (circuitGraph's `neurons`) each
 * neuron writes its row of W_out and reads its column of W_in, so it is the circuit's neurons.
 * `silent` names senders known to write nothing on the inputs at hand (a compiled neuron for a
 * pair of values that never occur together, which never fires): they carry no edge. The fixed directions (`one`, `bos`: the same on every
 * input at each position, the compiler's biases and its attend-to-BOS default) carry no edge: what
 * flows along an edge is something about the input. Nor do directions the compiler labels idle
 * (DirectionLabel.idle: an aggregate's none-selected line that no input of its task sets): a
 * component that reads only them, such as the neuron filling in a default no input reaches, matters
 * on no accepted input, so no discovery could find it and it is not part of what the model computes
 * on its task; an MLP that reads nothing else writes the same on every input and sends no edge.
 *
 * For a compiled model (biases zero, every direction one s-op's) this is the circuit the program
 * defines; the compiler writes it into the model file's labels (ModelLabels.circuit), and files
 * written before it did get it from here when discovery asks (probes/circuit/truth.ts). A learned model's weights are dense,
 * so every edge would be in: this is not a discovery method.
 */
import { circuitGraph, edgeName, nodeName, type CircuitGraph, type Receiver } from './circuitGraph.ts';
import type { CircuitLabel, ModelData, WeightArray } from './types.ts';

/** Directions with a non-zero entry in a [rows, cols] row-major matrix, by row (`axis` 0) or by column (1). */
function nonZero(data: Float32Array, offset: number, rows: number, cols: number, axis: 0 | 1): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      if (data[offset + i * cols + j] !== 0) {
        out.add(axis === 0 ? i : j);
      }
  return out;
}

/** The non-zero entries of one row (`axis` 0) or one column (1) of a [rows, cols] row-major matrix. */
function sliceSupport(data: Float32Array, rows: number, cols: number, axis: 0 | 1, at: number): Set<number> {
  const out = new Set<number>();
  if (axis === 0) for (let j = 0; j < cols; j++) if (data[at * cols + j] !== 0) out.add(j);
  if (axis === 1) for (let i = 0; i < rows; i++) if (data[i * cols + at] !== 0) out.add(i);
  return out;
}

/**
 * a [D, E] · bᵀ where b is [D2, E] (offsets into per-head stacks): the bilinear form's non-zero rows and columns.
 * A sparse product: each entry's sum runs over the non-zero terms only, in increasing e as a dense
 * product adds them (the zero terms add nothing), so it is the same number.
 */
export function productSupport(a: Float32Array, aOff: number, b: Float32Array, bOff: number, rowsA: number, rowsB: number, E: number, transposeB: boolean) {
  // b's non-zero entries by e: the columns j of the product they reach, with their values.
  const byE: { js: number[]; vs: number[] }[] = Array.from({ length: E }, () => ({ js: [], vs: [] }));
  for (let j = 0; j < rowsB; j++)
    for (let e = 0; e < E; e++) {
      const v = transposeB ? b[bOff + j * E + e] : b[bOff + e * rowsB + j];
      if (v !== 0) {
        byE[e].js.push(j);
        byE[e].vs.push(v);
      }
    }
  const rows = new Set<number>();
  const cols = new Set<number>();
  // A set operation per non-zero entry of the product costs more than the product: each row and column is added once.
  const inCols = new Uint8Array(rowsB);
  const acc = new Float64Array(rowsB);
  const reached = new Uint8Array(rowsB);
  const touched: number[] = [];
  for (let i = 0; i < rowsA; i++) {
    for (let e = 0; e < E; e++) {
      const x = a[aOff + i * E + e];
      if (x === 0) continue;
      const { js, vs } = byE[e];
      for (let t = 0; t < js.length; t++) {
        const j = js[t];
        if (!reached[j]) {
          reached[j] = 1;
          touched.push(j);
        }
        acc[j] += x * vs[t];
      }
    }
    let row = false;
    for (let t = 0; t < touched.length; t++) {
      const j = touched[t];
      if (acc[j] !== 0) {
        row = true;
        if (!inCols[j]) {
          inCols[j] = 1;
          cols.add(j);
        }
      }
      acc[j] = 0;
      reached[j] = 0;
    }
    if (row) rows.add(i);
    touched.length = 0;
  }
  return { rows, cols };
}

interface Supports {
  /** Per sender: the directions it writes. */
  readonly writes: Set<number>[];
  /** Per receiver input: the directions it reads. */
  readonly reads: Set<number>[];
}

function supports(m: ModelData, g: CircuitGraph): Supports {
  const D = m.config.dModel;
  const w = (name: string): WeightArray => {
    const x = m.weights.get(name);
    if (!x) throw new Error(`true circuit: the model has no weight '${name}'`);
    return x;
  };
  const heads = new Map<string, { qk: { rows: Set<number>; cols: Set<number> }; ov: { rows: Set<number>; cols: Set<number> } }>();
  const headSupport = (layer: number, head: number) => {
    const key = `${layer}.${head}`;
    let s = heads.get(key);
    if (!s) {
      const E = m.config.layers[layer].dHead;
      const off = head * D * E;
      const p = `blocks.${layer}.attn`;
      s = {
        qk: productSupport(w(`${p}.W_Q`).data, off, w(`${p}.W_K`).data, off, D, D, E, true),
        ov: productSupport(w(`${p}.W_V`).data, off, w(`${p}.W_O`).data, head * E * D, D, D, E, false),
      };
      heads.set(key, s);
    }
    return s;
  };
  const writes = g.senders.map((n) => {
    switch (n.kind) {
      case 'embed':
        return nonZero(w('embed.W_E').data, 0, m.config.vocab.length, D, 1);
      case 'pos_embed':
        return nonZero(w('pos_embed.W_pos').data, 0, m.config.nCtx, D, 1);
      case 'head':
        return headSupport(n.layer, n.head).ov.cols;
      case 'mlp':
        return nonZero(w(`blocks.${n.layer}.mlp.W_out`).data, 0, m.config.layers[n.layer].dMlp, D, 1);
      case 'neuron':
        return sliceSupport(w(`blocks.${n.layer}.mlp.W_out`).data, m.config.layers[n.layer].dMlp, D, 0, n.neuron);
      case 'logits':
        throw new Error('the logits write nothing');
    }
  });
  const reads = g.receivers.map((r: Receiver) => {
    const n = r.node;
    if (n.kind === 'head') {
      const s = headSupport(n.layer, n.head);
      return r.input === 'q' ? s.qk.rows : r.input === 'k' ? s.qk.cols : s.ov.rows;
    }
    if (n.kind === 'mlp') return nonZero(w(`blocks.${n.layer}.mlp.W_in`).data, 0, D, m.config.layers[n.layer].dMlp, 0);
    if (n.kind === 'neuron') return sliceSupport(w(`blocks.${n.layer}.mlp.W_in`).data, D, m.config.layers[n.layer].dMlp, 1, n.neuron);
    return nonZero(w('unembed.W_U').data, 0, D, w('unembed.W_U').shape[1], 0);
  });
  return { writes, reads };
}

/** The circuit the weights imply: its nodes (logits included) and edges, each edge with the s-ops it carries. */
export function trueCircuit(m: ModelData, g: CircuitGraph = circuitGraph(m.config), opts: { readonly silent?: ReadonlySet<string> } = {}): CircuitLabel {
  const { writes, reads } = supports(m, g);
  g.senders.forEach((n, i) => {
    if (opts.silent?.has(nodeName(n))) writes[i].clear();
  });
  const sopOf = new Map(m.labels.residual.map((d) => [d.index, d.sop]));
  const fixed = new Set(m.labels.residual.filter((d) => d.role === 'fixed' || d.idle).map((d) => d.index));
  // An MLP reads its own position only: one that reads nothing but fixed directions writes the same
  // on every input (a head does not: its attention mask alone tells it the length).
  const constant = g.senders.map((n) => {
    if (n.kind !== 'mlp') return false;
    const ri = g.receivers.findIndex((r) => r.node.kind === 'mlp' && r.node.layer === n.layer);
    return [...reads[ri]].every((d) => fixed.has(d));
  });
  const liveNode = new Set<string>(['logits']);
  const edges: { edge: string; via: string[] }[] = [];
  // Receivers in reverse: by the time a node's inputs come up, every edge out of it has been decided.
  for (let ri = g.receivers.length - 1; ri >= 0; ri--) {
    const r = g.receivers[ri];
    if (!liveNode.has(nodeName(r.node))) continue;
    for (let s = 0; s < r.senders; s++) {
      if (constant[s]) continue;
      const shared = [...writes[s]].filter((d) => reads[ri].has(d) && !fixed.has(d));
      if (shared.length === 0) continue;
      liveNode.add(nodeName(g.senders[s]));
      edges.push({ edge: edgeName(g, { sender: s, receiver: ri }), via: [...new Set(shared.map((d) => sopOf.get(d) ?? `d${d}`))] });
    }
  }
  const order = new Map(g.edges.map((e, i) => [edgeName(g, e), i]));
  edges.sort((a, b) => order.get(a.edge)! - order.get(b.edge)!);
  return { nodes: g.nodes.map(nodeName).filter((n) => liveNode.has(n)), edges };
}
