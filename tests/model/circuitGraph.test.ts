import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.ts';
import { circuitGraph, edgeName, nodeName, parseNode } from '../../src/model/circuitGraph.ts';
import { deserializeModel, serializeModel } from '../../src/model/modelFile.ts';
import { productSupport, trueCircuit } from '../../src/model/trueCircuit.ts';
import { reverse } from '../compiler/programs.ts';
import { compiledLibrary } from '../hypotheses/support.ts';
import { withDecoys } from '../support/decoys.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';
import { userError } from '../support/userError.ts';

describe('the computational graph', () => {
  const g = circuitGraph(tinyConfig()); // layers: 2 heads + MLP, 1 head, MLP only

  it('has the embeddings, every head and MLP, and the logits, in the order the pass computes them', () => {
    expect(g.nodes.map(nodeName)).toEqual(['embed', 'pos_embed', '0.0', '0.1', 'mlp0', '1.0', 'mlp2', 'logits']);
  });

  it('runs an edge from every node to every later reader, one per input it reads through', () => {
    const names = g.edges.map((e) => edgeName(g, e));
    // a head of layer 0 reads only the embeddings, through q, k and v
    expect(names.filter((n) => n.endsWith('->0.1:q'))).toEqual(['embed->0.1:q', 'pos_embed->0.1:q']);
    // an MLP reads the heads of its own layer; no head reads one of its own layer
    expect(names).toContain('0.1->mlp0:in');
    expect(names).not.toContain('0.0->0.1:k');
    // layer 1's head reads layer 0 whole; the logits read everything
    expect(names.filter((n) => n.endsWith('->1.0:v'))).toEqual(['embed->1.0:v', 'pos_embed->1.0:v', '0.0->1.0:v', '0.1->1.0:v', 'mlp0->1.0:v']);
    expect(names.filter((n) => n.endsWith('->logits'))).toHaveLength(7);
    // 2 heads × 3 inputs × 2 senders in layer 0, 4 into mlp0, 3 × 5 into 1.0, 6 into mlp2, 7 into the logits
    expect(g.edges).toHaveLength(12 + 4 + 15 + 6 + 7);
  });

  it('names nodes people type, and says which exist when one does not', () => {
    expect(nodeName(g.nodes[parseNode(g, 'mlp2')])).toBe('mlp2');
    expect(userError(() => parseNode(g, 'mlp1'))).toMatch(/node 'mlp1' is not a node of this model \(did you mean 'mlp0'\?\); nodes: embed, pos_embed, 0\.0/);
  });
});

describe('the true circuit of a compiled model', () => {
  const model = compile(reverse(), { vocab: ['a', 'b', 'c'], maxLen: 4 }).model;

  it("is reverse's RASP graph: length and indices into the MLP, opp_index into the query, indices into the key, tokens into the value", () => {
    expect(model.labels.circuit).toEqual({
      nodes: ['embed', 'pos_embed', '0.0', 'mlp0', '1.0', 'logits'],
      edges: [
        { edge: 'pos_embed->mlp0:in', via: ['indices'] },
        { edge: '0.0->mlp0:in', via: ['length:1/(w+1)'] },
        { edge: 'mlp0->1.0:q', via: ['opp_idx-1'] },
        { edge: 'pos_embed->1.0:k', via: ['indices'] },
        { edge: 'embed->1.0:v', via: ['tokens'] },
        { edge: '1.0->logits', via: ['reverse'] },
      ],
    });
  });

  it('leaves out heads that write only where nothing reads, and what feeds them', () => {
    const decoyed = withDecoys(model);
    expect(decoyed.labels.circuit!.nodes).not.toContain('0.1');
    expect(decoyed.labels.circuit!.nodes).not.toContain('1.1');
    expect(decoyed.labels.circuit!.edges.map((e) => e.edge)).toEqual(model.labels.circuit!.edges.map((e) => e.edge));
  });

  it('is written into the model file and read back; a file without one still loads', () => {
    const back = deserializeModel(serializeModel(model), 'reverse.safetensors');
    expect(back.labels.circuit).toEqual(model.labels.circuit);
    const { circuit: _, ...older } = model.labels;
    void _;
    const old = deserializeModel(serializeModel({ ...model, labels: older }), 'old.safetensors');
    expect(old.labels.circuit).toBeUndefined();
    expect(trueCircuit(old)).toEqual(model.labels.circuit);
  });

  it('refuses a circuit label that names what the model lacks', () => {
    const bad = { ...model, labels: { ...model.labels, circuit: { nodes: ['embed', '3.0'], edges: [] } } };
    expect(userError(() => deserializeModel(serializeModel(bad), 'bad.safetensors'))).toMatch(/circuit\.nodes\[1\] "3\.0" is not a node of the model/);
    const badEdge = { ...model, labels: { ...model.labels, circuit: { nodes: [], edges: [{ edge: '1.0->0.0:q', via: [] }] } } };
    expect(userError(() => deserializeModel(serializeModel(badEdge), 'bad.safetensors'))).toMatch(/circuit\.edges\[0\] .* is not an edge of the model/);
  });

  it('leaves out a default no input of the task reaches (last_occurrence), keeps one some input does (shift_by)', () => {
    const last = compiledLibrary('last_occurrence').model;
    // its selection always holds the last copy of the query's own token: the fill MLP's input line is never set
    expect(last.labels.residual.filter((d) => d.idle).map((d) => d.sop)).toEqual(['last_occurrence:none_selected']);
    expect(last.labels.circuit!.nodes).not.toContain('mlp1');
    expect(last.labels.circuit!.edges.map((e) => e.edge)).not.toContain('1.0->mlp1:in');
    // the default is still compiled in, only the circuit leaves it out
    const unmarked = { ...last, labels: { ...last.labels, residual: last.labels.residual.map(({ idle: _, ...d }) => d) } };
    expect(trueCircuit(unmarked).nodes).toContain('mlp1');
    // shift_by's first position selects nothing on every input: its default is part of the circuit
    const shift = compiledLibrary('shift_by').model;
    expect(shift.labels.residual.some((d) => d.idle)).toBe(false);
    expect(shift.labels.circuit!.edges.map((e) => e.edge)).toContain('mlp0->logits');
  });

  it('of a learned model, dense weights, is every edge (it is no discovery method)', () => {
    const m = randomModel(tinyConfig({ normalization: 'none' }));
    const g = circuitGraph(m.config);
    expect(trueCircuit(m).edges).toHaveLength(g.edges.length);
  });
});

