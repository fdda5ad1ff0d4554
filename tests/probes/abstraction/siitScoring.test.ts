/**
 * An SIIT model's known circuit is its alignment's: the compiled circuit carried through the map
 * (probes/abstraction/alignedCircuit.ts) is in its labels, so circuit discovery scores against it;
 * `check --from-labels` claims each compiled selector of the head aligned with it, and `compare`
 * names the aligned heads.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignedCircuit } from '../../../probes/abstraction/alignedCircuit.ts';
import { defaultAlignment, labelledAlignment, resolveAlignment } from '../../../probes/abstraction/alignmentMap.ts';
import { trainSiit } from '../../../probes/abstraction/siit.ts';
import { discover } from '../../../probes/circuit/discover.ts';
import { compareOutputsAndHeads } from '../../../probes/compare.ts';
import { proposeFromLabels } from '../../../probes/hypotheses/propose.ts';
import { makeProbeSet } from '../../../probes/probeSet.ts';
import { formatComponent } from '../../../src/model/components.ts';
import type { ModelData } from '../../../src/model/types.ts';
import { fastBackend } from '../../hypotheses/support.ts';
import { compiled, config, program } from './tinyReverse.ts';
import { loaded } from '../../support/loaded.ts';

beforeAll(fastBackend);

const task = { vocab: ['a', 'b'], minLen: 1, maxLen: 3 };
const edges = (c: { edges: readonly { edge: string }[] }) => c.edges.map((e) => e.edge);
const map = (entries: Record<string, string[]>) => resolveAlignment(new Map(Object.entries(entries)), program, config);

describe("the alignment's circuit", () => {
  it('under the default alignment (each compiled node onto the component of its name) is the compiled circuit', () => {
    expect(alignedCircuit(compiled, defaultAlignment(compiled), config)).toEqual({
      nodes: compiled.labels.circuit!.nodes,
      edges: compiled.labels.circuit!.edges,
    });
  });

  it('follows the components a map names', () => {
    const c = alignedCircuit(compiled, map({ length: ['0.1'], opp_index: ['mlp0'], reverse: ['1.1'] }), config);
    expect(c.nodes).toEqual(['embed', 'pos_embed', '0.1', 'mlp0', '1.1', 'logits']);
    expect(edges(c)).toEqual(['pos_embed->mlp0:in', '0.1->mlp0:in', 'mlp0->1.1:q', 'pos_embed->1.1:k', 'embed->1.1:v', '1.1->logits']);
  });

  it('bridges a compiled node no variable is aligned to: what it reads goes straight to its readers', () => {
    const c = alignedCircuit(compiled, map({ length: ['0.0'], reverse: ['1.0'] }), config);
    expect(c.nodes).not.toContain('mlp0');
    expect(edges(c)).toEqual(['pos_embed->1.0:q', '0.0->1.0:q', 'pos_embed->1.0:k', 'embed->1.0:v', '1.0->logits']);
    expect(c.edges.find((e) => e.edge === '0.0->1.0:q')!.via).toEqual(['opp_index']);
  });

  it('maps an MLP onto heads (and their q, k, v) when the variable is aligned with heads only', () => {
    const c = alignedCircuit(compiled, map({ length: ['0.0'], opp_index: ['0.1'], reverse: ['1.0'] }), config);
    expect(edges(c).filter((e) => e.endsWith('0.1:q') || e.endsWith('0.1:k') || e.endsWith('0.1:v'))).toEqual([
      'pos_embed->0.1:q',
      'pos_embed->0.1:k',
      'pos_embed->0.1:v',
    ]);
    // 0.0 and 0.1 sit in one layer: the compiled 0.0 -> mlp0 edge has no image.
    expect(edges(c)).not.toContain('0.0->0.1:q');
  });
});

describe('an SIIT model', () => {
  let siit: ModelData;
  beforeAll(async () => {
    const alignment = map({ length: ['0.1'], opp_index: ['mlp0'], reverse: ['1.1'] });
    siit = (
      await trainSiit({
        config,
        program,
        compiled,
        alignment,
        task,
        steps: 2,
        batch: 8,
        lr: 3e-3,
        seed: 0,
        weights: { task: 1, iit: 1, strict: 1 },
        backend: tf.getBackend(),
        evalPairs: 4,
      })
    ).model;
  });

  it('carries its alignment and its circuit in its labels; discovery scores nodes and edges against that circuit', async () => {
    expect(Object.fromEntries([...labelledAlignment(siit)!].map(([v, cs]) => [v, cs.map(formatComponent)]))).toEqual({
      length: ['0.1'],
      reverse: ['1.1'],
      opp_index: ['mlp0'],
    });
    expect(siit.labels.circuit!.nodes).toEqual(['embed', 'pos_embed', '0.1', 'mlp0', '1.1', 'logits']);
    const set = makeProbeSet(program, { ...task, n: 8, seed: 0 });
    const [d] = await discover({ model: loaded(siit), program, set, task }, ['eap'], { faithfulnessPoints: 0 });
    expect(d.against).not.toBeNull();
    expect(d.against!.nodes.positives).toBe(5);
    expect(d.against!.edges.positives).toBe(6);
    expect(d.nodes.filter((n) => n.inTrue).map((n) => n.node)).toEqual(['embed', 'pos_embed', '0.1', 'mlp0', '1.1']);
  });

  it('check --from-labels claims each compiled selector of the head aligned with its variable only', () => {
    const p = proposeFromLabels(compiled, siit, program);
    expect(p.aligned).toBe(true);
    expect(p.claims.map((c) => `${c.from.layer}.${c.from.head}→${c.head}`)).toEqual(['0.0→0.1', '1.0→1.1']);
  });

  it('compare names the heads the alignment puts each compiled head on', async () => {
    const r = await compareOutputsAndHeads(loaded(compiled), loaded(siit), program, { samples: 8 });
    expect(r.heads.matches.map((m) => `${m.head.layer}.${m.head.head}: ${(m.aligned ?? []).map((x) => `${x.head.layer}.${x.head.head}`).join(',')}`)).toEqual(
      expect.arrayContaining(['0.0: 0.1', '1.0: 1.1']),
    );
    for (const m of r.heads.matches) for (const x of m.aligned ?? []) expect(x.similarity).toBeGreaterThanOrEqual(0);
  });

  it('a learned model without an alignment is left as it was', () => {
    const plain: ModelData = { ...siit, labels: { residual: [], heads: [], mlps: [] } };
    expect(labelledAlignment(plain)).toBeNull();
    expect(proposeFromLabels(compiled, plain, program).claims).toHaveLength(8);
    expect(labelledAlignment(compiled)).toBeNull();
  });
});