describe("the support of a head's bilinear form", () => {
  /** The dense product, every entry summed in full. */
  function denseSupport(a: Float32Array, b: Float32Array, rowsA: number, rowsB: number, E: number, transposeB: boolean) {
    const rows = new Set<number>();
    const cols = new Set<number>();
    for (let i = 0; i < rowsA; i++)
      for (let j = 0; j < rowsB; j++) {
        let s = 0;
        for (let e = 0; e < E; e++) s += a[i * E + e] * (transposeB ? b[j * E + e] : b[e * rowsB + j]);
        if (s !== 0) {
          rows.add(i);
          cols.add(j);
        }
      }
    return { rows: [...rows].sort((x, y) => x - y), cols: [...cols].sort((x, y) => x - y) };
  }
  const sorted = (s: { rows: Set<number>; cols: Set<number> }) => ({ rows: [...s.rows].sort((x, y) => x - y), cols: [...s.cols].sort((x, y) => x - y) });

  it('leaves out an entry whose terms cancel exactly', () => {
    // a = [[1, 1], [0, 2]], b = [[1, -1], [0, 0], [3, 0]] (transposed): entry (0, 0) is 1 - 1 = 0.
    const a = new Float32Array([1, 1, 0, 2]);
    const b = new Float32Array([1, -1, 0, 0, 3, 0]);
    expect(sorted(productSupport(a, 0, b, 0, 2, 3, 2, true))).toEqual({ rows: [0, 1], cols: [0, 2] });
    expect(sorted(productSupport(a, 0, b, 0, 2, 3, 2, true))).toEqual(denseSupport(a, b, 2, 3, 2, true));
  });

  it("is the dense product's on every head of a compiled model, Q·Kᵀ and V·O", () => {
    const m = compile(reverse(), { vocab: ['a', 'b', 'c'], maxLen: 6 }).model;
    const D = m.config.dModel;
    m.config.layers.forEach((l, layer) => {
      const E = l.dHead;
      for (let h = 0; h < l.nHeads; h++) {
        const w = (n: string) => m.weights.get(`blocks.${layer}.attn.${n}`)!.data;
        const q = w('W_Q').slice(h * D * E, (h + 1) * D * E);
        const k = w('W_K').slice(h * D * E, (h + 1) * D * E);
        const v = w('W_V').slice(h * D * E, (h + 1) * D * E);
        const o = w('W_O').slice(h * E * D, (h + 1) * E * D);
        expect(sorted(productSupport(w('W_Q'), h * D * E, w('W_K'), h * D * E, D, D, E, true))).toEqual(denseSupport(q, k, D, D, E, true));
        expect(sorted(productSupport(w('W_V'), h * D * E, w('W_O'), h * E * D, D, D, E, false))).toEqual(denseSupport(v, o, D, D, E, false));
      }
    });
  });
});
